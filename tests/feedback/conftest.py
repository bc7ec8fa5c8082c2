from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.core import mail

from followups.models import CadenceRule
from journeys.models import Journey
from journeys.services import journey_move, journey_plan_dates


@pytest.fixture(autouse=True)
def _feedback_settings(settings: Any) -> None:
    settings.SITE_URL = "https://crm.example.com"
    settings.INBOUND_DOMAIN = "reply.clinic.example"
    settings.COMPANY_PHONE = "+90 212 555 0100"
    settings.FEEDBACK_CHANGE_DAYS = 7
    settings.FEEDBACK_RECOVERY_WORKING_DAYS = 2
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@pytest.fixture
def defaults(db: None) -> None:
    """The default cadences as the data migrations made them, the reminder included."""
    if not CadenceRule.objects.exists():
        importlib.import_module("followups.migrations.0002_default_cadences").create_defaults(
            apps, None
        )
    importlib.import_module("followups.migrations.0011_satisfaction_reminder").forwards(apps, None)


@pytest.fixture
def outbox() -> list[Any]:
    mail.outbox.clear()
    return mail.outbox


@pytest.fixture
def eager() -> Any:
    from crm.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


def in_followup(journey: Journey, actor: Any, procedure_day: dt.date | None = None) -> Journey:
    """The journey moved to follow-up with planned dates around `procedure_day`."""
    day = procedure_day or dt.date(2026, 6, 5)
    journey_plan_dates(
        journey_id=journey.pk,
        actor=actor,
        planned_arrival=day - dt.timedelta(days=1),
        planned_procedure=day,
        planned_departure=day + dt.timedelta(days=5),
    )
    for stage in ["booked", "arrival", "procedure", "followup"]:
        journey = journey_move(journey_id=journey.pk, target=stage, actor=actor)
    return journey


@pytest.fixture
def followup(journey: Journey, coordinator: Any, defaults: None) -> Journey:
    return in_followup(journey, coordinator)
