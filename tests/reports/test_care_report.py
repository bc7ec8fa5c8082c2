"""The Care tab: escalation speed and deadlines, after-care completion, and its CSV."""

from __future__ import annotations

import datetime as dt

import pytest

from care.models import AfterCarePlan, AfterCareStep, EscalationSource, JourneyStep
from care.services import escalation_acknowledge, escalation_open, escalation_resolve, step_answer
from journeys.services import journey_create, journey_move
from reports.care import care_report
from reports.params import parse_params
from tests.conftest import make_patient

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def procedure_journey(procedure, coordinator, at):  # type: ignore[no-untyped-def]
    journey = journey_create(
        patient=make_patient(), procedure=procedure, actor=coordinator, coordinator=coordinator
    )
    for stage in ("booked", "arrival", "procedure"):
        journey = journey_move(journey_id=journey.pk, target=stage, actor=coordinator, at=at)
    return journey


def test_escalation_times_and_deadlines(procedure, coordinator, manager) -> None:
    day = NOW - dt.timedelta(days=2)
    quick = procedure_journey(procedure, coordinator, day)
    slow = procedure_journey(procedure, coordinator, day)
    ignored = procedure_journey(procedure, coordinator, day)
    a = escalation_open(journey=quick, source=EscalationSource.CHECKIN, now=day)
    escalation_acknowledge(escalation_id=a.pk, actor=coordinator, now=day + dt.timedelta(minutes=4))
    escalation_resolve(
        escalation_id=a.pk, actor=coordinator, note="ok", now=day + dt.timedelta(minutes=30)
    )
    b = escalation_open(journey=slow, source=EscalationSource.PAIN, now=day)
    escalation_acknowledge(escalation_id=b.pk, actor=manager, now=day + dt.timedelta(minutes=24))
    escalation_open(journey=ignored, source=EscalationSource.EMAIL, now=day)

    params = parse_params({"from": "2026-11-01", "to": "2026-11-30", "group_by": "coordinator"})
    report = care_report(params, now=NOW)
    e = report.escalations
    assert (e.opened, e.acknowledged, e.resolved, e.still_open) == (3, 2, 1, 2)
    assert e.past_deadline == 2  # acknowledged after 24 min, and one never
    assert e.to_acknowledge.median == pytest.approx(14 * 60)  # between 4 and 24 min
    assert e.to_resolve.median == pytest.approx(30 * 60)
    assert [g.label for g in report.groups] == ["carmen"]
    assert report.groups[0].current.opened == 3


def test_plan_completion_by_procedure_and_clinic(procedure, coordinator) -> None:
    plan = AfterCarePlan.objects.create(name="Test plan", procedure=procedure)
    for offset in (1, 2, 3):
        AfterCareStep.objects.create(
            plan=plan, day_offset=offset, title_en=f"S{offset}", text_en="."
        )
    start = NOW - dt.timedelta(days=10)
    journey = procedure_journey(procedure, coordinator, start)
    s1, s2, _s3 = JourneyStep.objects.filter(journey=journey).order_by("due_on")
    step_answer(
        journey_step_id=s1.pk,
        journey_id=journey.pk,
        problem=False,
        now=start + dt.timedelta(days=1),
    )
    step_answer(
        journey_step_id=s2.pk,
        journey_id=journey.pk,
        problem=False,
        now=start + dt.timedelta(days=6),
    )
    params = parse_params({"from": "2026-11-01", "to": "2026-11-30"})
    report = care_report(params, now=NOW)
    [row] = report.plans
    assert (row.procedure, row.clinic) == (procedure.name, procedure.clinic.name)
    c = row.completion
    assert (c.due, c.on_time, c.late, c.missed, c.waiting) == (3, 1, 1, 1, 0)
    assert c.confirmed_rate == pytest.approx(2 / 3)


def test_care_tab_and_csv_for_managers_only(client, manager, coordinator) -> None:
    client.force_login(coordinator)
    assert client.get("/reports/care/").status_code == 403
    client.force_login(manager)
    page = client.get("/reports/care/?group_by=clinic")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Escalations" in html and "After-care plan completion" in html
    csv = client.get("/reports/aftercare.csv")
    assert csv.status_code == 200
    assert csv.content.decode().startswith("Procedure,Clinic,Steps due")
