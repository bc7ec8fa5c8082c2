"""The service around the trip: the patient's own page, comfort check-ins, escalations and
after-care plans.

Rows here are written only by care.services. A check-in, an escalation step and an
after-care confirmation each also write a JourneyEvent (kind "note" with data["care"]),
so the coordinator's timeline shows them beside every other event.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class CareAccess(models.Model):
    """Per journey: the version its page links are signed with. Revoking the links bumps
    it, so every link issued before stops working at once (a forwarded email, a lost phone)."""

    journey = models.OneToOneField(
        "journeys.Journey", on_delete=models.CASCADE, primary_key=True, related_name="care_access"
    )
    version = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Page links of journey #{self.journey_id} (v{self.version})"


class Answer(models.TextChoices):
    FINE = "fine", "I'm fine"
    QUESTION = "question", "I have a question"
    HELP = "help", "I need help now"


class CheckIn(models.Model):
    """One answer the patient recorded on their page (never from a GET)."""

    journey = models.ForeignKey("journeys.Journey", on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=16, choices=Answer.choices)
    pain = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    note = models.TextField(blank=True)
    # The form's one-time key: the same tap sent twice (a double tap, a resubmitted form,
    # a retry on a bad connection) finds this row instead of recording a second answer.
    nonce = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["journey", "nonce"], name="care_checkin_once"),
        ]
        indexes = [models.Index(fields=["journey", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_answer_display()} on journey #{self.journey_id}"


class EscalationSource(models.TextChoices):
    CHECKIN = "checkin", "Check-in on the patient's page"
    PAIN = "pain", "Pain score"
    STEP = "step", "Problem with an after-care step"
    EMAIL = "email", "Email reply"


class Escalation(models.Model):
    """The patient needs help now. Open until resolved; at most one open per journey (a
    second "help" while one is open joins it)."""

    journey = models.ForeignKey(
        "journeys.Journey", on_delete=models.CASCADE, related_name="escalations"
    )
    source = models.CharField(max_length=16, choices=EscalationSource.choices)
    # The coordinator and clinic when it opened: reports group by who had to answer.
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    clinic = models.ForeignKey("crm.Clinic", on_delete=models.PROTECT, related_name="+")
    pain = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True, help_text="What the patient wrote.")
    checkin = models.ForeignKey(
        CheckIn, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField()
    # When managers are told if nobody acknowledged it.
    deadline_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["journey"], condition=Q(resolved_at__isnull=True), name="care_one_open"
            ),
        ]
        indexes = [
            # My day: the open ones, oldest first. Partial: resolved ones pile up.
            models.Index(
                fields=["opened_at"], condition=Q(resolved_at__isnull=True), name="care_open"
            ),
            models.Index(fields=["opened_at", "clinic"], name="care_escalation_report"),
        ]

    def __str__(self) -> str:
        return f"Escalation #{self.pk} on journey #{self.journey_id}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class NoticeKind(models.TextChoices):
    COORDINATOR = "coordinator", "To the coordinator"
    MANAGER = "manager", "To a manager (deadline passed)"


class NoticeStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    CLAIMED = "claimed", "Claimed"
    SENT = "sent", "Sent"
    CANCELLED = "cancelled", "Cancelled"
    FAILED = "failed", "Failed"


class EscalationNotice(models.Model):
    """One email about an escalation to one member of staff, due at `due_at`. Like the
    follow-ups schedule, the delay lives here and care's beat entry claims due rows; no
    Celery ETA. Acknowledging cancels the managers' pending notices."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=16, choices=NoticeKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["escalation", "kind", "recipient"], name="care_notice_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(status="pending"), name="care_notice_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} about escalation #{self.escalation_id}"


# --- After-care plans -------------------------------------------------------------------


class StepAnchor(models.TextChoices):
    PROCEDURE = "procedure", "Procedure date"
    DEPARTURE = "departure", "Departure date"


class AfterCarePlan(models.Model):
    """The after-care plan of a procedure. A plan tied to one Procedure row wins; otherwise
    the plan whose `procedure_name` matches the journey's procedure name (so one plan
    serves "Dental implants" at every clinic)."""

    name = models.CharField(max_length=120)
    procedure = models.ForeignKey(
        "crm.Procedure", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    procedure_name = models.CharField(
        max_length=120, blank=True, help_text="Used for every clinic's procedure of this name."
    )
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["procedure_name", "name"]

    def __str__(self) -> str:
        return self.name


class AfterCareStep(models.Model):
    """One step: "day 3 after the procedure: first hair wash as shown". Instructions per
    offered language (English is the fallback for the others)."""

    plan = models.ForeignKey(AfterCarePlan, on_delete=models.CASCADE, related_name="steps")
    anchor = models.CharField(
        max_length=16, choices=StepAnchor.choices, default=StepAnchor.PROCEDURE
    )
    day_offset = models.IntegerField(help_text="Days after the anchor date (negative: before).")
    must_confirm = models.BooleanField(
        default=True, help_text="The patient is asked to press Done (or report a problem)."
    )
    title_en = models.CharField(max_length=200)
    text_en = models.TextField()
    title_es = models.CharField(max_length=200, blank=True)
    text_es = models.TextField(blank=True)
    title_de = models.CharField(max_length=200, blank=True)
    text_de = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "anchor", "day_offset", "id"]

    def __str__(self) -> str:
        return f"{self.plan}: day {self.day_offset} ({self.anchor}) {self.title_en}"

    def title(self, language: str) -> str:
        return getattr(self, f"title_{language}", "") or self.title_en

    def text(self, language: str) -> str:
        return getattr(self, f"text_{language}", "") or self.text_en


class StepStatus(models.TextChoices):
    OPEN = "open", "To do"
    DONE = "done", "Done"
    PROBLEM = "problem", "Problem reported"


class EmailStatus(models.TextChoices):
    NONE = "", "Not emailed"
    PENDING = "pending", "Pending"
    CLAIMED = "claimed", "Claimed"
    SENT = "sent", "Sent"
    CANCELLED = "cancelled", "Cancelled"
    FAILED = "failed", "Failed"


class JourneyStep(models.Model):
    """A plan step instantiated for one journey, with its date and the patient's answer.
    Its email is planned here too (`email_due_at`, in the patient's send window) and sent
    by care's beat entry, which claims due rows like the follow-ups dispatcher."""

    journey = models.ForeignKey(
        "journeys.Journey", on_delete=models.CASCADE, related_name="care_steps"
    )
    step = models.ForeignKey(AfterCareStep, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    must_confirm = models.BooleanField(default=True)
    status = models.CharField(max_length=16, choices=StepStatus.choices, default=StepStatus.OPEN)
    answered_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(max_length=16, choices=EmailStatus.choices, blank=True)
    email_due_at = models.DateTimeField(null=True, blank=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["journey", "step"], name="care_step_once"),
        ]
        indexes = [
            models.Index(
                fields=["email_due_at"],
                condition=Q(email_status="pending"),
                name="care_step_email_pending",
            ),
            # My day: must-confirm steps still open, by due date.
            models.Index(
                fields=["due_on"],
                condition=Q(status="open", must_confirm=True),
                name="care_step_open_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step.title_en} for journey #{self.journey_id} on {self.due_on}"


# --- Booked-risk flags (care/risk/) -------------------------------------------------------


class RiskLevel(models.IntegerChoices):
    # Integers, so "watch or worse" is one range and a list sorts by it.
    LOW = 0, "Low"
    WATCH = 1, "Watch"
    HIGH = 2, "High"


class JourneyRisk(models.Model):
    """The current risk of an active booked journey ("booked is not booked"), written only
    by care.risk.services. One row per booked journey and none for the others: the row is
    the cache the lists sort by, deleted when the journey leaves booked (its history is in
    RiskSnapshot and the handled reasons' events). `reasons` holds the open (not handled)
    reasons, most points first: [{"code", "points", "detail", "since"}]."""

    journey = models.OneToOneField(
        "journeys.Journey", on_delete=models.CASCADE, primary_key=True, related_name="risk"
    )
    level = models.PositiveSmallIntegerField(choices=RiskLevel.choices, default=RiskLevel.LOW)
    score = models.PositiveSmallIntegerField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    # When level, score or reasons last changed: a recompute that finds the same answer
    # writes nothing (the nightly run touches only what moved).
    changed_at = models.DateTimeField()

    class Meta:
        indexes = [
            # My day and the board's booked column, riskiest first (the row exists only
            # for active booked journeys, so walking this index needs no other filter).
            models.Index(fields=["-score", "journey"], name="care_risk_order"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} risk on journey #{self.journey_id}"

    @property
    def level_name(self) -> str:
        """ "low", "watch" or "high": the CSS class of its badge."""
        return RiskLevel(self.level).label.lower()


class RiskHandled(models.Model):
    """A coordinator marked one reason of a journey as handled ("called her about the
    price"). The reason stays quiet until new evidence comes after `handled_at` (a new
    message with the same words, a new bounce), or, for reasons that only grow with time
    (nothing heard), for the reason's renewal period. The JourneyEvent written beside it is
    the audit trail and holds the coordinator's note (events are what erasure anonymises);
    this row is what the recompute reads, without free text."""

    journey = models.ForeignKey("journeys.Journey", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=40)
    handled_at = models.DateTimeField()
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["journey", "code"], name="care_risk_handled_once"),
        ]

    def __str__(self) -> str:
        return f"{self.code} handled on journey #{self.journey_id}"


class RiskMoment(models.TextChoices):
    BOOKING = "booking", "At booking"
    T14 = "t14", "14 days before arrival"


class RiskSnapshot(models.Model):
    """The risk as it was at a moment (entering booked; 14 days before the planned
    arrival), kept whatever happens next: the show-rate report compares these with how the
    journey ended, so a manager can see whether the score predicts no-shows."""

    journey = models.ForeignKey("journeys.Journey", on_delete=models.CASCADE, related_name="+")
    moment = models.CharField(max_length=8, choices=RiskMoment.choices)
    level = models.PositiveSmallIntegerField(choices=RiskLevel.choices)
    score = models.PositiveSmallIntegerField()
    codes = models.JSONField(default=list, blank=True)
    taken_at = models.DateTimeField()

    class Meta:
        constraints = [
            # The first one counts: a journey booked again after a step back keeps its
            # first booking's snapshot (the report asks "what did we know then").
            models.UniqueConstraint(fields=["journey", "moment"], name="care_risk_snapshot_once"),
        ]
        indexes = [models.Index(fields=["moment", "taken_at"], name="care_risk_snapshot_when")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.moment} on journey #{self.journey_id}"


class RiskPhraseCategory(models.TextChoices):
    PRICE = "price", "Price objection"
    COMPETITOR = "competitor", "Competitor offer"
    POSTPONE = "postpone", "Postponement"
    DOUBT = "doubt", "Doubt or fear"


class RiskPhrase(models.Model):
    """A word or phrase that, in what a booked patient writes, flags a risk. Data, not
    code: managers add a language's phrasing or a new competitor's name in the admin, and
    the next recompute uses it. Seeded with en/es/de by migration (care/risk/phrases.py)."""

    category = models.CharField(max_length=16, choices=RiskPhraseCategory.choices)
    language = models.CharField(max_length=8, help_text="en, es, de… (for finding them).")
    phrase = models.CharField(
        max_length=100,
        help_text="Matched as whole words, ignoring case and accents ('cheaper' does not "
        "match 'cheaperly'; end a phrase with * to match any ending: 'barat*').",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "language", "phrase"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "language", "phrase"], name="care_risk_phrase_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.phrase} ({self.category}, {self.language})"
