"""The dashboard's side of inbound email: replies waiting on My day, and the triage Inbox
(attach to a patient, make a new inquiry, dismiss)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from followups.inbound.store import inbound_receive
from followups.models import Message, TriageItem, TriageStatus
from journeys.models import Journey
from journeys.services import journey_create, journey_mark_waiting, journey_move
from tests.conftest import make_patient

pytestmark = pytest.mark.django_db

MAIL = Path(__file__).resolve().parents[1] / "followups" / "mail"


@pytest.fixture(autouse=True)
def _inbound_settings(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INQUIRY_ADDRESS = "care@clinic.example"
    settings.INQUIRY_AUTO_CREATE = True
    settings.INQUIRY_DEFAULT_PROCEDURE_ID = 0
    settings.INBOUND_ESP = ""
    settings.INBOUND_DOMAIN = "reply.clinic.example"
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def unmatched_item() -> TriageItem:
    result = inbound_receive(raw=(MAIL / "14-unmatched-stranger.eml").read_bytes(), source="test")
    assert result.outcome == "triage"
    return TriageItem.objects.get(pk=result.triage_item_id)


def test_my_day_lists_replies_waiting_longest_first(
    client, coordinator, other_coordinator, procedure
):
    mine = journey_create(
        patient=make_patient(full_name="Waiting Long"),
        procedure=procedure,
        actor=coordinator,
        coordinator=coordinator,
    )
    newer = journey_create(
        patient=make_patient(full_name="Waiting Short"),
        procedure=procedure,
        actor=coordinator,
        coordinator=coordinator,
    )
    theirs = journey_create(
        patient=make_patient(full_name="Not Mine"),
        procedure=procedure,
        actor=other_coordinator,
        coordinator=other_coordinator,
    )
    now = timezone.now()
    journey_mark_waiting(journey_id=mine.pk, at=now - dt.timedelta(hours=30))
    journey_mark_waiting(journey_id=newer.pk, at=now - dt.timedelta(hours=1))
    journey_mark_waiting(journey_id=theirs.pk, at=now - dt.timedelta(hours=50))
    client.force_login(coordinator)
    html = client.get("/").content.decode()
    replies = html.split('id="h-replies"')[1].split('id="h-risk"')[0]
    assert replies.index("Waiting Long") < replies.index("Waiting Short")
    assert "Not Mine" not in replies
    assert f"/journeys/{mine.pk}/#reply" in replies


def test_inbox_lists_unmatched_mail_and_attaches_it(client, coordinator, journey):
    item = unmatched_item()
    client.force_login(coordinator)
    html = client.get("/inbox/").content.decode()
    assert item.from_email in html and "Attach to patient" in html
    response = client.post(f"/inbox/{item.pk}/attach/", {"target": str(journey.pk)})
    assert response["Location"] == f"/journeys/{journey.pk}/"
    item.refresh_from_db()
    assert item.status == TriageStatus.ATTACHED and item.journey_id == journey.pk
    assert Message.objects.filter(journey=journey, direction="in").exists()


def test_inbox_refuses_a_journey_the_coordinator_cannot_see(
    client, coordinator, other_coordinator, procedure
):
    theirs = journey_create(
        patient=make_patient(), procedure=procedure, actor=None, coordinator=other_coordinator
    )
    item = unmatched_item()
    client.force_login(coordinator)
    response = client.post(f"/inbox/{item.pk}/attach/", {"target": str(theirs.pk)}, follow=True)
    assert "No journey you can see matches that" in response.content.decode()
    item.refresh_from_db()
    assert item.status == TriageStatus.OPEN


def test_inbox_creates_an_inquiry_and_dismisses(client, coordinator, procedure):
    item = unmatched_item()
    client.force_login(coordinator)
    response = client.post(
        f"/inbox/{item.pk}/inquiry/", {"procedure": procedure.pk, "full_name": "Tom Agent"}
    )
    journey = Journey.objects.get(pk=response["Location"].split("/")[2])
    assert journey.patient.email == item.from_email
    second = TriageItem.objects.create(
        raw_email=item.raw_email,
        message_key="dashboard-test-second",
        reason="test",
        from_email="spam@example.net",
        subject="Cheap pills",
        received_at=timezone.now(),
    )
    client.post(f"/inbox/{second.pk}/dismiss/")
    second.refresh_from_db()
    assert second.status == TriageStatus.DISMISSED


def _booked_a_while_ago(procedure: Any, coordinator: Any, **patient: Any) -> Journey:
    journey = journey_create(
        patient=make_patient(**patient),
        procedure=procedure,
        actor=coordinator,
        coordinator=coordinator,
        inquiry_received_at=timezone.now() - dt.timedelta(days=20),
    )
    return journey_move(
        journey_id=journey.pk,
        target="booked",
        actor=coordinator,
        at=timezone.now() - dt.timedelta(days=10),
    )


def _look_after(html: str) -> str:
    return html.split('id="h-risk"')[1].split('id="h-failed"')[0]


def test_an_out_of_office_attached_from_the_inbox_is_not_contact(
    client: Any, coordinator: Any, procedure: Any
) -> None:
    journey = _booked_a_while_ago(procedure, coordinator, full_name="Quiet Booked")
    client.force_login(coordinator)
    assert "Quiet Booked" in _look_after(client.get("/").content.decode())
    raw = (
        b"From: Quiet Booked <quiet.booked@example.org>\r\nTo: desk@clinic.example\r\n"
        b"Subject: Out of office\r\nAuto-Submitted: auto-replied\r\n"
        b"Message-ID: <ooo-1@example.org>\r\n\r\nI am away until Monday.\r\n"
    )
    result = inbound_receive(raw=raw, source="test")
    assert result.outcome == "triage"
    client.post(f"/inbox/{result.triage_item_id}/attach/", {"target": str(journey.pk)})
    assert Message.objects.get(journey=journey, direction="in").label == "auto_reply"
    html = client.get("/").content.decode()
    assert "Quiet Booked" in _look_after(html) and "Not heard from" in _look_after(html)
    # A real reply is contact: silence is no longer a reason (the patient may stay on the
    # list for others: the reply now waits for an answer, the deposit is still open).
    real = raw.replace(b"Auto-Submitted: auto-replied\r\n", b"").replace(b"ooo-1", b"re-1")
    real = real.replace(b"Out of office", b"Re: your visit")
    again = inbound_receive(raw=real, source="test")
    client.post(f"/inbox/{again.triage_item_id}/attach/", {"target": str(journey.pk)})
    assert "Not heard from" not in _look_after(client.get("/").content.decode())


def test_a_bounce_shows_as_failed_on_my_day_and_as_a_delivery_failure_on_the_timeline(
    client: Any, coordinator: Any, procedure: Any
) -> None:
    journey = journey_create(
        patient=make_patient(full_name="Jo Obrien", email="jobrien@example.ie"),
        procedure=procedure,
        actor=coordinator,
        coordinator=coordinator,
    )
    client.force_login(coordinator)
    assert "Every message went out" in client.get("/").content.decode()
    result = inbound_receive(raw=(MAIL / "29-qmail-bounce.eml").read_bytes(), source="test")
    assert result.journey_id == journey.pk
    html = client.get("/").content.decode()
    failed = html.split('id="h-failed"')[1].split('id="h-today"')[0]
    assert "Every message went out" not in failed
    assert "Jo Obrien" in failed and "Bounced" in failed and "jobrien@example.ie" in failed
    page = client.get(f"/journeys/{journey.pk}/").content.decode()
    timeline = page.split('class="timeline"')[1]
    assert "Delivery failure" in timeline
    assert "From Jo Obrien" not in timeline
