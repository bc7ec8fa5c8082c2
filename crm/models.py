"""The people: patients, clinics, procedures, and every logged interaction with a patient."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "%(value)s is not an IANA timezone (e.g. Europe/Berlin).", params={"value": value}
        ) from None


def validate_country(value: str) -> None:
    if len(value) != 2 or not value.isalpha() or not value.isupper():
        raise ValidationError("Use the two-letter ISO country code, e.g. DE.")


class PatientSource(models.TextChoices):
    WEBSITE = "website", "Website"
    REFERRAL = "referral", "Referral"
    AGENT = "agent", "Agent"
    SOCIAL = "social", "Social media"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    OTHER = "other", "Other"


class Patient(models.Model):
    full_name = models.CharField(max_length=200)
    # Stored lower-cased by the services; the functional unique index below also stops
    # two rows differing only in case if something writes around them.
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=40, blank=True)
    country = models.CharField(max_length=2, validators=[validate_country])
    preferred_language = models.CharField(
        max_length=8, choices=settings.PATIENT_LANGUAGES, default="en"
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    source = models.CharField(
        max_length=16, choices=PatientSource.choices, default=PatientSource.WEBSITE
    )
    referred_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    notes = models.TextField(blank=True)
    # Written by followups.services only: a marketing opt-out (care messages still go out),
    # and an address the ESP reported as hard-bounced or complained (nothing automated goes).
    marketing_opt_out_at = models.DateTimeField(null=True, blank=True)
    email_undeliverable_at = models.DateTimeField(null=True, blank=True)
    email_undeliverable_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="patient_email_ci_unique",
                violation_error_message="A patient with this email address already exists.",
            ),
        ]
        indexes = [
            models.Index(fields=["full_name"]),
            models.Index(fields=["phone"]),
        ]
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name


class Clinic(models.Model):
    name = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    country = models.CharField(max_length=2, validators=[validate_country])
    timezone = models.CharField(max_length=64, validators=[validate_timezone])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "city"], name="clinic_name_city_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"


class Procedure(models.Model):
    name = models.CharField(max_length=200)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="procedures")
    typical_stay_days = models.PositiveSmallIntegerField(default=1)
    recovery_days = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="procedure_clinic_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} at {self.clinic.name}"


class InteractionKind(models.TextChoices):
    CALL = "call", "Call"
    EMAIL = "email", "Email"
    WHATSAPP = "whatsapp", "WhatsApp"
    MEETING = "meeting", "Meeting"
    NOTE = "note", "Note"


class InteractionDirection(models.TextChoices):
    INBOUND = "in", "From the patient"
    OUTBOUND = "out", "To the patient"
    INTERNAL = "internal", "Internal"


class Interaction(models.Model):
    journey = models.ForeignKey(
        "journeys.Journey", on_delete=models.CASCADE, related_name="interactions"
    )
    kind = models.CharField(max_length=16, choices=InteractionKind.choices)
    direction = models.CharField(
        max_length=16, choices=InteractionDirection.choices, default=InteractionDirection.OUTBOUND
    )
    summary = models.TextField()
    minutes_spent = models.PositiveIntegerField(default=0)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["journey", "-occurred_at"]),
            # "Heard from the patient lately?" (the dashboard's quiet booked patients): the
            # recent inbound rows only, so the check never scans every interaction.
            models.Index(
                fields=["occurred_at"],
                condition=models.Q(direction="in"),
                name="interaction_inbound_recent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_at:%Y-%m-%d}"
