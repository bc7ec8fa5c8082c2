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


@shared_task(name="care.tasks.risk_recompute_journey", ignore_result=True)
def risk_recompute_journey(journey_id: int) -> None:
    """One journey's booked risk (after a delivery or tracking event on its email)."""
    from care.risk.services import risk_recompute

    try:
        risk_recompute(journey_ids=[journey_id])
    except (InterfaceError, OperationalError):
        connection.close()
        raise


@shared_task(name="care.tasks.risk_nightly", ignore_result=True)
def risk_nightly() -> None:
    """The beat entry: every booked journey's risk, in batches, and the T-14 snapshots.
    Running it twice writes nothing the first run did not."""
    from care.risk.services import risk_recompute_all

    try:
        risk_recompute_all()
    except (InterfaceError, OperationalError):
        connection.close()
        raise
