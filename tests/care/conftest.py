from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.core import mail

from followups.models import CadenceRule
from journeys.models import Journey
from journeys.services import journey_move

# A pinned "now" for the care tests: Monday 30 November 2026, 10:00 UTC (11:00 in Berlin).
NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _care_settings(settings: Any) -> None:
    settings.SITE_URL = "https://crm.example.com"
    settings.INBOUND_DOMAIN = "reply.clinic.example"
    settings.CARE_PAIN_THRESHOLD = 7
    settings.CARE_ESCALATION_MINUTES = 15
    settings.COMPANY_EMERGENCY_PHONE = "+90 212 555 0199"
    settings.COMPANY_PHONE = "+90 212 555 0100"
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@pytest.fixture
def defaults(db: None) -> None:
    """The default cadences and plans as the data migrations made them (a transactional
    test elsewhere may have flushed them)."""
    if not CadenceRule.objects.exists():
        importlib.import_module("followups.migrations.0002_default_cadences").create_defaults(
            apps, None
        )
    importlib.import_module("followups.migrations.0010_care_links_comfort").forwards(apps, None)
    importlib.import_module("care.migrations.0002_default_plans").create_plans(apps, None)


@pytest.fixture
def outbox() -> list[Any]:
    mail.outbox.clear()
    return mail.outbox


def to_stage(journey: Journey, target: str, *, actor: Any, at: dt.datetime = NOW) -> Journey:
    order = ["booked", "arrival", "procedure", "followup"]
    current = journey.stage
    start = 0 if current == "inquiry" else order.index(current) + 1
    for stage in order[start : order.index(target) + 1]:
        journey = journey_move(journey_id=journey.pk, target=stage, actor=actor, at=at)
    return journey


@pytest.fixture
def eager() -> Any:
    """Celery tasks run in this process when enqueued (the on-commit enqueue path)."""
    from crm.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous
