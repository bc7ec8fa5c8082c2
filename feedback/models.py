"""Satisfaction surveys and what follows them: testimonials with consent, review clicks,
referral codes and their attribution, and service-recovery cases for unhappy patients.

Rows here are written only by feedback.services. Every patient action also writes a
JourneyEvent (kind "note", data["feedback"] names the action) so the coordinator's timeline
shows it beside every other event.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

_STARS = [MinValueValidator(1), MaxValueValidator(5)]


class Route(models.TextChoices):
    """Where an answer sends the patient (feedback.services.route_for)."""

    HAPPY = "happy", "Happy: testimonial, review and referral asks"
    FOUR = "four", "Four stars: what would have made it five?"
    RECOVERY = "recovery", "Unhappy: service recovery"


class SurveyAnswer(models.Model):
    """The one answer per journey. The patient may change it for FEEDBACK_CHANGE_DAYS after
    the first answer; the route is decided on each save (a case opened stays open)."""

    journey = models.OneToOneField(
        "journeys.Journey", on_delete=models.CASCADE, primary_key=True, related_name="survey"
    )
    stars = models.PositiveSmallIntegerField(validators=_STARS)
    nps = models.PositiveSmallIntegerField(validators=[MaxValueValidator(10)])
    coordinator_rating = models.PositiveSmallIntegerField(validators=_STARS)
    clinic_rating = models.PositiveSmallIntegerField(validators=_STARS)
    logistics_rating = models.PositiveSmallIntegerField(validators=_STARS)
    went_well = models.TextField(blank=True)
    do_better = models.TextField(blank=True)
    language = models.CharField(max_length=8, default="en")
    route = models.CharField(max_length=16, choices=Route.choices)
    answered_at = models.DateTimeField()
    changed_at = models.DateTimeField()
    # A recovered patient's second rating (asked once, after a case resolved as satisfied).
    rerated_stars = models.PositiveSmallIntegerField(null=True, blank=True, validators=_STARS)
    rerated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-answered_at"]
        constraints = [
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="survey_stars"),
            models.CheckConstraint(condition=Q(nps__lte=10), name="survey_nps"),
        ]
        indexes = [models.Index(fields=["answered_at"])]

    def __str__(self) -> str:
        return f"{self.stars}★ on journey #{self.journey_id}"


class PublishAs(models.TextChoices):
    FULL_NAME = "full_name", "Full name"
    FIRST_NAME_COUNTRY = "first_country", "First name and country"
    ANONYMOUS = "anonymous", "Anonymously"


class TestimonialStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a manager"
    APPROVED = "approved", "Approved for publishing"
    REJECTED = "rejected", "Not published"


class Testimonial(models.Model):
    """A patient's words for the clinic's website, with the consent they gave: the exact
    consent text and its version are stored with the time. Withdrawn consent hides it at once
    (every list and export filters on withdrawn_at)."""

    journey = models.OneToOneField(
        "journeys.Journey", on_delete=models.CASCADE, primary_key=True, related_name="testimonial"
    )
    clinic = models.ForeignKey("crm.Clinic", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    publish_as = models.CharField(max_length=16, choices=PublishAs.choices)
    consent_text = models.TextField()
    consent_version = models.CharField(max_length=32)
    consented_at = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=TestimonialStatus.choices, default=TestimonialStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-consented_at"]
        indexes = [
            models.Index(fields=["status", "consented_at"]),
            models.Index(fields=["consented_at"]),
        ]

    def __str__(self) -> str:
        return f"Testimonial of journey #{self.journey_id}"


class ClinicFeedback(models.Model):
    """Per clinic: who owns its service-recovery cases (blank: every manager)."""

    clinic = models.OneToOneField(
        "crm.Clinic", on_delete=models.CASCADE, primary_key=True, related_name="feedback"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Gets the clinic's recovery cases. Blank: every manager.",
    )

    class Meta:
        verbose_name = "clinic feedback setting"

    def __str__(self) -> str:
        return f"Feedback settings of clinic #{self.clinic_id}"


class ReviewSite(models.Model):
    """A public review page of one clinic (its Google or Trustpilot page), offered to happy
    patients on the thank-you page."""

    clinic = models.ForeignKey("crm.Clinic", on_delete=models.CASCADE, related_name="review_sites")
    name = models.CharField(max_length=60, help_text="e.g. Google, Trustpilot")
    url = models.URLField(max_length=500)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["clinic", "position", "name"]

    def __str__(self) -> str:
        return f"{self.name} for clinic #{self.clinic_id}"


class ReviewClick(models.Model):
    """A patient pressed a review button on their page (a POST; a GET never records)."""

    journey = models.ForeignKey("journeys.Journey", on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(ReviewSite, on_delete=models.SET_NULL, null=True, related_name="+")
    # The site's clinic when clicked, so the report counts by clinic without the journeys.
    clinic = models.ForeignKey("crm.Clinic", on_delete=models.PROTECT, null=True, related_name="+")
    site_name = models.CharField(max_length=60)
    clicked_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["clicked_at"])]

    def __str__(self) -> str:
        return f"{self.site_name} click on journey #{self.journey_id}"


class ReferralCode(models.Model):
    """One short code per happy patient; a friend who gives it becomes an inquiry with
    `referred_by` set to this patient and source "referral"."""

    patient = models.OneToOneField(
        "crm.Patient", on_delete=models.CASCADE, primary_key=True, related_name="referral_code"
    )
    code = models.CharField(max_length=16, unique=True)
    journey = models.ForeignKey(
        "journeys.Journey", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.code


class ReferralChannel(models.TextChoices):
    STAFF = "staff", "Staff's new-inquiry form"
    EMAIL = "email", "Inbound email"
    INTAKE = "intake", "Public intake form"
    OTHER = "other", "Other"


class Referral(models.Model):
    """A friend's journey attributed to a referrer. `thanked_at`: the referrer's thank-you
    email went (once, when the friend booked)."""

    journey = models.OneToOneField(
        "journeys.Journey", on_delete=models.CASCADE, primary_key=True, related_name="referral"
    )
    referrer = models.ForeignKey("crm.Patient", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=16)
    channel = models.CharField(max_length=16, choices=ReferralChannel.choices)
    created_at = models.DateTimeField()
    thanked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["referrer", "created_at"])]

    def __str__(self) -> str:
        return f"Referral of journey #{self.journey_id}"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class CaseOutcome(models.TextChoices):
    SATISFIED = "satisfied", "Patient satisfied"
    PARTLY = "partly", "Partly satisfied"
    NOT_SATISFIED = "not_satisfied", "Not satisfied"
    UNREACHABLE = "unreachable", "Could not reach the patient"


class RecoveryCase(models.Model):
    """An unhappy answer, owned by the clinic's manager until resolved, with a deadline."""

    journey = models.OneToOneField(
        "journeys.Journey", on_delete=models.CASCADE, primary_key=True, related_name="recovery"
    )
    clinic = models.ForeignKey("crm.Clinic", on_delete=models.PROTECT, related_name="+")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    stars = models.PositiveSmallIntegerField()
    opened_at = models.DateTimeField()
    deadline_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=16, choices=CaseOutcome.choices, blank=True)
    # The manager's email: pending until the task sends it (claimed by a conditional UPDATE).
    notice_sent_at = models.DateTimeField(null=True, blank=True)
    rerate_asked_at = models.DateTimeField(null=True, blank=True)
    # When the patient gave the re-rating (a copy of SurveyAnswer.rerated_at, so the report
    # counts re-rated cases without joining the answers).
    rerated_at = models.DateTimeField(null=True, blank=True)
    # The deadline passed unresolved: one email to the manager(s). Its due time is
    # deadline_at; feedback's beat entry claims due rows (claimed_at, SKIP LOCKED) and the
    # send stamps late_notice_sent_at (never a Celery ETA: a restart would lose it).
    late_notice_claimed_at = models.DateTimeField(null=True, blank=True)
    late_notice_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["deadline_at"]
        indexes = [
            models.Index(fields=["deadline_at"], condition=Q(status="open"), name="recovery_open"),
            models.Index(
                fields=["deadline_at"],
                condition=Q(status="open", late_notice_sent_at__isnull=True),
                name="recovery_late_notice_due",
            ),
            models.Index(fields=["opened_at"]),
        ]

    def __str__(self) -> str:
        return f"Recovery case of journey #{self.journey_id}"


class ActionKind(models.TextChoices):
    CALL = "call", "Call logged"
    OFFER = "offer", "Offer made"
    NOTE = "note", "Note"


class RecoveryAction(models.Model):
    case = models.ForeignKey(RecoveryCase, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=16, choices=ActionKind.choices)
    text = models.TextField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on case #{self.case_id}"
