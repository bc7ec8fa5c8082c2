"""Issue 13: the satisfaction email is due at the later of (procedure + N days, the rule's
data) and the day after the journey's last after-care step; the reminder keeps its
distance. Steps re-dated by new planned dates move the pending survey with them."""

from __future__ import annotations

import datetime as dt

import pytest

from care.models import AfterCarePlan, AfterCareStep, JourneyStep
from followups.models import ScheduledMessage, Status
from journeys.services import journey_plan_dates
from tests.feedback.conftest import in_followup

pytestmark = pytest.mark.django_db

PROCEDURE = dt.date(2026, 6, 5)


def _plan(procedure, last_offset: int) -> None:
    # Tied to the Procedure row: wins over the shipped plan for its name.
    plan = AfterCarePlan.objects.create(name="Test plan", procedure=procedure)
    AfterCareStep.objects.create(plan=plan, day_offset=1, title_en="Soft food", text_en="Soft.")
    AfterCareStep.objects.create(
        plan=plan, day_offset=last_offset, title_en="Check", text_en="Check."
    )


def _due(journey) -> dict[str, dt.datetime]:
    return {
        m.rule.key: m.due_at
        for m in ScheduledMessage.objects.filter(
            journey=journey,
            rule__key__in=("satisfaction_request", "satisfaction_reminder"),
            status=Status.PENDING,
        ).select_related("rule")
    }


def _local_day(at: dt.datetime, journey) -> dt.date:
    from followups.scheduling import zone

    return at.astimezone(zone(journey.patient.timezone)).date()


def test_survey_waits_for_the_last_after_care_step(journey, coordinator, procedure, defaults):
    _plan(procedure, last_offset=20)
    journey = in_followup(journey, coordinator, PROCEDURE)
    last = JourneyStep.objects.filter(journey=journey).order_by("-due_on").first()
    assert last is not None and last.due_on == PROCEDURE + dt.timedelta(days=20)
    due = _due(journey)
    assert _local_day(due["satisfaction_request"], journey) == last.due_on + dt.timedelta(days=1)
    assert (due["satisfaction_reminder"] - due["satisfaction_request"]).days == 5


def test_short_after_care_keeps_n_days_after_the_procedure(
    journey, coordinator, procedure, defaults
):
    _plan(procedure, last_offset=3)
    journey = in_followup(journey, coordinator, PROCEDURE)
    due = _due(journey)
    assert _local_day(due["satisfaction_request"], journey) == PROCEDURE + dt.timedelta(days=7)
    assert _local_day(due["satisfaction_reminder"], journey) == PROCEDURE + dt.timedelta(days=12)


def test_new_dates_move_the_steps_and_the_survey(journey, coordinator, procedure, defaults):
    _plan(procedure, last_offset=20)
    journey = in_followup(journey, coordinator, PROCEDURE)
    later = PROCEDURE + dt.timedelta(days=3)
    journey_plan_dates(
        journey_id=journey.pk,
        actor=coordinator,
        planned_arrival=later - dt.timedelta(days=1),
        planned_procedure=later,
        planned_departure=later + dt.timedelta(days=5),
    )
    due = _due(journey)
    assert _local_day(due["satisfaction_request"], journey) == later + dt.timedelta(days=21)
