"""Thin Celery task: take the run's id, call the service (see transfer.services)."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError, connection


@shared_task(
    name="transfer.tasks.apply_import",
    ignore_result=True,
    # Acknowledged when done: a worker lost half way gets the run redelivered, which
    # only writes what is still missing (written rows merge).
    acks_late=True,
)
def apply_import(run_id: int, user_id: int | None) -> None:
    from transfer.services import import_run_actor, import_run_apply

    try:
        import_run_apply(run_id=run_id, actor=import_run_actor(user_id))
    except (InterfaceError, OperationalError):
        connection.close()
        raise
