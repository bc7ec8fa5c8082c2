"""Thin Celery tasks: take ids, call one service. Delays live in the tables' due times;
a duplicate delivery of a task finds its row already handled and does nothing."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError, connection


@shared_task(name="care.tasks.dispatch_due", ignore_result=True)
def dispatch_due() -> None:
    """The beat entry: due escalation notices and after-care step emails."""
    from care.services import care_dispatch_due

    try:
        care_dispatch_due()
    except (InterfaceError, OperationalError):
        connection.close()
        raise


@shared_task(name="care.tasks.send_notice", ignore_result=True)
def send_notice(notice_id: int) -> None:
    from care.services import notice_send

    try:
        notice_send(notice_id=notice_id)
    except (InterfaceError, OperationalError):
        connection.close()
        raise


@shared_task(name="care.tasks.send_step_email", ignore_result=True)
def send_step_email(journey_step_id: int) -> None:
    from care.services import step_email_send

    try:
        step_email_send(journey_step_id=journey_step_id)
    except (InterfaceError, OperationalError):
        connection.close()
        raise
