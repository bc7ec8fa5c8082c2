"""Thin Celery tasks: take ids, call one service. Retries go through the schedule's due_at
(never Celery countdowns), so the only policy here is "no Celery retry"."""

from __future__ import annotations

import logging
from collections import Counter

from celery import shared_task
from django.db import InterfaceError, OperationalError, connection

log = logging.getLogger(__name__)

# Database outages this worker process rode out, by task (a PostgreSQL restart, a
# failover): counted and logged in one line each, without a traceback, since nothing is
# lost and nothing needs a person. The row waits in the table (see _database_away).
DATABASE_OUTAGES: Counter[str] = Counter()


def _database_away(task: str, exc: Exception) -> None:
    """The database went away under a task. Drop the connection (with CELERY_DB_REUSE_MAX
    the worker keeps it between tasks) so the next task reconnects, and return quietly:
    the next beat tick dispatches again, and a row this task held (a send, or an inbound
    email) stays claimed, or in doubt if the ESP already had it, until its reaper
    recovers it."""
    DATABASE_OUTAGES[task] += 1
    try:
        connection.close()
    except Exception:
        log.debug("Closing the broken database connection failed.", exc_info=True)
    log.warning(
        "Database unavailable during %s (%s; %d in this worker so far): its row is taken "
        "again by the next beat tick.",
        task,
        type(exc).__name__,
        DATABASE_OUTAGES[task],
    )


@shared_task(name="followups.tasks.dispatch_due", ignore_result=True)
def dispatch_due() -> None:
    """The beat entry: reap stuck claims, claim due messages, enqueue their sends."""
    from followups.services import messages_dispatch_due

    try:
        messages_dispatch_due()
    except (InterfaceError, OperationalError) as exc:
        _database_away("dispatch_due", exc)


@shared_task(name="followups.tasks.send_scheduled_message", ignore_result=True)
def send_scheduled_message(scheduled_message_id: int) -> None:
    """Send one claimed message; a duplicate or late delivery of this task is a no-op."""
    from followups.services import message_send_scheduled

    try:
        message_send_scheduled(scheduled_message_id=scheduled_message_id)
    except (InterfaceError, OperationalError) as exc:
        _database_away("send_scheduled_message", exc)


@shared_task(name="followups.tasks.notify_reply", ignore_result=True)
def notify_reply(message_id: int) -> None:
    """Tell the coordinator(s) who asked for it that a patient wrote. Best effort, no
    retry: the reply is in their queue either way."""
    from followups.inbound.triage import reply_notice_send

    try:
        reply_notice_send(message_id=message_id)
    except (InterfaceError, OperationalError) as exc:
        _database_away("notify_reply", exc)


# The parser has no unbounded step, but a message it has never seen must not hold a worker:
# past the soft limit the task records the raw email as failed (inbound_process catches
# the exception); past the hard one the worker child is killed and the claim times out.
@shared_task(
    name="followups.tasks.process_raw_email",
    ignore_result=True,
    soft_time_limit=120,
    time_limit=180,
)
def process_raw_email(raw_email_id: int) -> None:
    """Parse, match, store and act on one kept inbound email; a duplicate or late
    delivery of this task is a no-op (the row is claimed with a conditional UPDATE)."""
    from followups.inbound.store import raw_email_process

    try:
        raw_email_process(raw_email_id=raw_email_id)
    except (InterfaceError, OperationalError) as exc:
        _database_away("process_raw_email", exc)


@shared_task(name="followups.tasks.inbound_reap", ignore_result=True)
def inbound_reap() -> None:
    """The beat entry: enqueue raw emails whose enqueue was lost or whose worker died;
    fail those tried INBOUND_MAX_ATTEMPTS times."""
    from followups.inbound.store import raw_emails_reap

    try:
        raw_emails_reap()
    except (InterfaceError, OperationalError) as exc:
        _database_away("inbound_reap", exc)


@shared_task(name="followups.tasks.prune_raw_email", ignore_result=True)
def prune_raw_email() -> None:
    """The daily beat entry: delete raw emails older than INBOUND_RAW_RETENTION_DAYS."""
    from followups.inbound.retention import raw_emails_prune

    try:
        raw_emails_prune()
    except (InterfaceError, OperationalError) as exc:
        _database_away("prune_raw_email", exc)
