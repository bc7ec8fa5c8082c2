"""Integrations: API keys, webhook endpoints and the outgoing webhook deliveries.

An API key acts as a named user (its `user`): every request it makes sees what that user
may see (journeys_visible_to). Only a hash of the key is stored; the key itself is shown
once, when it is made. Deliveries are rows claimed by a beat task (api/webhooks.py), like
the follow-up emails: a retry waits in `due_at`, never in the broker.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Scope(models.TextChoices):
    READ = "read", "Read only"
    READ_WRITE = "read_write", "Read and write"


class ApiKey(models.Model):
    name = models.CharField(max_length=100, help_text="The integration, e.g. 'Website CMS'.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_keys",
        help_text="The key acts as this person: it sees and may do what they may.",
    )
    scope = models.CharField(max_length=16, choices=Scope.choices, default=Scope.READ)
    # The first characters of the key, shown in lists so a person can tell keys apart.
    prefix = models.CharField(max_length=16, editable=False)
    # sha256 of the whole key: keys are 256 random bits, so a fast hash is enough (no
    # dictionary to guess from) and a lookup by hash is one index probe per request.
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == Scope.READ_WRITE


class WebhookEvent(models.TextChoices):
    JOURNEY_CREATED = "journey.created", "Journey created"
    STAGE_CHANGED = "journey.stage_changed", "Stage or outcome changed"
    PATIENT_REPLIED = "patient.replied", "Patient replied"


def _all_events() -> list[str]:
    return list(WebhookEvent.values)


class WebhookEndpoint(models.Model):
    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500, help_text="Receives a signed POST per event.")
    # The shared secret the receiver checks the signature with. It has to be readable to
    # sign, so it is stored as is; rotate it by editing the endpoint.
    secret = models.CharField(max_length=128)
    events = models.JSONField(default=_all_events, help_text="Event names to send.")
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    QUEUED = "queued", "Claimed, send task queued"
    SENDING = "sending", "Sending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed (gave up)"


class WebhookDelivery(models.Model):
    """One event for one endpoint. The payload holds ids and stages, never names or
    message text: the receiver reads details through the API with its key."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    # Sent as Webhook-Id: the same delivery retried keeps it, so receivers drop duplicates.
    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField()
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    # What went wrong, in one line: a status code or an exception's type, never a body.
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [
            # The dispatcher's claim: only rows still to send are in this index.
            models.Index(
                fields=["due_at"], condition=Q(status="pending"), name="webhook_delivery_due"
            ),
            models.Index(
                fields=["claimed_at"],
                condition=Q(status__in=["queued", "sending"]),
                name="webhook_delivery_claimed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk} to {self.endpoint_id}"
