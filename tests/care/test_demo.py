"""Demo data: seeded journeys past the procedure get their care history (JOURNEYS_SEEDED),
believable for the Care report and My day, and nothing in it is due to be sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from care.models import (
    CheckIn,
    EmailStatus,
    Escalation,
    EscalationNotice,
    JourneyStep,
    NoticeKind,
    NoticeStatus,
    StepStatus,
)
from care.selectors import UNCONFIRMED_AFTER_DAYS, my_day_care
from care.services import care_dispatch_due
from crm import demo
from journeys.models import Journey, JourneyEvent, Outcome, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seeded(defaults: None) -> demo.SeedStats:
    demo.ensure_demo_staff("pw-demo")
    return demo.seed(patients=600)


def test_seeded_journeys_past_the_procedure_get_steps_checkins_and_escalations(
    seeded: demo.SeedStats, outbox: list[Any]
) -> None:
    now = timezone.now()
    steps = JourneyStep.objects.select_related("journey")
    assert steps.exists()
    assert {s.journey.stage for s in steps} <= {Stage.PROCEDURE, Stage.FOLLOWUP}
    statuses = set(steps.values_list("status", flat=True))
    assert statuses == {StepStatus.DONE, StepStatus.PROBLEM, StepStatus.OPEN}
    grace = dt.timedelta(days=UNCONFIRMED_AFTER_DAYS)
    done = steps.filter(status=StepStatus.DONE)
    assert any(s.answered_at.date() > s.due_on + grace for s in done), "some confirmed late"
    assert any(s.answered_at.date() <= s.due_on + grace for s in done), "most on time"
    for row in steps.exclude(answered_at=None):
        assert row.answered_at <= (row.journey.closed_at or now)
    # Nothing is due: the past steps were not emailed, the future ones are planned.
    assert not steps.filter(email_status=EmailStatus.PENDING, email_due_at__lte=now).exists()
    assert steps.filter(email_status=EmailStatus.PENDING).exists()

    checkins = CheckIn.objects.all()
    assert {"fine", "question", "help"} <= set(checkins.values_list("answer", flat=True))
    assert all(c.created_at <= now for c in checkins)

    escalations = Escalation.objects.select_related("journey")
    states = {(e.acknowledged_at is not None, e.resolved_at is not None) for e in escalations}
    assert states == {(True, True), (True, False), (False, False)}
    for e in escalations:
        assert e.opened_at <= (e.acknowledged_at or now) <= (e.resolved_at or now) <= now
        if e.resolved_at is None:
            assert e.journey.outcome == Outcome.ACTIVE
            assert e.deadline_at <= now  # the managers' email is history, not due
    # Each escalation's notices are already handled; each action is on the timeline.
    assert not EscalationNotice.objects.filter(status=NoticeStatus.PENDING).exists()
    waiting = escalations.filter(acknowledged_at=None)
    assert EscalationNotice.objects.filter(
        escalation__in=waiting, kind=NoticeKind.MANAGER, status=NoticeStatus.SENT
    ).exists()
    opened = JourneyEvent.objects.filter(data__care="escalation_opened")
    assert sorted(opened.values_list("data__escalation_id", flat=True)) == sorted(
        escalations.values_list("pk", flat=True)
    )
    assert JourneyEvent.objects.filter(data__care="checkin").count() == checkins.count()
    assert JourneyEvent.objects.filter(data__care="step_done").count() == done.count()

    # A fresh `make run` sends nobody anything.
    result = care_dispatch_due(send_inline=True)
    assert (result.notices, result.steps) == (0, 0)
    assert outbox == []


def test_my_day_shows_the_seeded_care_work(seeded: demo.SeedStats) -> None:
    open_one = Escalation.objects.filter(resolved_at=None).select_related("journey").first()
    assert open_one is not None
    coordinator = open_one.journey.coordinator
    care = my_day_care(coordinator)
    assert open_one in care.escalations.rows


def test_nothing_for_journeys_before_the_procedure(seeded: demo.SeedStats) -> None:
    early = Journey.objects.exclude(stage__in=[Stage.PROCEDURE, Stage.FOLLOWUP])
    assert not JourneyStep.objects.filter(journey__in=early).exists()
    assert not CheckIn.objects.filter(journey__in=early).exists()
