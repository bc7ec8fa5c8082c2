"""Tracking webhooks (through anymail's real webhook view), the unsubscribe page, the admin."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from anymail.signals import AnymailTrackingEvent
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from crm.models import Patient
from followups.models import CancelReason, Message, MessageEvent, Status
from followups.selectors import journeys_with_undeliverable_email_for
from followups.services import message_send_scheduled, message_track_event
from followups.tokens import unsubscribe_token
from journeys.models import EventKind, Journey

from .conftest import rows

pytestmark = pytest.mark.django_db


def sent_ack(journey: Journey) -> Message:
    ack = rows(journey, rule__key="inquiry_ack")[0]
    assert message_send_scheduled(scheduled_message_id=ack.pk) == "sent"
    return Message.objects.get(scheduled_message=ack)


def postmark(client: Client, payload: dict[str, Any]) -> int:
    auth = base64.b64encode(b"hook:secret").decode()
    response = client.post(
        "/anymail/postmark/tracking/",
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {auth}",
    )
    return response.status_code


@pytest.fixture
def webhook_secret(settings: Any) -> None:
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret"}
    # Mail goes out through Postmark, so its tracking webhook is the one mounted.
    settings.EMAIL_BACKEND_PATH = "anymail.backends.postmark.EmailBackend"


def test_delivery_and_open_move_the_status_forward(journey: Journey) -> None:
    message = sent_ack(journey)
    at = timezone.now()
    for kind in ("delivered", "opened", "delivered"):
        message_track_event(
            event=AnymailTrackingEvent(
                event_type=kind, timestamp=at, metadata={"crm_message_id": message.message_id}
            ),
            esp_name="Test",
        )
    message.refresh_from_db()
    assert (message.status, message.delivered_at, message.opened_at) == ("opened", at, at)
    assert list(message.events.values_list("event_type", flat=True)) == [
        "delivered",
        "opened",
        "delivered",
    ]


def test_hard_bounce_through_the_webhook_stops_mail_and_tells_the_coordinator(
    client: Client, journey: Journey, coordinator: User, webhook_secret: None
) -> None:
    message = sent_ack(journey)
    payload = {
        "RecordType": "Bounce",
        "Type": "HardBounce",
        "ID": 4242,
        "MessageID": "pm-1",
        "Metadata": {"crm_message_id": message.message_id},
        "Email": journey.patient.email,
        "BouncedAt": "2026-11-27T10:00:00Z",
        "Description": "The server was unable to deliver your message",
    }
    assert postmark(client, payload) == 200
    assert postmark(client, payload) == 200  # the ESP retries: counted once
    message.refresh_from_db()
    assert (message.status, message.esp_message_id) == ("bounced", "pm-1")
    assert MessageEvent.objects.filter(message=message).count() == 1
    patient = Patient.objects.get(pk=journey.patient_id)
    assert patient.email_undeliverable_at is not None
    assert patient.email_undeliverable_reason == "bounced: bounced"
    pending = rows(journey, status=Status.CANCELLED)
    assert {r.cancelled_reason for r in pending} == {CancelReason.UNDELIVERABLE}
    assert len(pending) == 3
    assert journey.events.filter(kind=EventKind.NOTE).count() == 1
    assert list(journeys_with_undeliverable_email_for(coordinator)) == [journey]


def test_soft_bounce_does_not_mark_the_address(
    client: Client, journey: Journey, webhook_secret: None
) -> None:
    message = sent_ack(journey)
    payload = {
        "RecordType": "Bounce",
        "Type": "SoftBounce",
        "ID": 4243,
        "MessageID": "pm-2",
        "Metadata": {"crm_message_id": message.message_id},
        "Email": journey.patient.email,
        "BouncedAt": "2026-11-27T10:00:00Z",
    }
    assert postmark(client, payload) == 200
    assert Patient.objects.get(pk=journey.patient_id).email_undeliverable_at is None


def test_a_complaint_marks_the_address(journey: Journey) -> None:
    message = sent_ack(journey)
    message_track_event(
        event=AnymailTrackingEvent(
            event_type="complained",
            timestamp=timezone.now(),
            message_id="",
            metadata={"crm_message_id": message.message_id},
        ),
        esp_name="Test",
    )
    assert Patient.objects.get(pk=journey.patient_id).email_undeliverable_reason == "complained"


def test_the_webhook_refuses_a_wrong_secret(client: Client, webhook_secret: None) -> None:
    response = client.post(
        "/anymail/postmark/tracking/",
        data="{}",
        content_type="application/json",
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"hook:wrong").decode(),
    )
    assert response.status_code == 400


def test_an_event_before_its_message_is_kept_and_attached_later(
    journey: Journey, use_backend: Any
) -> None:
    use_backend("tests.followups.backends.EspBackend")
    from .backends import EspBackend

    next_id = f"esp-{EspBackend.counter + 1}"
    assert (
        message_track_event(
            event=AnymailTrackingEvent(
                event_type="delivered", timestamp=timezone.now(), message_id=next_id
            ),
            esp_name="Test",
        )
        is not None
    )
    message = sent_ack(journey)
    assert message.esp_message_id == next_id
    message.refresh_from_db()
    assert message.status == "delivered"
    assert message.events.count() == 1


def test_unsubscribe_page_confirms_then_records(client: Client, journey: Journey) -> None:
    url = reverse("followups:unsubscribe", args=[unsubscribe_token(journey.patient_id)])
    response = client.get(url)
    assert response.status_code == 200
    assert b"Unsubscribe" in response.content
    assert Patient.objects.get(pk=journey.patient_id).marketing_opt_out_at is None
    # RFC 8058 one-click: a cookieless POST from the mail provider.
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Patient.objects.get(pk=journey.patient_id).marketing_opt_out_at is not None
    assert {r.rule.key for r in rows(journey, cancelled_reason=CancelReason.OPTED_OUT)} == {
        "inquiry_nudge_1",
        "inquiry_nudge_2",
    }


def test_unsubscribe_refuses_a_forged_token(client: Client, journey: Journey) -> None:
    forged = unsubscribe_token(journey.patient_id)[:-2] + "xx"
    assert client.get(reverse("followups:unsubscribe", args=[forged])).status_code == 404


def test_admin_pages_render_and_preview(client: Client, journey: Journey) -> None:
    admin = User.objects.create_superuser("root", "root@clinic.example", "pw")
    client.force_login(admin)
    from followups.models import MessageTemplate

    template = MessageTemplate.objects.get(key="inquiry_ack", language="en")
    response = client.get(reverse("admin:followups_messagetemplate_change", args=[template.pk]))
    assert response.status_code == 200
    assert b"<iframe sandbox srcdoc=" in response.content
    for name in ("cadencerule", "scheduledmessage", "message", "messagetemplate"):
        assert client.get(reverse(f"admin:followups_{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:followups_message_send")).status_code == 200
    from followups.models import CadenceRule

    rule = CadenceRule.objects.get(key="prearrival_3")
    page = client.get(reverse("admin:followups_cadencerule_change", args=[rule.pk])).content
    for field in (b'name="stale_after_hours"', b'name="send_late"', b'name="series"'):
        assert field in page


def test_admin_shows_template_errors_on_the_field(client: Client) -> None:
    admin = User.objects.create_superuser("root", "root@clinic.example", "pw")
    client.force_login(admin)
    response = client.post(
        reverse("admin:followups_messagetemplate_add"),
        {
            "key": "x",
            "language": "en",
            "subject": "Hi",
            "text": "ok\n{{ patient.age }}",
            "html": "<p>x</p>",
        },
    )
    assert response.status_code == 200
    assert "Line 2: unknown variable “patient.age”" in response.content.decode()


def test_admin_one_off_view_sends(client: Client, journey: Journey, outbox: list[Any]) -> None:
    admin = User.objects.create_superuser("root", "root@clinic.example", "pw")
    client.force_login(admin)
    response = client.post(
        reverse("admin:followups_message_send"),
        {"journey": journey.pk, "template_key": "", "subject": "Hello", "text": "See you soon."},
    )
    assert response.status_code == 302
    assert outbox[0].subject == "Hello"
