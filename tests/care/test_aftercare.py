"""After-care plans: written on entering the procedure / follow-up stage, emailed on their
day in the patient's window, answered on the page, flagged on My day when late."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from care.models import (
    AfterCarePlan,
    AfterCareStep,
    EmailStatus,
    Escalation,
    EscalationSource,
    JourneyStep,
    StepStatus,
)
from care.selectors import my_day_care, steps_unconfirmed_for
from care.services import care_dispatch_due, plan_instantiate, step_answer
from followups.models import Direction, Message
from journeys.services import journey_plan_dates
from tests.care.conftest import NOW, to_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(procedure) -> AfterCarePlan:
    # Tied to the Procedure row: wins over the shipped plan for "Dental implants".
    plan = AfterCarePlan.objects.create(name="Implants", procedure=procedure)
    AfterCareStep.objects.create(
        plan=plan,
        day_offset=1,
        title_en="Soft food",
        text_en="Soft food only.",
        title_de="Weiche Kost",
        text_de="Nur weiche Kost.",
    )
    AfterCareStep.objects.create(
        plan=plan, anchor="departure", day_offset=-1, title_en="Check-up", text_en="Control."
    )
    AfterCareStep.objects.create(
        plan=plan,
        day_offset=10,
        title_en="Stitches out",
        text_en="Just confirm.",
    )
    return plan


@pytest.fixture
def planned(journey, coordinator):
    journey_plan_dates(
        journey_id=journey.pk,
        actor=coordinator,
        planned_arrival=dt.date(2026, 11, 29),
        planned_procedure=dt.date(2026, 11, 30),
        planned_departure=dt.date(2026, 12, 6),
    )
    journey.refresh_from_db()
    return journey


def test_entering_procedure_writes_the_plan_with_dates(plan, planned, coordinator) -> None:
    journey = to_stage(planned, "procedure", actor=coordinator)
    steps = {s.step.title_en: s for s in JourneyStep.objects.filter(journey=journey)}
    assert steps["Soft food"].due_on == dt.date(2026, 12, 1)
    assert steps["Check-up"].due_on == dt.date(2026, 12, 5)
    assert steps["Stitches out"].due_on == dt.date(2026, 12, 10)
    soft = steps["Soft food"]
    assert soft.email_status == EmailStatus.PENDING
    # 09:00 in Berlin on the day.
    assert soft.email_due_at == dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    # Entering follow-up again is idempotent.
    to_stage(journey, "followup", actor=coordinator)
    assert JourneyStep.objects.filter(journey=journey).count() == 3


def test_no_plan_for_the_procedure_writes_nothing(planned, coordinator) -> None:
    AfterCarePlan.objects.update(active=False)
    to_stage(planned, "procedure", actor=coordinator)
    assert not JourneyStep.objects.exists()


def test_the_step_email_goes_out_on_its_day_in_the_patients_language(
    plan, planned, coordinator, outbox
) -> None:
    journey = to_stage(planned, "procedure", actor=coordinator)
    early = care_dispatch_due(now=dt.datetime(2026, 12, 1, 7, 59, tzinfo=dt.UTC), send_inline=True)
    assert early.steps == 0
    tick = care_dispatch_due(now=dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC), send_inline=True)
    assert tick.steps == 1
    assert len(outbox) == 1
    assert outbox[0].subject == "Ihre Nachsorge heute: Weiche Kost"
    assert "Nur weiche Kost." in outbox[0].body
    assert "/care/" in outbox[0].body  # the link to the patient's page
    assert Message.objects.filter(journey=journey, direction=Direction.OUT).exists()
    again = care_dispatch_due(now=dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), send_inline=True)
    assert again.steps == 0 and len(outbox) == 1


def test_done_and_problem_on_the_page(plan, planned, coordinator) -> None:
    journey = to_stage(planned, "procedure", actor=coordinator)
    soft, _check, stitches = JourneyStep.objects.filter(journey=journey).order_by("due_on")
    row, escalation = step_answer(journey_step_id=soft.pk, journey_id=journey.pk, problem=False)
    assert row.status == StepStatus.DONE and escalation is None
    row, escalation = step_answer(
        journey_step_id=stitches.pk, journey_id=journey.pk, problem=True, note="swollen"
    )
    assert row.status == StepStatus.PROBLEM
    assert escalation is not None and escalation.source == EscalationSource.STEP
    # A second press keeps the first answer.
    row, _ = step_answer(journey_step_id=soft.pk, journey_id=journey.pk, problem=True)
    assert row.status == StepStatus.DONE
    assert Escalation.objects.count() == 1


def test_unconfirmed_two_days_after_due_is_on_my_day(plan, planned, coordinator) -> None:
    journey = to_stage(planned, "procedure", actor=coordinator)
    on_time = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)  # soft food due 1 Dec: 2 days
    assert steps_unconfirmed_for(coordinator, now=on_time).rows == []
    late = dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC)
    rows = steps_unconfirmed_for(coordinator, now=late).rows
    assert [r.step.title_en for r in rows] == ["Soft food"]
    assert rows[0].journey_id == journey.pk


def test_still_in_procedure_after_14_days_is_flagged(journey, coordinator) -> None:
    to_stage(journey, "procedure", actor=coordinator, at=NOW)
    assert my_day_care(coordinator, now=NOW + dt.timedelta(days=13)).overstay.rows == []
    flagged = my_day_care(coordinator, now=NOW + dt.timedelta(days=14)).overstay.rows
    assert [j.pk for j in flagged] == [journey.pk]


def test_closing_the_journey_cancels_pending_step_emails(plan, planned, coordinator) -> None:
    journey = to_stage(planned, "procedure", actor=coordinator)
    from journeys.services import journey_move

    journey_move(journey_id=journey.pk, target="lost", actor=coordinator, lost_reason="other")
    assert not JourneyStep.objects.filter(email_status=EmailStatus.PENDING).exists()


def test_completing_with_open_steps_asks_first(client, plan, planned, coordinator) -> None:
    journey = to_stage(planned, "followup", actor=coordinator)
    client.force_login(coordinator)
    url = reverse("dashboard:journey_move", args=[journey.pk])
    asked = client.post(url, {"target": "completed", "expected_stage": "followup"})
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "Soft food" in html and "Stitches out" in html and "Complete anyway" in html
    journey.refresh_from_db()
    assert journey.outcome == "active"
    client.post(
        url, {"target": "completed", "expected_stage": "followup", "confirm_open_steps": "1"}
    )
    journey.refresh_from_db()
    assert journey.outcome == "completed"


def test_shipped_plans_cover_the_demo_procedures(defaults) -> None:
    from crm.demo import PROCEDURES

    names = {p.name for p in PROCEDURES}
    shipped = set(AfterCarePlan.objects.values_list("procedure_name", flat=True))
    for wanted in [
        "Hair transplant (FUE)",
        "Dental implants",
        "Dental veneers",
        "Rhinoplasty",
        "Bariatric surgery (gastric sleeve)",
        "IVF",
        "Knee replacement",
        "Liposuction",
    ]:
        assert wanted in names and wanted in shipped
    for step in AfterCareStep.objects.all():
        assert step.title_es and step.text_es and step.title_de and step.text_de


def test_plan_instantiate_without_dates_counts_from_stage_entry(plan, journey, coordinator):
    journey = to_stage(journey, "procedure", actor=coordinator, at=NOW)
    assert plan_instantiate(journey=journey) == 0  # already written by the move
    soft = JourneyStep.objects.get(journey=journey, step__title_en="Soft food")
    assert soft.due_on == dt.date(2026, 12, 1)
