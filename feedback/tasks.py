"""Thin Celery tasks: take a journey id, call one service. Each is safe to run twice: the
case's notice and the referral's thank-you are claimed by conditional UPDATEs."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError, connection


@shared_task(name="feedback.tasks.case_opened", ignore_result=True)
def case_opened(journey_id: int) -> None:
    """The manager's email and the coordinator's acknowledgment to the patient."""
    from feedback.sending import case_notices_send

    try:
        case_notices_send(journey_id=journey_id)
    except (InterfaceError, OperationalError):
        connection.close()
        raise


@shared_task(name="feedback.tasks.rerate_ask", ignore_result=True)
def rerate_ask(journey_id: int) -> None:
    from feedback.sending import rerate_ask_send

    try:
        rerate_ask_send(journey_id=journey_id)
    except (InterfaceError, OperationalError):
        connection.close()
        raise


@shared_task(name="feedback.tasks.referrer_thank", ignore_result=True)
def referrer_thank(journey_id: int) -> None:
    from feedback.sending import referrer_thank_send

    try:
        referrer_thank_send(journey_id=journey_id)
    except (InterfaceError, OperationalError):
        connection.close()
        raise


@shared_task(name="feedback.tasks.cases_late_dispatch", ignore_result=True)
def cases_late_dispatch() -> None:
    """The beat entry: recovery cases past their deadline, unresolved (one email each)."""
    from feedback.sending import cases_late_dispatch as dispatch

    try:
        dispatch()
    except (InterfaceError, OperationalError):
        connection.close()
        raise


@shared_task(name="feedback.tasks.case_late", ignore_result=True)
def case_late(journey_id: int) -> None:
    from feedback.sending import case_late_send

    try:
        case_late_send(journey_id=journey_id)
    except (InterfaceError, OperationalError):
        connection.close()
        raise
