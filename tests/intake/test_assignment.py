"""Automatic assignment (intake/assignment.py): every new inquiry without a coordinator,
whatever created it, goes to a coordinator who speaks the patient's language and handles
the procedure or clinic, the least loaded first, round-robin among equals, skipping those
away; nobody fits: the team queue. Each decision is an event with its reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from crm.models import Clinic, Procedure
from followups.models import ScheduledMessage, Status
from intake.assignment import TEAM_QUEUE, away_set, open_loads
from intake.models import CoordinatorRule
from journeys.models import EventKind, Journey, JourneyEvent, Outcome
from journeys.services import journey_create
from tests.conftest import make_patient, make_user
from tests.intake.conftest import rule_for

pytestmark = pytest.mark.django_db


def new_inquiry(procedure: Procedure, language: str = "de", **kwargs: object) -> Journey:
    patient = make_patient(preferred_language=language)
    return journey_create(patient=patient, procedure=procedure, actor=None, **kwargs)


def assigned_event(journey: Journey) -> JourneyEvent:
    return JourneyEvent.objects.get(journey=journey, kind=EventKind.ASSIGNED)


def test_nothing_happens_until_a_rule_exists(procedure: Procedure) -> None:
    journey = new_inquiry(procedure)
    assert journey.coordinator_id is None
    assert not JourneyEvent.objects.filter(journey=journey).exclude(kind=EventKind.CREATED)


def test_assigns_to_the_coordinator_who_speaks_the_language(procedure: Procedure) -> None:
    rule_for("english_only", languages=["en"])
    german = rule_for("german", languages=["de", "en"])
    journey = new_inquiry(procedure, "de")
    journey.refresh_from_db()
    assert journey.coordinator_id == german.user_id
    event = assigned_event(journey)
    assert event.actor is None
    assert event.data == {
        "coordinator_id": german.user_id,
        "previous_id": None,
        "assignment": "auto",
    }
    assert "speaks German" in event.reason and "Dental implants" in event.reason


def test_procedure_or_clinic_must_be_handled(
    procedure: Procedure, other_procedure: Procedure, clinic: Clinic
) -> None:
    veneers = rule_for("veneers", languages=["de"], procedures=[other_procedure])
    at_clinic = rule_for("istanbul", languages=["de"], clinics=[clinic])
    assert new_inquiry(procedure).coordinator_id == at_clinic.user_id
    assert new_inquiry(other_procedure).coordinator_id == veneers.user_id
    # A rule with neither procedures nor clinics handles everything.
    CoordinatorRule.objects.filter(pk__in=[veneers.pk, at_clinic.pk]).update(active=False)
    anything = rule_for("generalist", languages=["de"])
    assert new_inquiry(other_procedure).coordinator_id == anything.user_id


def test_the_least_loaded_goes_first_weighted_by_capacity(procedure: Procedure) -> None:
    busy = rule_for("busy", languages=["de"])
    calm = rule_for("calm", languages=["de"])
    for _ in range(3):
        new_inquiry(procedure, coordinator=busy.user)
    new_inquiry(procedure, coordinator=calm.user)
    assert new_inquiry(procedure).coordinator_id == calm.user_id
    # Twice the capacity: 3 journeys weigh like 1.5, less than calm's 2.
    CoordinatorRule.objects.filter(pk=busy.pk).update(capacity=200)
    assert new_inquiry(procedure).coordinator_id == busy.user_id


def test_open_loads_are_counted_once_a_minute_and_kept_current_in_between(
    procedure: Procedure, settings, django_capture_on_commit_callbacks
) -> None:
    settings.INTAKE_LOAD_CACHE_SECONDS = 60
    a = rule_for("a", languages=["de"])
    b = rule_for("b", languages=["de"])
    old = new_inquiry(procedure, coordinator=a.user)
    with django_capture_on_commit_callbacks(execute=True):
        assert new_inquiry(procedure).coordinator_id == b.user_id  # counted: a 1, b 0
    assert open_loads() == {a.user_id: 1, b.user_id: 1}  # b's assignment added
    Journey.objects.filter(pk=old.pk).update(outcome=Outcome.COMPLETED)
    assert open_loads()[a.user_id] == 1  # not recounted within the minute
    cache.clear()
    assert open_loads() == {b.user_id: 1}


def test_closed_journeys_are_not_load(procedure: Procedure, other_procedure: Procedure) -> None:
    a = rule_for("a", languages=["de"])
    b = rule_for("b", languages=["de"])
    lost = new_inquiry(procedure, coordinator=a.user)
    Journey.objects.filter(pk=lost.pk).update(outcome=Outcome.COMPLETED)
    new_inquiry(procedure, coordinator=b.user)
    assert new_inquiry(procedure).coordinator_id == a.user_id


def test_round_robin_among_equals(procedure: Procedure, other_procedure: Procedure) -> None:
    a = rule_for("a", languages=["de"])
    b = rule_for("b", languages=["de"])
    c = rule_for("c", languages=["de"])
    picked = []
    for _ in range(6):
        journey = new_inquiry(procedure)
        picked.append(journey.coordinator_id)
        # Close it at once: load stays equal, so only the round-robin decides.
        Journey.objects.filter(pk=journey.pk).update(outcome=Outcome.COMPLETED)
    assert picked == [a.user_id, b.user_id, c.user_id] * 2


def test_away_coordinators_are_skipped_until_their_date_passes(procedure: Procedure, clock) -> None:
    away = rule_for("away", languages=["de"])
    present = rule_for("present", languages=["de"])
    new_inquiry(procedure, coordinator=present.user)  # away would win on load
    today = timezone.localdate()
    away_set(user_id=away.user_id, away_until=today + dt.timedelta(days=2))
    assert new_inquiry(procedure).coordinator_id == present.user_id
    clock.move_to(timezone.now() + dt.timedelta(days=3))
    assert new_inquiry(procedure).coordinator_id == away.user_id


def test_nobody_fits_the_team_queue_with_the_reason(
    procedure: Procedure, other_procedure: Procedure
) -> None:
    rule_for("spanish", languages=["es"])
    journey = new_inquiry(procedure, "de")
    assert journey.coordinator_id is None
    note = JourneyEvent.objects.get(journey=journey, kind=EventKind.NOTE)
    assert note.data == {"assignment": TEAM_QUEUE}
    assert note.reason == "Left in the team queue: no coordinator speaks German."

    rule_for("veneers", languages=["de"], procedures=[other_procedure])
    journey = new_inquiry(procedure, "de")
    assert (
        "who speaks German handles Dental implants"
        in JourneyEvent.objects.get(journey=journey, kind=EventKind.NOTE).reason
    )

    away = rule_for("away", languages=["de"], procedures=[procedure])
    away_set(user_id=away.user_id, away_until=timezone.localdate())
    journey = new_inquiry(procedure, "de")
    assert journey.coordinator_id is None
    assert "is away" in JourneyEvent.objects.get(journey=journey, kind=EventKind.NOTE).reason


def test_inactive_users_and_non_coordinators_are_never_picked(procedure: Procedure) -> None:
    gone = rule_for("gone", languages=["de"])
    gone.user.is_active = False
    gone.user.save(update_fields=["is_active"])
    manager = make_user("boss", "Manager")
    CoordinatorRule.objects.create(user=manager, languages=["de"])
    assert new_inquiry(procedure).coordinator_id is None


def test_a_journey_given_a_coordinator_is_left_alone(procedure: Procedure, coordinator) -> None:
    rule_for("auto", languages=["de"])
    journey = new_inquiry(procedure, coordinator=coordinator)
    assert journey.coordinator_id == coordinator.pk
    assert (
        JourneyEvent.objects.get(journey=journey, kind=EventKind.ASSIGNED).data.get("assignment")
        is None
    )


def test_the_acknowledgment_is_planned_from_the_assigned_coordinator(
    procedure: Procedure, eager, outbox, django_capture_on_commit_callbacks
) -> None:
    rule_for("carla", languages=["es"], first_name="Carla")
    with django_capture_on_commit_callbacks(execute=True):
        journey = new_inquiry(procedure, "es")
    ack = ScheduledMessage.objects.get(journey=journey, rule__key="inquiry_ack")
    assert ack.status == Status.SENT
    assert len(outbox) == 1
    body = outbox[0].body
    # Spanish template, signed by the coordinator chosen before followups planned it.
    assert "Carla Tester" in body
    assert "Carla" in outbox[0].subject or "Hola" in body
