"""Erasing a patient on request leaves no personal data in the database or in media
storage, and keeps the counts and the funnel."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from audit.models import Action, AuditEntry
from followups.models import Attachment, ScheduledMessage, Status
from journeys.models import EventKind, FunnelDay, Journey, JourneyEvent
from privacy.erase import ErasureError, patient_erase
from tests.privacy.conftest import EMAIL, NAME, PHONE

pytestmark = pytest.mark.django_db


def database_hits(needle: str) -> list[str]:
    """Every text column of every table holding `needle` (case-insensitive): table.column."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = current_schema()
              AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'character')
            """
        )
        columns = cursor.fetchall()
        hits = []
        for table, column in columns:
            cursor.execute(
                f'SELECT COUNT(*) FROM "{table}" WHERE "{column}"::text ILIKE %s',  # noqa: S608
                [f"%{needle}%"],
            )
            if cursor.fetchone()[0]:
                hits.append(f"{table}.{column}")
    return hits


def media_hits(needle: str) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    found = []
    for path in root.rglob("*") if root.exists() else []:
        if path.is_file() and needle.lower().encode() in path.read_bytes().lower():
            found.append(str(path.relative_to(root)))
    return found


# The email is stored JSON-escaped in some places and quoted-printable in raw mail; the
# name in its ASCII form too ("Fernandez" in a From header's encoded word decodes to it).
NEEDLES = [NAME, "Fernández", EMAIL, "lucia.fernandez", PHONE, "612987654"]


def test_erasure_leaves_no_personal_data_anywhere(lucia: dict[str, Any], manager: User) -> None:
    patient, journey = lucia["patient"], lucia["journey"]
    # The fixture really put the data everywhere (so the test can fail).
    assert set(database_hits(EMAIL)) >= {
        "crm_patient.email",
        "followups_message.to_email",
        "followups_message.from_email",
        "followups_triageitem.from_email",
        "followups_rawemail.envelope_sender",
        "audit_auditentry.changes",
    }
    assert database_hits(PHONE) and database_hits(NAME)
    assert media_hits(EMAIL)
    assert Attachment.objects.filter(message__journey=journey).exists()
    pending = ScheduledMessage.objects.filter(
        journey=journey, status__in=[Status.PENDING, Status.CLAIMED]
    ).count()
    assert pending
    funnel = list(FunnelDay.objects.values_list("day", "furthest_stage", "outcome", "journeys"))
    kinds = list(journey.events.values_list("kind", flat=True))

    summary = patient_erase(
        patient_id=patient.pk, actor=manager, reason="Request by letter of 2026-11-20"
    )

    for needle in NEEDLES:
        assert database_hits(needle) == [], needle
        assert media_hits(needle) == [], needle
    assert summary.cancelled == pending and summary.files_deleted >= 3
    assert not ScheduledMessage.objects.filter(
        journey=journey, status__in=[Status.PENDING, Status.CLAIMED]
    ).exists()
    # The counts and the funnel stay; the journey keeps its stage data.
    assert Journey.objects.filter(pk=journey.pk, stage="booked", outcome="active").exists()
    assert list(FunnelDay.objects.values_list("day", "furthest_stage", "outcome", "journeys")) == (
        funnel
    )
    assert list(journey.events.values_list("kind", flat=True)) == [*kinds, EventKind.NOTE]
    note = JourneyEvent.objects.filter(journey=journey).last()
    assert note is not None and "erased on request by maria" in note.reason
    assert "2026-11-20" in note.reason
    entry = AuditEntry.objects.get(action=Action.ERASE)
    assert (entry.actor, entry.patient_id) == (manager, patient.pk)
    with pytest.raises(ErasureError, match="already erased"):
        patient_erase(patient_id=patient.pk, actor=manager, reason="again")


def test_only_a_manager_may_erase(lucia: dict[str, Any], coordinator: User) -> None:
    with pytest.raises(ErasureError, match="Only a manager"):
        patient_erase(patient_id=lucia["patient"].pk, actor=coordinator, reason="asked")
    assert database_hits(EMAIL)


def test_a_reason_is_required(lucia: dict[str, Any], manager: User) -> None:
    with pytest.raises(ErasureError, match="Say why"):
        patient_erase(patient_id=lucia["patient"].pk, actor=manager, reason="  ")


def test_the_erase_page_is_for_managers(
    client: Client, lucia: dict[str, Any], coordinator: User, manager: User
) -> None:
    url = f"/patients/{lucia['patient'].pk}/erase/"
    client.force_login(coordinator)
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "x", "confirm": lucia["patient"].pk}).status_code == 403
    client.force_login(manager)
    assert client.get(url).status_code == 200
    refused = client.post(url, {"reason": "Asked by phone", "confirm": "0"})
    assert refused.status_code == 400 and database_hits(EMAIL)
    done = client.post(url, {"reason": "Asked by phone", "confirm": lucia["patient"].pk})
    assert done.status_code == 302
    assert database_hits(EMAIL) == []


def test_the_erase_command(lucia: dict[str, Any], manager: User, coordinator: User) -> None:
    with pytest.raises(CommandError, match="Only a manager"):
        call_command(
            "erase_patient", lucia["patient"].pk, manager="carmen", reason="x", stdout=StringIO()
        )
    out = StringIO()
    call_command("erase_patient", lucia["patient"].pk, manager="maria", reason="Letter", stdout=out)
    assert "Erased patient" in out.getvalue() and database_hits(PHONE) == []
