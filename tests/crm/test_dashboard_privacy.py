"""Issue 11, holes 2 and 5: a coordinator never learns that a patient they cannot see
exists, neither by filing an inquiry with their email (form or inbox) nor by reading their
mail in the Inbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from crm.models import Patient
from followups.inbound.store import TriageError, inbound_receive
from followups.inbound.triage import triage_attach, triage_create_inquiry, triage_dismiss
from followups.models import TriageItem
from followups.selectors import triage_open
from journeys.models import EventKind, Journey, JourneyEvent
from journeys.services import journey_create
from tests.conftest import make_patient

pytestmark = pytest.mark.django_db

MAIL = Path(__file__).resolve().parents[1] / "followups" / "mail"
STRANGER = "travel.agent@example.net"  # the sender of 14-unmatched-stranger.eml
ROUTED = "Inquiry filed; the patient&#x27;s coordinator will follow up."


@pytest.fixture(autouse=True)
def _inbound_settings(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INQUIRY_ADDRESS = "care@clinic.example"
    settings.INQUIRY_AUTO_CREATE = True
    settings.INQUIRY_DEFAULT_PROCEDURE_ID = 0
    settings.INBOUND_ESP = ""
    settings.INBOUND_DOMAIN = "reply.clinic.example"
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def _theirs(other_coordinator: User, procedure: Any, **fields: Any) -> Journey:
    patient = make_patient(
        full_name="Hidden Patient", email="hidden@example.org", phone="+4915112345", **fields
    )
    return journey_create(
        patient=patient, procedure=procedure, actor=other_coordinator, coordinator=other_coordinator
    )


def _inquiry_form(procedure: Any, coordinator: User, email: str) -> dict[str, Any]:
    return {
        "full_name": "Someone Typed",
        "email": email,
        "phone": "",
        "country": "DE",
        "preferred_language": "en",
        "timezone": "Europe/Berlin",
        "source": "website",
        "procedure": procedure.pk,
        "coordinator": coordinator.pk,
        "note": "Asked about implants",
    }


# --- Hole 2: the new-inquiry form --------------------------------------------------------


def test_an_inquiry_for_another_coordinators_patient_goes_to_them(
    client: Client, coordinator: User, other_coordinator: User, procedure: Any, clinic: Any
) -> None:
    theirs = _theirs(other_coordinator, procedure)
    theirs_closed_procedure = procedure.__class__.objects.create(name="Hair", clinic=clinic)
    client.force_login(coordinator)
    response = client.post(
        "/journeys/new/",
        _inquiry_form(theirs_closed_procedure, coordinator, "HIDDEN@example.org"),
        follow=True,
    )
    html = response.content.decode()
    assert ROUTED in html
    for secret in ("Hidden Patient", "hidden@example.org", "+4915112345", "was already registered"):
        assert secret not in html
    new = Journey.objects.get(patient=theirs.patient, procedure=theirs_closed_procedure)
    # Filed on the patient's coordinator, who is told on the timeline.
    assert new.coordinator_id == other_coordinator.pk
    note = new.events.filter(kind=EventKind.NOTE).get()
    assert "filed by carmen" in note.reason
    # The submitter still sees nothing of the patient.
    assert client.get(f"/journeys/{new.pk}/").status_code == 404
    assert client.get(f"/patients/{theirs.patient.pk}/").status_code == 404
    assert "Hidden" not in client.get("/search/?q=hidden").content.decode()
    # Later mail from the patient's address lands with their coordinator, not the submitter.
    assert not Journey.objects.filter(patient=theirs.patient, coordinator=coordinator).exists()


def test_a_second_inquiry_for_the_same_procedure_is_a_note_for_the_coordinator(
    client: Client, coordinator: User, other_coordinator: User, procedure: Any
) -> None:
    theirs = _theirs(other_coordinator, procedure)
    client.force_login(coordinator)
    response = client.post(
        "/journeys/new/", _inquiry_form(procedure, coordinator, "hidden@example.org"), follow=True
    )
    html = response.content.decode()
    # The same neutral words, not "Hidden Patient already has an active journey".
    assert ROUTED in html and "Hidden Patient" not in html and "active journey" not in html
    assert Journey.objects.filter(patient=theirs.patient).count() == 1
    note = JourneyEvent.objects.get(journey=theirs, kind=EventKind.NOTE)
    assert "Another inquiry" in note.reason and "Asked about implants" in note.reason


def test_an_inquiry_for_a_patient_without_a_coordinator_goes_to_a_manager(
    client: Client,
    coordinator: User,
    other_coordinator: User,
    manager: User,
    procedure: Any,
    clinic: Any,
) -> None:
    theirs = _theirs(other_coordinator, procedure)
    other_coordinator.is_active = False  # left the clinic; the journey still names them
    other_coordinator.save()
    hair = procedure.__class__.objects.create(name="Hair", clinic=clinic)
    client.force_login(coordinator)
    response = client.post("/journeys/new/", _inquiry_form(hair, coordinator, "hidden@example.org"))
    assert response["Location"] == "/journeys/new/"
    new = Journey.objects.get(patient=theirs.patient, procedure=hair)
    assert new.coordinator_id == manager.pk


def test_a_visible_patient_is_reused_as_before(
    client: Client, coordinator: User, procedure: Any, clinic: Any
) -> None:
    mine = journey_create(
        patient=make_patient(email="mine@example.org"),
        procedure=procedure,
        actor=coordinator,
        coordinator=coordinator,
    )
    other = procedure.__class__.objects.create(name="Hair", clinic=clinic)
    client.force_login(coordinator)
    response = client.post("/journeys/new/", _inquiry_form(other, coordinator, "mine@example.org"))
    new = Journey.objects.get(patient=mine.patient, procedure=other)
    assert response["Location"] == f"/journeys/{new.pk}/"
    assert new.coordinator_id == coordinator.pk


def test_a_manager_files_on_anyone(
    client: Client, manager: User, other_coordinator: User, procedure: Any, clinic: Any
) -> None:
    theirs = _theirs(other_coordinator, procedure)
    other = procedure.__class__.objects.create(name="Hair", clinic=clinic)
    client.force_login(manager)
    form = _inquiry_form(other, manager, "hidden@example.org")
    response = client.post("/journeys/new/", form)
    new = Journey.objects.get(patient=theirs.patient, procedure=other)
    assert response["Location"] == f"/journeys/{new.pk}/"


# --- Hole 2: the inbox's "create inquiry" ------------------------------------------------


def _stranger_item() -> TriageItem:
    result = inbound_receive(raw=(MAIL / "14-unmatched-stranger.eml").read_bytes(), source="test")
    assert result.outcome == "triage"
    return TriageItem.objects.get(pk=result.triage_item_id)


def test_inbox_create_inquiry_for_a_sender_who_became_anothers_patient(
    client: Client, coordinator: User, other_coordinator: User, procedure: Any, clinic: Any
) -> None:
    item = _stranger_item()  # unknown when it arrived...
    patient = make_patient(full_name="Marco Hidden", email=STRANGER, phone="+3933312345")
    journey_create(  # ...then another coordinator registered the sender
        patient=patient, procedure=procedure, actor=other_coordinator, coordinator=other_coordinator
    )
    other = procedure.__class__.objects.create(name="Hair", clinic=clinic)
    client.force_login(coordinator)
    response = client.post(f"/inbox/{item.pk}/inquiry/", {"procedure": other.pk}, follow=True)
    html = response.content.decode()
    assert ROUTED in html and "Marco Hidden" not in html and "+3933312345" not in html
    new = Journey.objects.get(patient=patient, procedure=other)
    assert new.coordinator_id == other_coordinator.pk
    assert new.messages.filter(from_email=STRANGER).exists()  # the mail went with it


# --- Hole 5: the Inbox -------------------------------------------------------------------


def test_the_inbox_hides_mail_from_another_coordinators_patient(
    client: Client,
    coordinator: User,
    other_coordinator: User,
    manager: User,
    procedure: Any,
    journey: Journey,
) -> None:
    item = _stranger_item()
    patient = make_patient(full_name="Marco Hidden", email=STRANGER)
    journey_create(
        patient=patient, procedure=procedure, actor=other_coordinator, coordinator=other_coordinator
    )
    item.sender_patient = patient  # known (e.g. no active journey matched it)
    item.save()
    stranger = TriageItem.objects.create(
        raw_email=item.raw_email,
        message_key="<unknown@example.com>",
        reason="no match",
        from_email="nobody@example.com",
        subject="Unknown sender",
        received_at=item.received_at,
    )

    client.force_login(coordinator)
    html = client.get("/inbox/").content.decode()
    assert "Unknown sender" in html  # unknown senders: everyone
    assert STRANGER not in html and item.subject not in html
    assert list(triage_open(coordinator)) == [stranger]
    # The actions refuse it exactly like a missing item.
    for action, data in (
        ("attach", {"target": str(journey.pk)}),
        ("inquiry", {"procedure": procedure.pk}),
        ("dismiss", {}),
    ):
        response = client.post(f"/inbox/{item.pk}/{action}/", data, follow=True)
        assert f"Triage item #{item.pk} does not exist." in response.content.decode()
    for call in (
        lambda: triage_attach(item_id=item.pk, journey_id=journey.pk, actor=coordinator),
        lambda: triage_create_inquiry(
            item_id=item.pk, procedure_id=procedure.pk, actor=coordinator
        ),
        lambda: triage_dismiss(item_id=item.pk, actor=coordinator),
    ):
        with pytest.raises(TriageError, match="does not exist"):
            call()
    assert TriageItem.objects.get(pk=item.pk).status == "open"

    for allowed in (other_coordinator, manager):
        client.force_login(allowed)
        assert STRANGER in client.get("/inbox/").content.decode()


def test_a_coordinator_cannot_attach_to_a_journey_they_cannot_see(
    coordinator: User, other_coordinator: User, procedure: Any
) -> None:
    theirs = _theirs(other_coordinator, procedure)
    item = _stranger_item()
    with pytest.raises(TriageError, match="does not exist"):
        triage_attach(item_id=item.pk, journey_id=theirs.pk, actor=coordinator)
    assert Patient.objects.filter(email=STRANGER).count() == 0
