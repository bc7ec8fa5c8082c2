from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from followups.models import ScheduledMessage, Status
from followups.services import message_send_scheduled
from journeys.models import Journey
from journeys.services import journey_move


@pytest.fixture(autouse=True)
def _follow_up_settings(settings: Any) -> None:
    settings.COMPANY_NAME = "Clinic Care"
    settings.INBOUND_DOMAIN = "reply.clinic.example"
    settings.SITE_URL = "https://crm.example.com"
    settings.FOLLOWUPS_RETRY_DELAYS = [60, 300]
    settings.FOLLOWUPS_CLAIM_TIMEOUT = 300
    settings.FOLLOWUPS_SEND_CONFIRM_WAIT = 600
    settings.FOLLOWUPS_STALE_AFTER = 12 * 3600


@pytest.fixture
def use_backend(settings: Any) -> Iterator[Any]:
    def use(path: str) -> None:
        settings.MAILERS = {"default": {"BACKEND": path}}

    yield use


def rows(journey: Journey, **filters: Any) -> list[ScheduledMessage]:
    return list(
        ScheduledMessage.objects.filter(journey=journey, **filters)
        .select_related("rule")
        .order_by("due_at", "id")
    )


def keys(journey: Journey, **filters: Any) -> list[str]:
    return [r.rule.key for r in rows(journey, **filters)]


def send_due(journey: Journey | None = None, *, now: dt.datetime | None = None) -> list[str]:
    """Send every claimed or due row (of one journey) in this process; return outcomes."""
    now = now or timezone.now()
    qs = ScheduledMessage.objects.filter(
        status__in=[Status.PENDING, Status.CLAIMED], due_at__lte=now
    )
    if journey is not None:
        qs = qs.filter(journey=journey)
    return [
        message_send_scheduled(scheduled_message_id=pk, now=now)
        for pk in qs.order_by("due_at").values_list("pk", flat=True)
    ]


def advance(journey: Journey, *targets: str, actor: Any, at: dt.datetime | None = None) -> Journey:
    for target in targets:
        journey = journey_move(journey_id=journey.pk, target=target, actor=actor, at=at)
    return journey


@pytest.fixture
def outbox() -> list[Any]:
    mail.outbox.clear()
    return mail.outbox
