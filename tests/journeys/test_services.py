"""The one transition function: every allowed and disallowed move."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from crm.models import Procedure
from journeys.models import EventKind, Journey, JourneyEvent, Outcome, Stage
from journeys.selectors import journey_replay
from journeys.services import (
    JourneyError,
    TransitionNotAllowed,
    journey_assign,
    journey_change_procedure,
    journey_create,
    journey_move,
    journey_plan_dates,
)
from tests.conftest import make_patient

pytestmark = pytest.mark.django_db

FORWARD = [
    (Stage.INQUIRY, Stage.BOOKED),
    (Stage.BOOKED, Stage.ARRIVAL),
    (Stage.ARRIVAL, Stage.PROCEDURE),
    (Stage.PROCEDURE, Stage.FOLLOWUP),
]


def tomorrow() -> dt.date:
    # Read when the test runs, on its pinned clock, not once at import on the machine's.
    return timezone.localdate() + dt.timedelta(days=1)


def advance_to(journey: Journey, stage: str, actor) -> Journey:
    while journey.stage != stage:
        nxt = Stage.values[Stage.values.index(journey.stage) + 1]
        journey = journey_move(journey_id=journey.pk, target=nxt, actor=actor)
    return journey


def events(journey: Journey) -> list[JourneyEvent]:
    return list(JourneyEvent.objects.filter(journey=journey).order_by("created_at", "id"))


def test_create_opens_an_inquiry_with_created_and_assigned_events(journey, coordinator):
    assert (journey.stage, journey.outcome) == (Stage.INQUIRY, Outcome.ACTIVE)
    assert journey.clinic_id == journey.procedure.clinic_id
    assert journey.stage_entered_at == journey.inquiry_received_at
    kinds = [e.kind for e in events(journey)]
    assert kinds == [EventKind.CREATED, EventKind.ASSIGNED]


@pytest.mark.parametrize(("start", "target"), FORWARD)
def test_forward_one_stage(journey, coordinator, start, target):
    journey = advance_to(journey, start, coordinator)
    before = journey.stage_entered_at
    moved = journey_move(journey_id=journey.pk, target=target, actor=coordinator)
    moved.refresh_from_db()
    assert moved.stage == target
    assert moved.outcome == Outcome.ACTIVE
    assert moved.stage_entered_at > before
    last = events(moved)[-1]
    assert (last.kind, last.from_stage, last.to_stage, last.actor) == (
        EventKind.ADVANCED,
        start,
        target,
        coordinator,
    )


@pytest.mark.parametrize("skip_to", [Stage.ARRIVAL, Stage.PROCEDURE, Stage.FOLLOWUP])
def test_skipping_a_stage_is_refused_with_what_is_allowed(journey, coordinator, skip_to):
    with pytest.raises(TransitionNotAllowed) as err:
        journey_move(journey_id=journey.pk, target=skip_to, actor=coordinator)
    message = str(err.value)
    assert "cannot move to" in message
    assert "Allowed: booked, mark lost, mark postponed." in message
    journey.refresh_from_db()
    assert journey.stage == Stage.INQUIRY
    assert len(events(journey)) == 2  # nothing written


def test_followup_completes_the_journey(journey, coordinator):
    journey = advance_to(journey, Stage.FOLLOWUP, coordinator)
    done = journey_move(journey_id=journey.pk, target="completed", actor=coordinator)
    assert (done.stage, done.outcome) == (Stage.FOLLOWUP, Outcome.COMPLETED)
    assert done.closed_at is not None
    with pytest.raises(TransitionNotAllowed, match="closed and cannot move"):
        journey_move(journey_id=journey.pk, target="lost", actor=coordinator, lost_reason="price")


def test_complete_is_only_from_followup(journey, coordinator):
    with pytest.raises(TransitionNotAllowed, match="cannot move to mark completed"):
        journey_move(journey_id=journey.pk, target="completed", actor=coordinator)


@pytest.mark.parametrize("stage", Stage.values)
def test_lost_from_any_active_stage_needs_a_reason(journey, coordinator, stage):
    journey = advance_to(journey, stage, coordinator)
    with pytest.raises(TransitionNotAllowed, match="A lost reason is required"):
        journey_move(journey_id=journey.pk, target="lost", actor=coordinator)
    lost = journey_move(
        journey_id=journey.pk, target="lost", actor=coordinator, lost_reason="competitor"
    )
    assert (lost.stage, lost.outcome, lost.lost_reason) == (stage, Outcome.LOST, "competitor")
    last = events(lost)[-1]
    assert last.kind == EventKind.LOST
    assert last.data["lost_reason"] == "competitor"


def test_lost_is_final(journey, coordinator):
    journey_move(journey_id=journey.pk, target="lost", actor=coordinator, lost_reason="price")
    for target in ("inquiry", "booked", "postponed"):
        with pytest.raises(TransitionNotAllowed, match="closed and cannot move"):
            journey_move(journey_id=journey.pk, target=target, actor=coordinator, reason="x")


@pytest.mark.parametrize("stage", Stage.values)
def test_postpone_from_any_active_stage_needs_reason_and_future_date(journey, coordinator, stage):
    journey = advance_to(journey, stage, coordinator)
    with pytest.raises(TransitionNotAllowed, match="A reason is required"):
        journey_move(
            journey_id=journey.pk, target="postponed", actor=coordinator, postponed_until=tomorrow()
        )
    with pytest.raises(TransitionNotAllowed, match="date to re-engage is required"):
        journey_move(journey_id=journey.pk, target="postponed", actor=coordinator, reason="Visa")
    with pytest.raises(TransitionNotAllowed, match="must be in the future"):
        journey_move(
            journey_id=journey.pk,
            target="postponed",
            actor=coordinator,
            reason="Visa",
            postponed_until=timezone.localdate(),
        )
    postponed = journey_move(
        journey_id=journey.pk,
        target="postponed",
        actor=coordinator,
        reason="Waiting for a visa",
        postponed_until=tomorrow(),
    )
    assert postponed.outcome == Outcome.POSTPONED
    assert postponed.postponed_until == tomorrow()
    assert postponed.stage == stage


@pytest.mark.parametrize("reopen_to", [Stage.INQUIRY, Stage.BOOKED])
def test_postponed_reopens_to_inquiry_or_booked(journey, coordinator, reopen_to):
    journey = advance_to(journey, Stage.ARRIVAL, coordinator)
    journey_move(
        journey_id=journey.pk,
        target="postponed",
        actor=coordinator,
        reason="Family emergency",
        postponed_until=tomorrow(),
    )
    reopened = journey_move(journey_id=journey.pk, target=reopen_to, actor=coordinator)
    assert (reopened.stage, reopened.outcome) == (reopen_to, Outcome.ACTIVE)
    assert reopened.postponed_until is None
    last = events(reopened)[-1]
    assert (last.kind, last.from_stage, last.to_stage) == (EventKind.REOPENED, "arrival", reopen_to)


@pytest.mark.parametrize("target", [Stage.ARRIVAL, Stage.PROCEDURE, Stage.FOLLOWUP, "completed"])
def test_postponed_cannot_reopen_elsewhere(journey, coordinator, target):
    journey_move(
        journey_id=journey.pk,
        target="postponed",
        actor=coordinator,
        reason="Budget",
        postponed_until=tomorrow(),
    )
    with pytest.raises(TransitionNotAllowed, match="Allowed: inquiry, booked"):
        journey_move(journey_id=journey.pk, target=target, actor=coordinator)


def test_reopen_refused_when_another_journey_for_the_procedure_is_active(
    journey, coordinator, patient, procedure
):
    journey_move(
        journey_id=journey.pk,
        target="postponed",
        actor=coordinator,
        reason="Budget",
        postponed_until=tomorrow(),
    )
    journey_create(patient=patient, procedure=procedure, actor=coordinator)
    with pytest.raises(TransitionNotAllowed, match="already has an active journey"):
        journey_move(journey_id=journey.pk, target=Stage.INQUIRY, actor=coordinator)
    journey.refresh_from_db()
    assert journey.outcome == Outcome.POSTPONED


@pytest.mark.parametrize(("back_to", "start"), FORWARD)
def test_manager_steps_back_one_stage_with_a_reason(journey, coordinator, manager, start, back_to):
    journey = advance_to(journey, start, coordinator)
    with pytest.raises(TransitionNotAllowed, match="A reason is required"):
        journey_move(journey_id=journey.pk, target=back_to, actor=manager)
    back = journey_move(
        journey_id=journey.pk, target=back_to, actor=manager, reason="Moved by mistake"
    )
    assert back.stage == back_to
    last = events(back)[-1]
    assert (last.kind, last.reason, last.actor) == (
        EventKind.STEPPED_BACK,
        "Moved by mistake",
        manager,
    )


def test_coordinator_cannot_step_back(journey, coordinator):
    journey = advance_to(journey, Stage.BOOKED, coordinator)
    with pytest.raises(TransitionNotAllowed, match="Only a manager may step a journey back"):
        journey_move(journey_id=journey.pk, target=Stage.INQUIRY, actor=coordinator, reason="x")


def test_manager_cannot_step_back_two_stages(journey, coordinator, manager):
    journey = advance_to(journey, Stage.ARRIVAL, coordinator)
    with pytest.raises(TransitionNotAllowed, match="Allowed: procedure, booked, mark lost"):
        journey_move(journey_id=journey.pk, target=Stage.INQUIRY, actor=manager, reason="x")


def test_unknown_target_and_unknown_journey(journey, coordinator):
    with pytest.raises(TransitionNotAllowed, match="Unknown target 'paid'"):
        journey_move(journey_id=journey.pk, target="paid", actor=coordinator)
    with pytest.raises(JourneyError, match="does not exist"):
        journey_move(journey_id=journey.pk + 999, target="booked", actor=coordinator)


def test_expected_stage_refuses_a_stale_move(journey, coordinator):
    journey_move(journey_id=journey.pk, target=Stage.BOOKED, actor=coordinator)
    with pytest.raises(TransitionNotAllowed, match="someone moved it meanwhile"):
        journey_move(
            journey_id=journey.pk,
            target=Stage.BOOKED,
            actor=coordinator,
            expected_stage=Stage.INQUIRY,
        )


def test_one_active_journey_per_procedure_but_several_journeys(
    journey, coordinator, patient, procedure
):
    with pytest.raises(JourneyError, match="already has an active journey for Dental implants"):
        journey_create(patient=patient, procedure=procedure, actor=coordinator)
    other = Procedure.objects.create(name="Hair transplant", clinic=procedure.clinic)
    second = journey_create(patient=patient, procedure=other, actor=coordinator)
    journey_move(journey_id=journey.pk, target="lost", actor=coordinator, lost_reason="fear")
    third = journey_create(patient=patient, procedure=procedure, actor=coordinator)
    assert Journey.objects.filter(patient=patient).count() == 3
    assert {second.outcome, third.outcome} == {Outcome.ACTIVE}


def test_events_replay_to_the_current_stage(journey, coordinator, manager):
    advance_to(journey, Stage.ARRIVAL, coordinator)
    journey_move(journey_id=journey.pk, target=Stage.BOOKED, actor=manager, reason="Flight moved")
    journey_move(
        journey_id=journey.pk,
        target="postponed",
        actor=coordinator,
        reason="New date",
        postponed_until=tomorrow(),
    )
    journey_move(journey_id=journey.pk, target=Stage.BOOKED, actor=coordinator)
    journey_assign(journey_id=journey.pk, coordinator=manager, actor=manager)
    final = advance_to(Journey.objects.get(pk=journey.pk), Stage.FOLLOWUP, coordinator)
    final = journey_move(journey_id=final.pk, target="completed", actor=coordinator)
    replay = journey_replay(events(final))
    assert replay.problems == []
    assert (replay.stage, replay.outcome) == (final.stage, final.outcome)


def test_assign_writes_an_event_only_on_change(journey, coordinator, other_coordinator, manager):
    journey_assign(journey_id=journey.pk, coordinator=coordinator, actor=manager)
    assert len(events(journey)) == 2
    journey_assign(journey_id=journey.pk, coordinator=other_coordinator, actor=manager)
    journey.refresh_from_db()
    assert journey.coordinator == other_coordinator
    last = events(journey)[-1]
    assert last.kind == EventKind.ASSIGNED
    assert last.data == {"coordinator_id": other_coordinator.pk, "previous_id": coordinator.pk}


def test_events_are_append_only(journey):
    event = events(journey)[0]
    event.reason = "rewritten"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        JourneyEvent.objects.filter(journey=journey).update(reason="x")
    with pytest.raises(TypeError, match="append-only"):
        JourneyEvent.objects.filter(journey=journey).delete()


def test_patient_emails_are_unique_ignoring_case(db):
    from django.db import IntegrityError

    make_patient(email="ana.garcia@example.es")
    with pytest.raises(IntegrityError):
        make_patient(email="Ana.Garcia@Example.ES")


# --- Bad input and the procedure change ---------------------------------------------------


def test_an_unknown_expected_stage_is_refused_with_a_message(journey, coordinator):
    with pytest.raises(TransitionNotAllowed, match="Unknown stage 'bogus'"):
        journey_move(
            journey_id=journey.pk, target="booked", actor=coordinator, expected_stage="bogus"
        )


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(1999, 12, 31)])
def test_planned_dates_outside_the_window_are_refused(journey, coordinator, day):
    with pytest.raises(JourneyError, match="not a date we can plan with"):
        journey_plan_dates(
            journey_id=journey.pk,
            actor=coordinator,
            planned_arrival=day,
            planned_procedure=None,
            planned_departure=None,
        )
    with pytest.raises(TransitionNotAllowed, match="not a date we can plan with"):
        journey_move(
            journey_id=journey.pk,
            target="postponed",
            actor=coordinator,
            reason="x",
            postponed_until=day,
        )


@pytest.fixture
def other_procedure(db):
    from crm.models import Clinic

    clinic = Clinic.objects.create(
        name="Hair Clinic Antalya", city="Antalya", country="TR", timezone="Europe/Istanbul"
    )
    return Procedure.objects.create(name="Hair transplant", clinic=clinic)


def _planned(journey: Journey) -> list[tuple[int, dt.datetime, str]]:
    return list(journey.scheduled_messages.order_by("pk").values_list("pk", "due_at", "status"))


def test_changing_the_procedure_moves_the_clinic_writes_an_event_and_replans_nothing(
    journey, coordinator, other_procedure, monkeypatch
):
    from journeys import hooks

    fired: list[str] = []
    real_fire = hooks.fire
    monkeypatch.setattr(
        hooks, "fire", lambda name, **kw: fired.append(name) or real_fire(name, **kw)
    )
    before = _planned(journey)
    old_procedure, old_clinic = journey.procedure_id, journey.clinic_id

    changed = journey_change_procedure(
        journey_id=journey.pk, procedure_id=other_procedure.pk, actor=coordinator
    )

    assert (changed.procedure_id, changed.clinic_id) == (
        other_procedure.pk,
        other_procedure.clinic_id,
    )
    journey.refresh_from_db()
    assert (journey.procedure_id, journey.clinic_id, journey.stage) == (
        other_procedure.pk,
        other_procedure.clinic_id,
        Stage.INQUIRY,
    )
    event = JourneyEvent.objects.filter(journey=journey).order_by("-pk").first()
    assert event.kind == EventKind.NOTE and "Hair transplant at Hair Clinic Antalya" in event.reason
    assert event.data == {
        "procedure": [old_procedure, other_procedure.pk],
        "clinic": [old_clinic, other_procedure.clinic_id],
    }
    assert _planned(journey) == before and fired == []
    # The same procedure again changes nothing.
    journey_change_procedure(journey_id=journey.pk, procedure_id=other_procedure.pk, actor=None)
    assert JourneyEvent.objects.filter(journey=journey, pk__gt=event.pk).count() == 0


def test_the_procedure_cannot_change_after_arrival_or_onto_another_active_journey(
    journey, coordinator, other_procedure, procedure
):
    journey_create(
        patient=journey.patient, procedure=other_procedure, actor=coordinator, coordinator=None
    )
    with pytest.raises(JourneyError, match="already has an active journey for Hair transplant"):
        journey_change_procedure(
            journey_id=journey.pk, procedure_id=other_procedure.pk, actor=coordinator
        )
    advanced = advance_to(journey, Stage.ARRIVAL, coordinator)
    with pytest.raises(JourneyError, match="only be changed before arrival"):
        journey_change_procedure(
            journey_id=advanced.pk, procedure_id=procedure.pk + 10_000, actor=coordinator
        )
    with pytest.raises(JourneyError, match="does not exist"):
        journey_change_procedure(journey_id=10**12, procedure_id=procedure.pk, actor=coordinator)
