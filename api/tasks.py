"""Thin Celery tasks for outgoing webhooks: ids in, one service call. Retries live in the
delivery rows' due_at (api/webhooks.py), never in Celery countdowns."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

log = logging.getLogger(__name__)


@shared_task(name="api.tasks.webhooks_dispatch", ignore_result=True)
def webhooks_dispatch() -> None:
    """The beat entry (and the kick after a commit): claim due deliveries, enqueue them."""
    from api.webhooks import webhooks_dispatch_due

    try:
        webhooks_dispatch_due()
    except (InterfaceError, OperationalError) as exc:
        log.warning("Database unavailable during webhooks_dispatch (%s).", type(exc).__name__)


@shared_task(name="api.tasks.webhook_deliver", ignore_result=True)
def webhook_deliver(delivery_id: int) -> None:
    """POST one claimed delivery; a duplicate of this task is a no-op."""
    from api.webhooks import webhook_deliver as deliver

    try:
        deliver(delivery_id=delivery_id)
    except (InterfaceError, OperationalError) as exc:
        log.warning("Database unavailable during webhook_deliver (%s).", type(exc).__name__)
