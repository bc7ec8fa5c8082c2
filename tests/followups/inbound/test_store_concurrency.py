"""Inbound mail arriving twice at the same moment (an ESP retrying while the first
delivery is still being stored, two MTA queue runners): stored once, nothing lost."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from crm.models import Clinic, Patient, Procedure
from followups.inbound.store import inbound_receive
from followups.models import Direction, Message, RawEmail
from journeys.models import Journey

pytestmark = pytest.mark.django_db(transaction=True)

MAIL = Path(__file__).parent.parent / "mail"


@pytest.fixture(autouse=True)
def _inbound_settings(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INQUIRY_ADDRESS = "care@clinic.example"
    settings.INQUIRY_AUTO_CREATE = True
    settings.INQUIRY_DEFAULT_PROCEDURE_ID = 0


def _receive(raw: bytes, barrier: threading.Barrier) -> str:
    try:
        barrier.wait(timeout=10)
        return inbound_receive(raw=raw, source="test").outcome
    finally:
        connection.close()


def _together(*raws: bytes) -> list[str]:
    barrier = threading.Barrier(len(raws))
    with ThreadPoolExecutor(max_workers=len(raws)) as pool:
        return list(pool.map(lambda raw: _receive(raw, barrier), raws))


@pytest.mark.parametrize("attempt", range(3))
def test_the_same_inquiry_delivered_twice_at_once_is_stored_once(attempt: int) -> None:
    clinic = Clinic.objects.create(
        name="Dentalpoint", city="Istanbul", country="TR", timezone="UTC"
    )
    Procedure.objects.create(name="Dental implants", clinic=clinic)
    raw = (MAIL / "13-new-inquiry.eml").read_bytes()
    outcomes = _together(raw, raw)
    assert sorted(outcomes) == ["duplicate", "inquiry"]
    assert Patient.objects.count() == 1 and Journey.objects.count() == 1
    assert Message.objects.filter(direction=Direction.IN).count() == 1
    assert RawEmail.objects.count() == 2  # both deliveries' bytes are kept


def test_two_first_emails_from_one_new_address_make_one_patient() -> None:
    clinic = Clinic.objects.create(
        name="Dentalpoint", city="Istanbul", country="TR", timezone="UTC"
    )
    Procedure.objects.create(name="Dental implants", clinic=clinic)
    first = (MAIL / "13-new-inquiry.eml").read_bytes()
    second = first.replace(b"<CAPn4Tq1wE8rY3uI6oP0aS2dF5gH7jK9l@", b"<second-email@")
    outcomes = _together(first, second)
    # One opens the inquiry; the other finds the new patient (its retry after the unique
    # email constraint stopped it) and lands on the same journey.
    assert sorted(outcomes) == ["inquiry", "stored"]
    journey = Journey.objects.get()
    assert Message.objects.filter(journey=journey, direction=Direction.IN).count() == 2
