"""A patient with one of everything that can hold their data: messages both ways, a raw
email with an attachment, a call note, timeline notes, an unmatched email, admin history
and audit entries with old and new values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from crm.models import Patient
from crm.services import patient_create, patient_update
from followups.inbound.store import inbound_receive
from followups.models import Message, RawEmail, TriageItem
from followups.services import message_send_one_off
from followups.tokens import reply_address
from journeys.models import Journey
from journeys.services import interaction_log, journey_add_note, journey_create, journey_move

MAIL = Path(__file__).resolve().parents[1] / "followups" / "mail"
PLACEHOLDER_ADDRESS = b"reply+0-000000000000000000000000@reply.clinic.example"

NAME = "Lucía Fernández"
EMAIL = "lucia.fernandez@example.es"
PHONE = "+34612987654"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INQUIRY_ADDRESS = "care@clinic.example"
    settings.INQUIRY_AUTO_CREATE = True
    settings.INQUIRY_DEFAULT_PROCEDURE_ID = 0
    settings.INBOUND_ESP = ""
    settings.INBOUND_DOMAIN = "reply.clinic.example"
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def fill(coordinator: User, procedure: Any) -> dict[str, Any]:
    patient = patient_create(
        full_name=NAME,
        email=EMAIL,
        phone=PHONE,
        country="ES",
        preferred_language="es",
        timezone_name="Europe/Madrid",
        notes=f"Prefers WhatsApp on {PHONE}",
        actor=coordinator,
    )
    journey = journey_create(
        patient=patient,
        procedure=procedure,
        actor=coordinator,
        coordinator=coordinator,
        inquiry_received_at=timezone.now() - dt.timedelta(days=2),
        note=f"{NAME} asked about implants",
    )
    patient_update(patient_id=patient.pk, actor=coordinator, notes=f"Call {NAME} after 6pm")
    interaction_log(
        journey_id=journey.pk,
        kind="call",
        summary=f"Called {PHONE}, spoke to {NAME}",
        by=coordinator,
    )
    journey_add_note(journey_id=journey.pk, text=f"Email her at {EMAIL}", actor=coordinator)
    sent = message_send_one_off(
        journey_id=journey.pk, actor=coordinator, subject=f"Hola {NAME}", text="Your plan"
    )
    raw = (MAIL / "09-forwarded-flight.eml").read_bytes()
    raw = raw.replace(PLACEHOLDER_ADDRESS, reply_address(journey.pk).encode())
    received = inbound_receive(raw=raw, source="test")
    assert received.outcome == "stored", received.detail
    stray = RawEmail.objects.create(
        file=ContentFile(f"From: {EMAIL}\r\n\r\nhi".encode(), name="stray.eml"),
        size=20,
        sha256="1" * 64,
        source="test",
        envelope_sender=EMAIL,
        received_at=timezone.now(),
    )
    triage = TriageItem.objects.create(
        raw_email=stray,
        message_key="<stray@example.es>",
        reason="no journey matched",
        from_email=EMAIL,
        from_name=NAME,
        subject=f"From {NAME}",
        snippet=f"My phone is {PHONE}",
        received_at=timezone.now(),
        sender_patient=patient,
    )
    LogEntry.objects.create(
        user=coordinator,
        content_type=ContentType.objects.get_for_model(Patient),
        object_id=str(patient.pk),
        object_repr=NAME,
        action_flag=CHANGE,
        change_message="[]",
    )
    # Mail she sent that landed on another patient's journey (her husband's, by thread).
    husband = journey_create(
        patient=Patient.objects.create(
            full_name="Jorge Ruiz", email="jorge.ruiz@example.es", country="ES"
        ),
        procedure=procedure,
        actor=coordinator,
        coordinator=coordinator,
    )
    spouse_raw = RawEmail.objects.create(
        file=ContentFile(f"From: {EMAIL}\r\n\r\nfor Jorge".encode(), name="spouse.eml"),
        size=30,
        sha256="2" * 64,
        source="test",
        envelope_sender="bounces@relay.example",
        received_at=timezone.now(),
    )
    Message.objects.create(
        journey=husband,
        direction="in",
        raw_email=spouse_raw,
        message_id="<spouse@example.es>",
        from_email=EMAIL,
        from_name=NAME,
        to_email="clinic@example.com",
        subject="About Jorge",
        text=f"{NAME} here, call me on {PHONE}",
        sent_at=timezone.now(),
    )
    # Booked: its check-ins are pending (erasure cancels them).
    journey_move(journey_id=journey.pk, target="booked", actor=coordinator)
    return {
        "patient": Patient.objects.get(pk=patient.pk),
        "journey": Journey.objects.get(pk=journey.pk),
        "sent": sent,
        "received": Message.objects.get(pk=received.message_id),
        "triage": triage,
    }


@pytest.fixture
def lucia(coordinator: User, procedure: Any) -> dict[str, Any]:
    return fill(coordinator, procedure)
