"""An emailed inquiry's patient gets a time zone of their country that matches the UTC
offset in the email's Date header (followups.inbound.store, new-inquiry path)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crm.models import Patient
from followups.inbound.store import inbound_receive

pytestmark = pytest.mark.django_db

MAIL = Path(__file__).parent.parent / "mail"


@pytest.fixture(autouse=True)
def _inbound_settings(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INQUIRY_ADDRESS = "care@clinic.example"
    settings.INQUIRY_AUTO_CREATE = True
    settings.INQUIRY_DEFAULT_PROCEDURE_ID = 0
    settings.INBOUND_ESP = ""


@pytest.mark.parametrize(
    ("sender", "date", "zone"),
    [
        # The corpus' own: Italy, +0100 in November.
        (b"sofia.rossi@example.it", b"Mon, 9 Nov 2026 21:47:02 +0100", "Europe/Rome"),
        # Spain has two clocks: +0000 in winter is the Canary Islands.
        (b"sofia.rossi@example.es", b"Mon, 9 Nov 2026 21:47:02 +0000", "Atlantic/Canary"),
        (b"sofia.rossi@example.es", b"Mon, 9 Nov 2026 21:47:02 +0100", "Europe/Madrid"),
        # An offset the country never has, and an unknown country: UTC.
        (b"sofia.rossi@example.it", b"Mon, 9 Nov 2026 21:47:02 +0530", "UTC"),
        (b"sofia.rossi@gmail.com", b"Mon, 9 Nov 2026 21:47:02 +0100", "UTC"),
    ],
)
def test_an_emailed_inquiry_takes_its_zone_from_country_and_date(
    procedure: Any, sender: bytes, date: bytes, zone: str
) -> None:
    raw = (MAIL / "13-new-inquiry.eml").read_bytes()
    raw = raw.replace(b"sofia.rossi@example.it", sender)
    raw = raw.replace(b"Mon, 9 Nov 2026 21:47:02 +0100", date)
    result = inbound_receive(raw=raw, source="test")
    assert result.outcome == "inquiry", result.detail
    assert Patient.objects.get(email=sender.decode()).timezone == zone
