"""Outgoing webhooks: rows written in the journey's transaction, signed POSTs from the
dispatcher, retries with backoff from the rows, one POST per delivery, nothing personal
in the payload or the logs."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.utils import timezone

from api.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from api.webhooks import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookError,
    webhook_deliver,
    webhook_endpoint_create,
    webhook_signature,
    webhook_verify,
    webhooks_dispatch_due,
    webhooks_reap,
)
from followups import hooks as followups_hooks
from followups.models import Direction, Message
from journeys.models import Journey
from journeys.services import journey_create, journey_move
from tests.conftest import make_patient

pytestmark = pytest.mark.django_db


class Receiver:
    """A real HTTP server on localhost standing in for the integration."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.status = 200
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                receiver.requests.append((dict(self.headers), self.rfile.read(length)))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def endpoint(receiver: Receiver, manager: User) -> WebhookEndpoint:
    return webhook_endpoint_create(
        name="Website", url=receiver.url, actor=manager, secret="whsec_test"
    )


def _create(procedure: Any, coordinator: User | None = None) -> Journey:
    return journey_create(
        patient=make_patient(full_name="Secret Name", email="secret@example.de"),
        procedure=procedure,
        actor=None,
        coordinator=coordinator,
    )


def test_created_and_moved_journeys_are_queued_in_their_transaction(
    endpoint: WebhookEndpoint, procedure, manager: User, django_capture_on_commit_callbacks
) -> None:
    only_replies = webhook_endpoint_create(
        name="Replies", url="https://example.org/h", actor=manager, events=["patient.replied"]
    )
    with django_capture_on_commit_callbacks() as callbacks:
        journey = _create(procedure)
    assert callbacks, "the dispatcher is kicked after commit"
    journey_move(journey_id=journey.pk, target="booked", actor=manager)
    rows = list(WebhookDelivery.objects.order_by("id"))
    assert [(r.endpoint_id, r.event, r.status) for r in rows] == [
        (endpoint.pk, "journey.created", "pending"),
        (endpoint.pk, "journey.stage_changed", "pending"),
    ]
    assert not only_replies.deliveries.exists()
    change = rows[1].payload["change"]
    assert (change["kind"], change["from_stage"], change["to_stage"]) == (
        "advanced",
        "inquiry",
        "booked",
    )
    assert rows[1].payload["journey"]["id"] == journey.pk
    # Ids and stages only: nothing that names the patient.
    assert "Secret" not in json.dumps([r.payload for r in rows])
    assert "secret@" not in json.dumps([r.payload for r in rows])


def test_a_rolled_back_move_queues_nothing(
    endpoint: WebhookEndpoint, procedure, manager: User
) -> None:
    journey = _create(procedure)
    before = WebhookDelivery.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        journey_move(journey_id=journey.pk, target="booked", actor=manager)
        raise RuntimeError("the caller failed after the move")
    assert WebhookDelivery.objects.count() == before


def test_an_inactive_endpoint_gets_nothing(
    endpoint: WebhookEndpoint, procedure, manager: User
) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
    _create(procedure)
    assert not WebhookDelivery.objects.exists()


def test_the_patients_own_reply_is_sent_other_inbound_mail_is_not(
    endpoint: WebhookEndpoint, journey: Journey
) -> None:
    WebhookDelivery.objects.all().delete()

    def inbound(n: int, counts: bool) -> Message:
        return Message.objects.create(
            journey=journey,
            direction=Direction.IN,
            message_id=f"<in{n}@example.de>",
            from_email="x@example.de",
            to_email="crm@clinic.example",
            subject="Re",
            text="Private words",
            sent_at=timezone.now(),
            counts_as_reply=counts,
        )

    reply, auto = inbound(1, True), inbound(2, False)
    for message in (reply, auto):
        followups_hooks.fire(followups_hooks.INBOUND_REPLY_STORED, message=message, journey=journey)
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == WebhookEvent.PATIENT_REPLIED
    assert delivery.payload["message_id"] == reply.pk
    assert "Private" not in json.dumps(delivery.payload)


def test_the_dispatcher_posts_signed_bodies(
    endpoint: WebhookEndpoint, receiver: Receiver, procedure, caplog
) -> None:
    journey = _create(procedure)
    with caplog.at_level(logging.INFO):
        result = webhooks_dispatch_due(send_inline=True)
    assert (result.claimed, result.delivered) == (1, 1)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1
    assert delivery.last_status_code == 200
    [(headers, body)] = receiver.requests
    assert headers["Webhook-Id"] == str(delivery.event_id)
    assert headers["Webhook-Event"] == "journey.created"
    assert headers["Content-Type"] == "application/json"
    assert webhook_verify(
        secret="whsec_test",
        timestamp=headers[TIMESTAMP_HEADER],
        body=body,
        signature=headers[SIGNATURE_HEADER],
    )
    assert not webhook_verify(
        secret="wrong",
        timestamp=headers[TIMESTAMP_HEADER],
        body=body,
        signature=headers[SIGNATURE_HEADER],
    )
    assert not webhook_verify(
        secret="whsec_test",
        timestamp=headers[TIMESTAMP_HEADER],
        body=body + b" ",
        signature=headers[SIGNATURE_HEADER],
    )
    envelope = json.loads(body)
    assert envelope["id"] == str(delivery.event_id)
    assert envelope["type"] == "journey.created"
    assert envelope["data"]["journey"]["id"] == journey.pk
    # Logs say which delivery and how it went, never the payload.
    logged = caplog.text
    assert f"Webhook delivery {delivery.pk}" in logged
    assert "Secret" not in logged and "secret@" not in logged and "whsec_" not in logged


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    import hashlib
    import hmac

    body = b'{"a":1}'
    expected = hmac.new(b"s3cret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert webhook_signature(secret="s3cret", timestamp=1700000000, body=body) == (f"v1={expected}")
    # An old (replayed) timestamp is refused even with a good signature.
    assert not webhook_verify(
        secret="s3cret", timestamp="1700000000", body=body, signature=f"v1={expected}"
    )


def test_failures_retry_with_backoff_then_give_up(
    endpoint: WebhookEndpoint, receiver: Receiver, procedure, settings, clock
) -> None:
    settings.WEBHOOKS_RETRY_DELAYS = [60, 300]
    receiver.status = 500
    _create(procedure)
    start = timezone.now()
    webhooks_dispatch_due(send_inline=True, now=start)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("pending", 1, "HTTP 500")
    assert delivery.due_at == start + dt.timedelta(seconds=60)
    # Not due yet: nothing is sent.
    assert (
        webhooks_dispatch_due(send_inline=True, now=start + dt.timedelta(seconds=30)).claimed == 0
    )
    webhooks_dispatch_due(send_inline=True, now=start + dt.timedelta(seconds=61))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 2)
    assert delivery.due_at == start + dt.timedelta(seconds=61 + 300)
    webhooks_dispatch_due(send_inline=True, now=start + dt.timedelta(seconds=400))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert len(receiver.requests) == 3
    # Every attempt is the same delivery: the receiver can drop repeats by Webhook-Id.
    assert len({headers["Webhook-Id"] for headers, _ in receiver.requests}) == 1


def test_an_unreachable_receiver_is_retried(manager: User, procedure) -> None:
    webhook_endpoint_create(name="Down", url="http://127.0.0.1:9/nothing", actor=manager)
    _create(procedure)
    webhooks_dispatch_due(send_inline=True)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.last_status_code is None and delivery.last_error


def test_a_delivery_is_posted_once_whatever_the_task_does(
    endpoint: WebhookEndpoint, receiver: Receiver, procedure
) -> None:
    _create(procedure)
    delivery = WebhookDelivery.objects.get()
    # Not claimed by the dispatcher: a stray task does nothing.
    assert webhook_deliver(delivery_id=delivery.pk) == ""
    webhooks_dispatch_due(send_inline=False)
    assert WebhookDelivery.objects.get().status == "queued"
    assert webhook_deliver(delivery_id=delivery.pk) == "delivered"
    assert webhook_deliver(delivery_id=delivery.pk) == ""  # the broker redelivered the task
    assert len(receiver.requests) == 1


def test_the_reaper_returns_lost_claims(endpoint: WebhookEndpoint, procedure, settings) -> None:
    _create(procedure)
    now = timezone.now()
    webhooks_dispatch_due(send_inline=False, now=now)
    assert webhooks_reap(now=now + dt.timedelta(seconds=10)) == 0
    later = now + dt.timedelta(seconds=settings.WEBHOOKS_CLAIM_TIMEOUT + 1)
    assert webhooks_reap(now=later) == 1
    assert WebhookDelivery.objects.get().status == "pending"


def test_the_endpoint_url_and_events_are_checked(manager: User) -> None:
    with pytest.raises(WebhookError):
        webhook_endpoint_create(name="x", url="ftp://example.org", actor=manager)
    with pytest.raises(WebhookError):
        webhook_endpoint_create(
            name="x", url="https://example.org", actor=manager, events=["journey.deleted"]
        )


# --- The admin: keys, endpoints and the delivery log --------------------------------------


def test_a_manager_makes_a_key_in_the_admin_and_sees_it_once(
    manager: User, coordinator: User, journey: Journey
) -> None:
    from api.models import ApiKey

    admin = Client()
    admin.force_login(manager)
    response = admin.post(
        "/admin/api/apikey/add/",
        {"name": "Website CMS", "user": coordinator.pk, "scope": "read"},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    key = ApiKey.objects.get(name="Website CMS")
    raw = page.split("not shown again): ")[1].split("<")[0].strip()
    assert raw.startswith(key.prefix)
    assert raw not in admin.get(f"/admin/api/apikey/{key.pk}/change/").content.decode()
    api = Client()
    listed = api.get("/api/v1/journeys/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [journey.pk]
    admin.post(
        "/admin/api/apikey/",
        {"action": "revoke_selected", "_selected_action": [key.pk]},
    )
    assert api.get("/api/v1/journeys/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_managers_set_up_endpoints_and_read_the_delivery_log(manager: User, procedure) -> None:
    admin = Client()
    admin.force_login(manager)
    response = admin.post(
        "/admin/api/webhookendpoint/add/",
        {
            "name": "Portal",
            "url": "https://portal.example.org/hooks",
            "secret": "",
            "events": ["journey.created", "patient.replied"],
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    endpoint = WebhookEndpoint.objects.get(name="Portal")
    assert endpoint.secret.startswith("whsec_") and endpoint.created_by == manager
    assert endpoint.events == ["journey.created", "patient.replied"]
    _create(procedure)
    log = admin.get("/admin/api/webhookdelivery/")
    assert log.status_code == 200 and "journey.created" in log.content.decode()
    delivery = WebhookDelivery.objects.get()
    assert admin.get(f"/admin/api/webhookdelivery/{delivery.pk}/change/").status_code == 200
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed", attempts=6)
    admin.post(
        "/admin/api/webhookdelivery/",
        {"action": "retry_selected", "_selected_action": [delivery.pk]},
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)


def test_coordinators_get_no_key_or_webhook_admin(coordinator: User) -> None:
    browser = Client()
    browser.force_login(coordinator)
    for url in ("/admin/api/apikey/", "/admin/api/webhookdelivery/"):
        assert browser.get(url).status_code in (302, 403)
