"""followups.inbound.retention: raw mail is deleted after INBOUND_RAW_RETENTION_DAYS (the
parsed message stays), and at once for a patient's erasure."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.management import call_command

from crm.models import Procedure
from followups.inbound.retention import raw_email_delete_for_patient, raw_emails_prune
from followups.inbound.store import inbound_receive
from followups.models import Direction, Message, RawEmail, RawStatus

from .hostile import headers
from .test_store import open_journey

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _inbound_settings(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INQUIRY_ADDRESS = "care@clinic.example"
    settings.INBOUND_RAW_RETENTION_DAYS = 730
    settings.INBOUND_AUTHSERV_ID = ""
    settings.INBOUND_REQUIRE_AUTH = False


def receive(sender: str, n: int, *, days_ago: int) -> RawEmail:
    raw = headers(sender=sender, message_id=f"<r{n}@example.de>") + b"\r\nHello\r\n"
    result = inbound_receive(raw=raw, source="test", received_at=NOW - dt.timedelta(days=days_ago))
    return RawEmail.objects.get(pk=result.raw_email_id)


def test_old_raw_mail_is_pruned_and_the_message_stays(
    procedure: Procedure, coordinator: User
) -> None:
    journey = open_journey("anna@example.de", procedure=procedure, coordinator=coordinator)
    old = receive("anna@example.de", 1, days_ago=731)
    recent = receive("anna@example.de", 2, days_ago=729)
    old_file = Path(old.file.path)
    assert raw_emails_prune(now=NOW) == 1
    old.refresh_from_db()
    assert old.pruned_at == NOW and not old.file and not old_file.exists()
    assert RawEmail.objects.get(pk=recent.pk).pruned_at is None
    assert Path(recent.file.path).exists()
    # The parsed message keeps its text on the journey.
    message = Message.objects.get(raw_email=old, direction=Direction.IN)
    assert message.text_reply == "Hello" and message.journey_id == journey.pk
    assert raw_emails_prune(now=NOW) == 0  # once


def test_the_command_and_beat_prune_daily(procedure: Procedure, clock: Any) -> None:
    clock.move_to(NOW)  # the command prunes as of the clock's now
    receive("anna@example.de", 1, days_ago=40)
    out = io.StringIO()
    call_command("prune_raw_email", "--days", "30", stdout=out)
    assert out.getvalue().strip() == "pruned 1 raw email"
    entry = django_settings.CELERY_BEAT_SCHEDULE["followups-prune-raw-email"]
    assert entry["task"] == "followups.tasks.prune_raw_email" and entry["schedule"] == 86400.0


def test_a_patients_raw_mail_is_deleted_at_once(procedure: Procedure, coordinator: User) -> None:
    anna = open_journey("anna@example.de", procedure=procedure, coordinator=coordinator)
    open_journey("ben@example.de", procedure=procedure, coordinator=coordinator)
    stored = receive("anna@example.de", 1, days_ago=1)  # on her journey
    triaged = receive("Anna <ANNA@example.de>", 2, days_ago=1)  # another, any case
    bens = receive("ben@example.de", 3, days_ago=1)
    assert raw_email_delete_for_patient(patient_id=anna.patient_id, now=NOW) == 2
    for raw in (stored, triaged):
        raw.refresh_from_db()
        assert raw.pruned_at == NOW and not raw.file and raw.envelope_sender == ""
    bens.refresh_from_db()
    assert bens.pruned_at is None and Path(bens.file.path).exists()
    assert RawEmail.objects.filter(status=RawStatus.RECEIVED).count() == 0
