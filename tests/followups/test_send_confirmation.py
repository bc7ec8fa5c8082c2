"""Sent at most once across a crash: a row whose worker died while `sending` is in doubt;
the ESP's tracking events (they carry the row id in the metadata we attach) confirm it
instead of a resend; without an event it is resent only after FOLLOWUPS_SEND_CONFIRM_WAIT."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from anymail.signals import AnymailTrackingEvent

from followups import emails
from followups.models import Message, MessageEvent, ScheduledMessage, Status
from followups.services import (
    db_now,
    message_send_scheduled,
    message_track_event,
    messages_dispatch_due,
    messages_reap_stuck,
)
from journeys.models import Journey

from .conftest import rows

pytestmark = pytest.mark.django_db

OUR_ID = "<crashed-1@reply.clinic.example>"


def crashed_while_sending(journey: Journey, *, ago: dt.timedelta) -> ScheduledMessage:
    """The acknowledgment, taken by a worker that died after the ESP accepted it."""
    ack = rows(journey, rule__key="inquiry_ack")[0]
    ScheduledMessage.objects.filter(pk=ack.pk).update(
        status=Status.SENDING, claimed_at=db_now() - ago, attempts=1
    )
    return ack


def event(kind: str, scheduled: ScheduledMessage, *, event_id: str) -> AnymailTrackingEvent:
    return AnymailTrackingEvent(
        event_type=kind,
        timestamp=db_now() - dt.timedelta(minutes=1),
        event_id=event_id,
        message_id="esp-77",
        recipient=scheduled.journey.patient.email,
        metadata={"crm_message_id": OUR_ID, "crm_scheduled_message_id": str(scheduled.pk)},
    )


def test_every_scheduled_email_carries_its_row_id_for_the_esp_events(
    journey: Journey, outbox: list[Any]
) -> None:
    ack = rows(journey, rule__key="inquiry_ack")[0]
    assert message_send_scheduled(scheduled_message_id=ack.pk) == "sent"
    email = outbox[0]
    message = Message.objects.get(scheduled_message=ack)
    assert email.metadata == {
        "crm_message_id": message.message_id,
        "crm_scheduled_message_id": str(ack.pk),
    }
    assert email.extra_headers["X-CRM-Scheduled-Message"] == str(ack.pk)
    assert "idempotencyKey" not in email.extra_headers  # locmem: no ESP key


def test_an_idempotency_key_goes_to_the_esps_that_read_one(settings: Any) -> None:
    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.brevo.EmailBackend"}}
    assert emails.idempotency_headers(5) == {
        "idempotencyKey": f"crm-scheduled-{settings.INBOUND_DOMAIN}-5"
    }
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "smtp.resend.com"},
        }
    }
    assert list(emails.idempotency_headers(5)) == ["Resend-Idempotency-Key"]
    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.postmark.EmailBackend"}}
    assert emails.idempotency_headers(5) == {}


def test_an_event_for_a_row_in_doubt_marks_it_sent_instead_of_a_resend(
    journey: Journey, outbox: list[Any]
) -> None:
    ack = crashed_while_sending(journey, ago=dt.timedelta(minutes=6))
    assert message_track_event(event=event("delivered", ack, event_id="ev-1"), esp_name="Test")
    ack.refresh_from_db()
    assert ack.status == Status.SENT
    message = Message.objects.get(scheduled_message=ack)
    # Recorded with the Message-ID the email carried (a reply's In-Reply-To finds it),
    # the content rendered again, and the event attached.
    assert (message.message_id, message.esp_message_id) == (OUR_ID, "esp-77")
    assert message.template_key == "inquiry_ack" and message.subject
    assert message.status == "delivered"
    assert list(message.events.values_list("event_type", flat=True)) == ["delivered"]
    # Later passes find nothing to do.
    assert messages_reap_stuck() == (0, 0)
    assert message_send_scheduled(scheduled_message_id=ack.pk) == "skipped"
    assert outbox == []


def test_an_early_event_waits_for_the_live_worker_then_the_reaper_confirms(
    journey: Journey, outbox: list[Any]
) -> None:
    ack = crashed_while_sending(journey, ago=dt.timedelta(seconds=20))
    # The webhook beat the worker: the row is still being sent, so the event only waits.
    message_track_event(event=event("queued", ack, event_id="ev-2"), esp_name="Test")
    ack.refresh_from_db()
    assert ack.status == Status.SENDING
    assert MessageEvent.objects.get(esp_event_id="ev-2").scheduled_message_id == ack.pk
    # The worker died before its commit; past the claim timeout the reaper confirms it.
    ScheduledMessage.objects.filter(pk=ack.pk).update(claimed_at=db_now() - dt.timedelta(minutes=6))
    result = messages_dispatch_due(send_inline=True)
    ack.refresh_from_db()
    assert (result.reaped, ack.status) == (0, Status.SENT)
    assert Message.objects.filter(scheduled_message=ack).count() == 1
    assert outbox == []


def test_a_refusal_event_is_no_proof_and_without_events_the_row_is_resent_after_the_wait(
    journey: Journey, outbox: list[Any], settings: Any
) -> None:
    ack = crashed_while_sending(journey, ago=dt.timedelta(minutes=6))
    message_track_event(event=event("rejected", ack, event_id="ev-3"), esp_name="Test")
    ack.refresh_from_db()
    assert ack.status == Status.SENDING  # in doubt: waiting for a real event
    assert messages_reap_stuck() == (0, 0)
    ScheduledMessage.objects.filter(pk=ack.pk).update(
        claimed_at=db_now() - dt.timedelta(seconds=300 + settings.FOLLOWUPS_SEND_CONFIRM_WAIT + 1)
    )
    assert messages_reap_stuck() == (1, 0)
    assert message_send_scheduled(scheduled_message_id=ack.pk) == "sent"
    assert len(outbox) == 1


def test_a_late_event_after_the_row_was_returned_still_saves_the_resend(
    journey: Journey, outbox: list[Any]
) -> None:
    ack = crashed_while_sending(journey, ago=dt.timedelta(hours=1))
    assert messages_reap_stuck() == (1, 0)  # no event within the wait: back to pending
    message_track_event(event=event("sent", ack, event_id="ev-4"), esp_name="Test")
    ack.refresh_from_db()
    assert ack.status == Status.SENT
    assert message_send_scheduled(scheduled_message_id=ack.pk) == "skipped"
    assert outbox == []
