"""The service around the trip: the patient's own page, comfort check-ins, escalations and
after-care plans.

Rows here are written only by care.services. A check-in, an escalation step and an
after-care confirmation each also write a JourneyEvent (kind "note" with data["care"]),
so the coordinator's timeline shows them beside every other event.
"""

from __future__ import annotations

from decimal import Decimal

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


# --- Quotes and final bills (issue 14) --------------------------------------------------
# A quote is versioned: revising it writes a new Quote row and marks the earlier ones
# superseded, so what the patient was shown (and when) is never rewritten. The final bill
# at arrival is compared line by line with the quote it answers; care.quotes holds the
# services, the variance arithmetic and the transition guard.


class LineKind(models.TextChoices):
    PROCEDURE = "procedure", "Procedure"
    EXTRA = "extra", "Extra per unit (grafts, implants…)"
    ANAESTHESIA = "anaesthesia", "Anaesthesia"
    TESTS = "tests", "Tests"
    HOTEL = "hotel", "Hotel nights"
    TRANSFER = "transfer", "Transfers"
    COMPANION = "companion", "Companion"
    OTHER = "other", "Other"


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    ACCEPTED = "accepted", "Accepted"
    SUPERSEDED = "superseded", "Superseded"


class Quote(models.Model):
    """One version of a journey's quote. Amounts are in `currency` (the clinic's); the
    patient's currency is shown beside them at `rate` (1 `currency` = `rate`
    `patient_currency`), stored with the quote so a later rate change never alters what
    the patient accepted."""

    journey = models.ForeignKey("journeys.Journey", on_delete=models.CASCADE, related_name="quotes")
    version = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT)
    currency = models.CharField(max_length=3)
    patient_currency = models.CharField(max_length=3, blank=True)
    rate = models.DecimalField(max_digits=14, decimal_places=6, null=True, blank=True)
    valid_until = models.DateField()
    included = models.TextField(blank=True, help_text="What the price includes.")
    not_included = models.TextField(blank=True, help_text="What it does not include.")
    # The sum of the lines, written with them (lines never change after creation).
    total = models.DecimalField(max_digits=12, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["journey", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["journey", "version"], name="care_quote_version"),
            # At most one accepted version per journey: a revision supersedes it.
            models.UniqueConstraint(
                fields=["journey"], condition=Q(status="accepted"), name="care_quote_one_accepted"
            ),
        ]
        indexes = [
            # Reports: quotes sent in a period.
            models.Index(
                fields=["sent_at"], condition=Q(sent_at__isnull=False), name="care_quote_sent"
            ),
        ]

    def __str__(self) -> str:
        return f"Quote v{self.version} of journey #{self.journey_id}"


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=LineKind.choices)
    description = models.CharField(max_length=200)
    quantity = models.DecimalField(max_digits=10, decimal_places=2)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["quote", "position"]

    def __str__(self) -> str:
        return f"{self.description} x {self.quantity}"


class Bill(models.Model):
    """The clinic's final treatment plan and bill, recorded at arrival against the quote
    the patient accepted. Recording it again replaces its lines (the event timeline keeps
    each recording's totals). When the total is above the quote by more than the
    threshold, the move to procedure waits for the patient's acknowledgment on their page
    or a manager's override (care.quotes.on_journey_moved)."""

    journey = models.OneToOneField(
        "journeys.Journey", on_delete=models.CASCADE, related_name="bill"
    )
    quote = models.ForeignKey(Quote, on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    quote_total = models.DecimalField(max_digits=12, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    variance = models.DecimalField(max_digits=12, decimal_places=2)
    # Above the threshold when recorded: the patient must acknowledge (or a manager override).
    needs_ack = models.BooleanField(default=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    overridden_at = models.DateTimeField(null=True, blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    override_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["recorded_at"], name="care_bill_recorded")]

    def __str__(self) -> str:
        return f"Final bill of journey #{self.journey_id}"

    @property
    def blocks_procedure(self) -> bool:
        return self.needs_ack and self.acknowledged_at is None and self.overridden_at is None


class BillLine(models.Model):
    """One line of the final bill. `quote_line` is the quoted line it answers (None: a
    line the quote did not have); `quoted_amount` copies that line's amount so the
    variance stays readable whatever happens to the quote later."""

    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="lines")
    quote_line = models.ForeignKey(
        QuoteLine, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=LineKind.choices)
    description = models.CharField(max_length=200)
    quantity = models.DecimalField(max_digits=10, decimal_places=2)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    quoted_amount = models.DecimalField(max_digits=12, decimal_places=2)
    reason = models.TextField(blank=True, help_text="Why this line differs from the quote.")

    class Meta:
        ordering = ["bill", "position"]

    def __str__(self) -> str:
        return f"{self.description} x {self.quantity}"

    @property
    def variance(self) -> Decimal:
        return self.amount - self.quoted_amount

    @property
    def changed(self) -> bool:
        return self.amount != self.quoted_amount


# --- Travel checklist -------------------------------------------------------------------


class TravelKind(models.TextChoices):
    FLIGHT_OUT = "flight_out", "Outbound flight"
    FLIGHT_BACK = "flight_back", "Return flight"
    HOTEL = "hotel", "Hotel"
    TRANSFER = "transfer", "Airport transfer"
    PASSPORT = "passport", "Passport valid for the trip"
    VISA = "visa", "Visa"
    COMPANION = "companion", "Companion"
    MEDICAL_DOCS = "medical_docs", "Medical documents"
    DEPOSIT = "deposit", "Deposit paid"


class TravelStatus(models.TextChoices):
    NOT_NEEDED = "not_needed", "Not needed"
    TODO = "todo", "To do"
    ASKED = "asked", "Asked"
    GIVEN = "given", "Given by the patient"
    CONFIRMED = "confirmed", "Confirmed by us"


class TravelDefault(models.Model):
    """Which travel items a trip needs, set by managers in the admin. The row for the
    journey's procedure wins, then the clinic's row, then the built-in defaults
    (care.travel.services.BUILT_IN). A ticked box: the item is on the checklist ("to do")."""

    clinic = models.ForeignKey(
        "crm.Clinic", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    procedure = models.OneToOneField(
        "crm.Procedure", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    flight_out = models.BooleanField("Outbound flight", default=True)
    flight_back = models.BooleanField("Return flight", default=True)
    hotel = models.BooleanField(default=True)
    transfer = models.BooleanField("Airport transfer", default=True)
    passport = models.BooleanField(default=True)
    visa = models.BooleanField(default=False, help_text="Every patient of this clinic.")
    visa_countries = models.CharField(
        max_length=300,
        blank=True,
        help_text="Patients from these countries need a visa (ISO codes, e.g. IN, NG, PK).",
    )
    companion = models.BooleanField(default=False)
    medical_docs = models.BooleanField("Medical documents", default=True)
    deposit = models.BooleanField("Deposit", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic"], condition=Q(procedure__isnull=True), name="care_travel_clinic"
            ),
            models.CheckConstraint(
                condition=Q(clinic__isnull=False) | Q(procedure__isnull=False),
                name="care_travel_default_scope",
            ),
        ]

    def __str__(self) -> str:
        if self.procedure_id:
            return f"Travel items for {self.procedure}"
        return f"Travel items for {self.clinic}"


class TravelChecklist(models.Model):
    """Per journey: what is still open, kept by care.travel.services whenever an item
    changes, so My day and the board read one joined row instead of nine."""

    journey = models.OneToOneField(
        "journeys.Journey", on_delete=models.CASCADE, primary_key=True, related_name="travel"
    )
    # Items needed and not yet confirmed by us (to do, asked, given by the patient).
    open_count = models.PositiveSmallIntegerField(default=0)
    # [[kind, status], ...] of those items, in checklist order.
    open_items = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Travel checklist of journey #{self.journey_id}"


class TravelItem(models.Model):
    """One item of a journey's trip. The columns hold what each kind needs
    (care.travel.services.FIELDS): a flight's number, date, time and airport (`place`), a
    hotel's name, dates and confirmation (`reference`), a transfer's pick-up time and place,
    a passport's or visa's expiry (`end_date`), a companion's name, the medical documents
    received. Who changed it and when is here and, for the history, in JourneyEvents."""

    journey = models.ForeignKey(
        "journeys.Journey", on_delete=models.CASCADE, related_name="travel_items"
    )
    kind = models.CharField(max_length=16, choices=TravelKind.choices)
    status = models.CharField(
        max_length=16, choices=TravelStatus.choices, default=TravelStatus.TODO
    )
    number = models.CharField(max_length=12, blank=True)
    date = models.DateField(null=True, blank=True)
    time = models.TimeField(null=True, blank=True)
    place = models.CharField(max_length=120, blank=True)
    name = models.CharField(max_length=120, blank=True)
    end_date = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=60, blank=True)
    documents = models.CharField(max_length=60, blank=True)  # "xray,photos,blood"
    note = models.CharField(max_length=300, blank=True)
    changed_at = models.DateTimeField()
    # None with by_patient False: the system (checklist set up from the defaults).
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_patient = models.BooleanField(default=False)

    class Meta:
        ordering = ["journey", "id"]
        constraints = [
            models.UniqueConstraint(fields=["journey", "kind"], name="care_travel_item_once"),
        ]
        indexes = [
            # The driver sheet: outbound flights landing on a day.
            models.Index(
                fields=["date"], condition=Q(kind="flight_out"), name="care_travel_landing"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of journey #{self.journey_id}"


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
