"""Public intake and automatic assignment: who takes new inquiries (rules as data), the
sites that embed the inquiry form, and what each form submission said.

Nothing here assigns or creates: intake.assignment and intake.services do.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models


class CoordinatorRule(models.Model):
    """Who takes new inquiries automatically, and which ones: one row per coordinator,
    edited by managers in the admin (the coordinator edits only `away_until`, on their
    settings page). A coordinator without a row (or with `active` off) is never picked."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignment_rule"
    )
    active = models.BooleanField(
        default=True, help_text="Takes new inquiries automatically. Off: only by hand."
    )
    # Language codes (settings.PATIENT_LANGUAGES) the coordinator answers patients in.
    languages = models.JSONField(
        default=list,
        blank=True,
        help_text='Language codes they speak with patients, e.g. ["en", "es"].',
    )
    procedures = models.ManyToManyField(
        "crm.Procedure",
        blank=True,
        related_name="+",
        help_text="Handles these procedures. With no procedure and no clinic: handles all.",
    )
    clinics = models.ManyToManyField(
        "crm.Clinic",
        blank=True,
        related_name="+",
        help_text="Handles every procedure at these clinics.",
    )
    capacity = models.PositiveSmallIntegerField(
        default=100,
        validators=[MinValueValidator(1)],
        help_text="Relative share of the work: open journeys are divided by it before "
        "comparing (200 takes twice the load of 100).",
    )
    # The coordinator's own "away until" (inclusive): nothing new goes to them until then.
    away_until = models.DateField(null=True, blank=True)
    # Round-robin among equals: the one assigned longest ago goes first.
    last_assigned_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__username"]
        verbose_name = "assignment rule"

    def __str__(self) -> str:
        return f"Assignment rule for {self.user}"


class IntakeSite(models.Model):
    """A website or portal that sends inquiries: its form at /inquire/<slug>/, the origins
    allowed to embed it in an iframe, and the key its server uses for the JSON endpoint
    (stored hashed; shown once when made: `manage.py intake_site_key <slug>`)."""

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    clinic = models.ForeignKey(
        "crm.Clinic",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Offer only this clinic's procedures on its form. Empty: every procedure.",
    )
    embed_origins = models.TextField(
        blank=True,
        help_text="Origins allowed to embed the form (frame-ancestors), one per line, e.g. "
        "https://www.clinic.example. Added to INTAKE_FRAME_ANCESTORS.",
    )
    key_hash = models.CharField(max_length=64, blank=True, editable=False)
    key_prefix = models.CharField(max_length=12, blank=True, editable=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class SubmissionStatus(models.TextChoices):
    CREATED = "created", "New inquiry"
    JOINED = "joined", "Joined an existing inquiry"
    HELD = "held", "Held: looked automated"
    SPAM = "spam", "Spam (honeypot)"
    ACCEPTED = "accepted", "Accepted by a manager"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone call"
    WHATSAPP = "whatsapp", "WhatsApp"


class IntakeSubmission(models.Model):
    """One inquiry form (or JSON) submission, as the visitor sent it: the record of their
    consent, where they came from, and what became of it. The patient and journey rows
    are made from it by intake.services; the message and files go on the journey as an
    inbound message (followups), where the coordinator sees them."""

    site = models.ForeignKey(
        IntakeSite, null=True, blank=True, on_delete=models.SET_NULL, related_name="submissions"
    )
    via = models.CharField(max_length=8, default="form")  # form | json
    status = models.CharField(max_length=10, choices=SubmissionStatus.choices)
    status_reason = models.CharField(max_length=200, blank=True)
    patient = models.ForeignKey(
        "crm.Patient", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    journey = models.ForeignKey(
        "journeys.Journey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What was typed (kept for held submissions until a manager accepts or deletes them,
    # and for the record; erasure blanks them with the patient's data).
    full_name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254, db_index=True)
    phone = models.CharField(max_length=40, blank=True)
    country = models.CharField(max_length=2, blank=True)
    language = models.CharField(max_length=8)
    procedure = models.ForeignKey(
        "crm.Procedure", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(blank=True)
    preferred_channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    preferred_time = models.CharField(max_length=100, blank=True)
    # Consent, each with the version of the text the visitor saw and when they gave it.
    consent_care = models.BooleanField(default=False)
    consent_marketing = models.BooleanField(default=False)
    consent_version = models.CharField(max_length=40)
    consent_at = models.DateTimeField()
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)
    # The raw referral code from feedback/'s referral links: attribution is feedback's job
    # (see intake.services.REFERRAL_ATTRIBUTION).
    referral_code = models.CharField(max_length=64, blank=True)
    # Held submissions keep their files here (name, content type, storage path) until a
    # manager accepts them; accepted ones have them on the journey's message.
    held_files = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"Submission #{self.pk} ({self.get_status_display()})"
