"""Outgoing webhooks: a signed POST to each configured endpoint when a journey is created,
changes stage or outcome, or the patient replies.

How it flows, like the follow-up emails (followups/services.py):
1. A listener (journeys/hooks.py, followups/hooks.py) writes one WebhookDelivery row per
   subscribed endpoint inside the journey's or the inbound mail's transaction, so a
   rolled-back move sends nothing, and kicks the dispatcher after commit.
2. The dispatcher (a beat entry, api.tasks.webhooks_dispatch) claims due rows with SKIP
   LOCKED and enqueues one short deliver task per row after its commit. Retries wait in
   `due_at` (WEBHOOKS_RETRY_DELAYS), never as Celery ETA tasks.
3. The deliver task claims its row with a conditional UPDATE (queued -> sending), so a task
   delivered twice posts once; a worker that died mid-POST leaves the row `sending` until
   the reaper returns it, and the receiver drops the repeat by its Webhook-Id.

Signature: `Webhook-Signature: v1=<hex HMAC-SHA256(secret, "<Webhook-Timestamp>." + body)>`.
Logs name the delivery, the endpoint and the status code, never the payload.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from api.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from crm.roles import Actor, person
from journeys.models import Journey, JourneyEvent

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "Webhook-Signature"
TIMESTAMP_HEADER = "Webhook-Timestamp"
ID_HEADER = "Webhook-Id"
EVENT_HEADER = "Webhook-Event"
USER_AGENT = "patient-journey-crm-webhooks/1"


# --- Signing ----------------------------------------------------------------------------


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The Webhook-Signature value: v1=<hex HMAC-SHA256 over "<timestamp>." + body>."""
    signed = str(timestamp).encode() + b"." + body
    return "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def webhook_verify(
    *, secret: str, timestamp: str, body: bytes, signature: str, tolerance: int = 300
) -> bool:
    """What a receiver does (README): recompute, compare in constant time, and refuse a
    timestamp more than `tolerance` seconds away (a replayed old request)."""
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs(time.time() - sent_at) > tolerance:
        return False
    expected = webhook_signature(secret=secret, timestamp=sent_at, body=body)
    return hmac.compare_digest(expected, signature)


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


# --- Endpoints --------------------------------------------------------------------------


class WebhookError(Exception):
    """A refused endpoint setting; the message is for the manager."""


def _check_events(events: list[str]) -> list[str]:
    unknown = sorted(set(events) - set(WebhookEvent.values))
    if unknown:
        raise WebhookError(
            f"Unknown events: {', '.join(unknown)}; choose from {', '.join(WebhookEvent.values)}."
        )
    return sorted(set(events))


def webhook_endpoint_create(
    *, name: str, url: str, actor: Actor, events: list[str] | None = None, secret: str = ""
) -> WebhookEndpoint:
    if not url.startswith(("https://", "http://")):
        raise WebhookError("The URL must start with https:// (or http://).")
    return WebhookEndpoint.objects.create(
        name=name.strip(),
        url=url,
        secret=secret or new_secret(),
        events=_check_events(events if events is not None else list(WebhookEvent.values)),
        created_by=person(actor),
    )


# --- Enqueueing (the listeners) ----------------------------------------------------------


def _journey_data(journey: Journey) -> dict[str, Any]:
    # Ids and states only: names, addresses and message text stay behind the API.
    return {
        "id": journey.pk,
        "patient_id": journey.patient_id,
        "procedure_id": journey.procedure_id,
        "clinic_id": journey.clinic_id,
        "coordinator_id": journey.coordinator_id,
        "stage": journey.stage,
        "outcome": journey.outcome,
    }


def webhooks_enqueue(*, event: str, data: dict[str, Any], at: dt.datetime | None = None) -> int:
    """One pending delivery per active endpoint subscribed to `event`, in the caller's
    transaction; the dispatcher is kicked after commit. Returns how many rows."""
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(active=True).only("pk", "events")
        if event in (endpoint.events or [])
    ]
    if not endpoints:
        return 0
    now = at or timezone.now()
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=endpoint,
            event=event,
            payload={"occurred_at": now.isoformat(), **data},
            due_at=now,
        )
        for endpoint in endpoints
    )
    transaction.on_commit(_kick_dispatcher)
    return len(endpoints)


def _kick_dispatcher() -> None:
    """After commit: run the dispatcher now instead of at the next beat tick. If the broker
    is down the beat finds the rows anyway."""
    from api.tasks import webhooks_dispatch

    try:
        webhooks_dispatch.apply_async(retry=False)
    except Exception:
        log.warning(
            "Broker unavailable: webhook deliveries wait for the next beat tick.", exc_info=True
        )


def on_journey_created(*, journey: Journey, event: JourneyEvent) -> None:
    webhooks_enqueue(
        event=WebhookEvent.JOURNEY_CREATED,
        data={"journey": _journey_data(journey)},
        at=event.created_at,
    )


def on_journey_moved(*, journey: Journey, event: JourneyEvent) -> None:
    webhooks_enqueue(
        event=WebhookEvent.STAGE_CHANGED,
        data={
            "journey": _journey_data(journey),
            "change": {
                "kind": event.kind,
                "from_stage": event.from_stage,
                "to_stage": event.to_stage,
                "from_outcome": (event.data or {}).get("from_outcome", ""),
                "outcome": event.outcome,
                "event_id": event.pk,
            },
        },
        at=event.created_at,
    )


def on_reply_stored(*, message: Any, journey: Journey) -> None:
    # Only the patient's own reply: not auto-replies, bounces or mail from another address.
    if not getattr(message, "counts_as_reply", False):
        return
    webhooks_enqueue(
        event=WebhookEvent.PATIENT_REPLIED,
        data={"journey": _journey_data(journey), "message_id": message.pk},
        at=message.sent_at,
    )


# --- Dispatching ------------------------------------------------------------------------


def _enqueue_deliveries(ids: list[int]) -> None:
    """After commit: one deliver task per claimed row. A broker outage leaves the rows
    queued; the reaper returns them to pending after WEBHOOKS_CLAIM_TIMEOUT."""
    from api.tasks import webhook_deliver

    for position, pk in enumerate(ids):
        try:
            webhook_deliver.apply_async((pk,), retry=False)
        except Exception:
            log.warning(
                "Broker unavailable: %d claimed webhook deliveries wait for the reaper.",
                len(ids) - position,
                exc_info=True,
            )
            return


def webhooks_reap(*, now: dt.datetime | None = None) -> int:
    """Return rows whose task was lost or whose worker died to pending. A row left
    `sending` may have reached the receiver: it is sent again with the same Webhook-Id."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.WEBHOOKS_CLAIM_TIMEOUT)
    return WebhookDelivery.objects.filter(
        status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING], claimed_at__lt=cutoff
    ).update(status=DeliveryStatus.PENDING, claimed_at=None, due_at=now, updated_at=now)


@dataclass
class DispatchResult:
    reaped: int = 0
    claimed: int = 0
    delivered: int = 0


def webhooks_dispatch_due(
    *, now: dt.datetime | None = None, send_inline: bool = False, max_batches: int = 20
) -> DispatchResult:
    """One dispatcher pass: reap stuck claims, then claim due rows batch by batch and
    enqueue their deliver tasks after each batch's commit (or deliver them here,
    `send_inline`, for tests and `manage.py shell`)."""
    now = now or timezone.now()
    result = DispatchResult(reaped=webhooks_reap(now=now))
    batch = settings.WEBHOOKS_BATCH_SIZE
    for _ in range(max_batches):
        with transaction.atomic():
            # SKIP LOCKED: concurrent dispatchers take disjoint batches instead of waiting.
            ids = list(
                WebhookDelivery.objects.select_for_update(skip_locked=True)
                .filter(status=DeliveryStatus.PENDING, due_at__lte=now)
                .order_by("due_at")
                .values_list("pk", flat=True)[:batch]
            )
            if ids:
                WebhookDelivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).update(
                    status=DeliveryStatus.QUEUED, claimed_at=now, updated_at=now
                )
                if not send_inline:
                    transaction.on_commit(partial(_enqueue_deliveries, ids))
        result.claimed += len(ids)
        if send_inline:
            for pk in ids:
                if webhook_deliver(delivery_id=pk, now=now) == DeliveryStatus.DELIVERED:
                    result.delivered += 1
        if len(ids) < batch:
            break
    return result


# --- Delivering -------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect is an answer we do not follow: the body would go to a URL nobody set.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def webhook_post(*, url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST and return the status code (the outside world: tests replace the receiver)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - http(s) only, checked when the endpoint is saved
    try:
        with _opener.open(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def webhook_body(delivery: WebhookDelivery) -> bytes:
    envelope = {
        "id": str(delivery.event_id),
        "type": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(envelope, cls=DjangoJSONEncoder, separators=(",", ":")).encode()


def webhook_deliver(*, delivery_id: int, now: dt.datetime | None = None) -> str:
    """POST one claimed delivery; returns its new status ("" if it was not ours to send:
    a duplicate task, or a row the reaper took back)."""
    now = now or timezone.now()
    claimed = WebhookDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.SENDING, claimed_at=now, updated_at=now
    )
    if not claimed:
        return ""
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    attempts = delivery.attempts + 1
    if not endpoint.active:
        WebhookDelivery.objects.filter(pk=delivery_id).update(
            status=DeliveryStatus.FAILED,
            attempts=attempts - 1,
            last_error="The endpoint was turned off.",
            updated_at=now,
        )
        return DeliveryStatus.FAILED
    body = webhook_body(delivery)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        ID_HEADER: str(delivery.event_id),
        EVENT_HEADER: delivery.event,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: webhook_signature(secret=endpoint.secret, timestamp=timestamp, body=body),
    }
    code: int | None = None
    error = ""
    try:
        code = webhook_post(
            url=endpoint.url, body=body, headers=headers, timeout=settings.WEBHOOKS_TIMEOUT
        )
    except (OSError, ValueError, http.client.HTTPException) as exc:
        # Connection refused, DNS, TLS, a timeout, a malformed answer: retried later.
        error = type(exc).__name__
    if code is not None and 200 <= code < 300:
        WebhookDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.DELIVERED,
            attempts=attempts,
            delivered_at=timezone.now(),
            last_status_code=code,
            last_error="",
            updated_at=now,
        )
        log.info("Webhook delivery %d to endpoint %d: %d.", delivery_id, endpoint.pk, code)
        return DeliveryStatus.DELIVERED
    delays = settings.WEBHOOKS_RETRY_DELAYS
    problem = f"HTTP {code}" if code is not None else error
    if attempts > len(delays):
        status = DeliveryStatus.FAILED
        due_at = delivery.due_at
    else:
        status = DeliveryStatus.PENDING
        due_at = now + dt.timedelta(seconds=delays[attempts - 1])
    WebhookDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING).update(
        status=status,
        attempts=attempts,
        due_at=due_at,
        claimed_at=None,
        last_status_code=code,
        last_error=problem[:200],
        updated_at=now,
    )
    log.warning(
        "Webhook delivery %d to endpoint %d failed (%s), attempt %d: %s.",
        delivery_id,
        endpoint.pk,
        problem,
        attempts,
        "retrying later" if status == DeliveryStatus.PENDING else "gave up",
    )
    return status


def webhook_deliveries_retry(*, ids: list[int]) -> int:
    """A manager's "send again" for failed deliveries: back to pending, due now, with a
    fresh set of attempts; the same Webhook-Id, so a receiver that got it drops it."""
    now = timezone.now()
    count = WebhookDelivery.objects.filter(pk__in=ids, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.PENDING, attempts=0, due_at=now, claimed_at=None, updated_at=now
    )
    if count:
        transaction.on_commit(_kick_dispatcher)
    return count
