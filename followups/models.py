"""Automated messages: templates, cadence rules, the schedule, and every email sent.

The models hold data and small read-only helpers. Every write is in followups.services;
the timing arithmetic is in followups.scheduling (pure functions).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from journeys.models import Stage

# Monday=0 ... Sunday=6, as datetime.weekday() counts.
WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
ALL_WEEKDAYS = 0b1111111
MON_TO_FRI = 0b0011111


def weekdays_to_mask(days: list[int] | tuple[int, ...] | set[int]) -> int:
    mask = 0
    for day in days:
        if not 0 <= int(day) <= 6:
            raise ValueError(f"{day!r} is not a weekday number (0=Monday .. 6=Sunday).")
        mask |= 1 << int(day)
    return mask


def mask_to_weekdays(mask: int) -> list[int]:
    return [day for day in range(7) if mask & (1 << day)]


class Kind(models.TextChoices):
    # Care messages are part of the treatment and still go out after a marketing opt-out;
    # marketing messages carry List-Unsubscribe and stop at the opt-out.
    CARE = "care", "Care"
    MARKETING = "marketing", "Marketing"


class Anchor(models.TextChoices):
    STAGE_ENTRY = "stage_entry", "Stage entry"
    PLANNED_ARRIVAL = "planned_arrival", "Planned arrival"
    PLANNED_PROCEDURE = "planned_procedure", "Planned procedure"
    PLANNED_DEPARTURE = "planned_departure", "Planned departure"


class RepeatUntil(models.TextChoices):
    STAGE_EXIT = "", "While in the stage (max occurrences)"
    PLANNED_ARRIVAL = "planned_arrival", "Planned arrival"
    PLANNED_PROCEDURE = "planned_procedure", "Planned procedure"
    PLANNED_DEPARTURE = "planned_departure", "Planned departure"


class Unit(models.TextChoices):
    MINUTES = "minutes", "Minutes"
    HOURS = "hours", "Hours"
    DAYS = "days", "Days"


class MessageTemplate(models.Model):
    """One language variant of an email, in Django template syntax over the documented
    context (followups.context). Saved only after it rendered against a sample context."""

    key = models.SlugField(max_length=64)
    language = models.CharField(max_length=8, choices=settings.PATIENT_LANGUAGES, default="en")
    subject = models.CharField(max_length=300)
    text = models.TextField(help_text="Plain-text body.")
    html = models.TextField(help_text="HTML body (the layout adds the frame and footer).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key", "language"]
        constraints = [
            models.UniqueConstraint(fields=["key", "language"], name="template_key_language_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key} [{self.language}]"

    def clean(self) -> None:
        # Validation, not logic: the admin form and template_save both reach it, so a
        # template that does not render never reaches send time.
        from followups.templating import template_errors

        errors = template_errors(subject=self.subject, text=self.text, html=self.html)
        if errors:
            raise ValidationError(errors)


class CadenceRule(models.Model):
    """When to send which template, relative to a stage entry or a planned date."""

    key = models.SlugField(max_length=64, unique=True)
    template_key = models.SlugField(max_length=64)
    stage = models.CharField(
        max_length=16, choices=Stage.choices, help_text="Planned when the journey enters it."
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CARE)
    anchor = models.CharField(max_length=32, choices=Anchor.choices, default=Anchor.STAGE_ENTRY)
    offset_value = models.IntegerField(default=0, help_text="Negative: before the anchor.")
    offset_unit = models.CharField(max_length=8, choices=Unit.choices, default=Unit.DAYS)
    repeat_every = models.PositiveIntegerField(
        default=0, help_text="0: send once. Otherwise repeat every N units."
    )
    repeat_unit = models.CharField(max_length=8, choices=Unit.choices, default=Unit.DAYS)
    repeat_until = models.CharField(
        max_length=32,
        choices=RepeatUntil.choices,
        blank=True,
        default=RepeatUntil.STAGE_EXIT,
        help_text="Repeats stop before this date; while the date is unknown, or with "
        "'while in the stage', max occurrences bounds them.",
    )
    max_occurrences = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    send_any_time = models.BooleanField(
        default=False,
        help_text="Ignore the send window (for answers to something the patient just did).",
    )
    window_start = models.TimeField(default=dt.time(9, 0))
    window_end = models.TimeField(default=dt.time(18, 0))
    window_weekdays = models.PositiveSmallIntegerField(
        default=ALL_WEEKDAYS,
        validators=[MinValueValidator(1), MaxValueValidator(ALL_WEEKDAYS)],
        help_text="Bit mask of allowed weekdays in the patient's local time, bit 0 = Monday.",
    )
    stop_on_reply = models.BooleanField(
        default=False, help_text="Cancel when the patient replied after it was planned."
    )
    stop_on_stage_exit = models.BooleanField(default=True)
    stop_on_close = models.BooleanField(
        default=True, help_text="Cancel when the journey is lost, postponed or completed."
    )
    # After downtime (dispatcher or workers stopped) a message that is this late when it
    # is finally sent is skipped with the reason "missed while sending was stopped"
    # (a "how are you today?" two days late is noise), unless the patient still needs it.
    stale_after_hours = models.PositiveIntegerField(
        default=12,
        validators=[MinValueValidator(1)],
        help_text="Skip the message (marked 'missed while sending was stopped') when it "
        "would go out more than this many hours after its time.",
    )
    series = models.SlugField(
        max_length=64,
        blank=True,
        help_text="Rules with the same series name count as one series after downtime: of "
        "the messages due at once, only the latest goes (e.g. the pre-arrival emails, the "
        "nudges). A repeating rule is always a series of its own.",
    )
    send_late = models.BooleanField(
        default=False,
        help_text="The patient still needs it however late (a booking confirmation, "
        "practical information before the trip): send it once, late, instead of skipping.",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["stage", "anchor", "offset_value", "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_start__lt=models.F("window_end")),
                name="cadence_window_start_before_end",
            ),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def weekdays(self) -> list[int]:
        return mask_to_weekdays(self.window_weekdays)

    @property
    def repeats(self) -> bool:
        return self.repeat_every > 0

    def clean(self) -> None:
        if (
            self.window_start is not None
            and self.window_end is not None
            and self.window_start >= self.window_end
        ):
            raise ValidationError({"window_end": "The window must end after it starts."})
        if (
            self.repeat_every
            and self.repeat_until
            and self.repeat_until == self.anchor
            and self.offset_value >= 0
        ):
            raise ValidationError(
                {"repeat_until": "Repeats would start after the date they stop at."}
            )


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    # The dispatcher claimed it and enqueued a send task.
    CLAIMED = "claimed", "Claimed"
    # A send task owns it and is talking to the ESP right now. Past FOLLOWUPS_CLAIM_TIMEOUT
    # the worker is presumed dead and the row is "in doubt": the ESP may have accepted it.
    # It waits FOLLOWUPS_SEND_CONFIRM_WAIT more for the ESP's tracking events (which carry
    # the row id) before it may be sent again.
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    CANCELLED = "cancelled", "Cancelled"
    FAILED = "failed", "Failed"


class CancelReason(models.TextChoices):
    REPLIED = "replied", "Patient replied"
    LEFT_STAGE = "left_stage", "Journey left the stage"
    CLOSED = "closed", "Journey closed"
    OPTED_OUT = "opted_out", "Patient opted out"
    UNDELIVERABLE = "undeliverable", "Address undeliverable"
    RESCHEDULED = "rescheduled", "No longer in the plan"
    MANUAL = "manual", "Cancelled by staff"
    NO_TEMPLATE = "no_template", "No template"
    # Skipped at send time: a later message of the same series was due too (only the
    # latest goes), or it was later than its rule's stale_after_hours (see CadenceRule).
    MISSED = "missed", "Missed while sending was stopped"
    # Every other occurrence of a series dropped (messages_thin_series): the patient is
    # doing well. Never revived by re-planning within the same stay.
    LESS_OFTEN = "less_often", "Less often: the patient is doing well"
    # The patient answered the satisfaction survey (feedback/): its emails stop.
    ANSWERED = "answered", "Patient answered the survey"


# Cancellations that a new plan may undo: the message was never sent and the reason no
# longer holds once the journey (re-)enters the stage or its dates change.
REVIVABLE_REASONS = frozenset(
    {CancelReason.LEFT_STAGE, CancelReason.CLOSED, CancelReason.RESCHEDULED}
)


class ScheduledMessage(models.Model):
    """One planned email. Days-long delays live here as `due_at`, never in the broker."""

    journey = models.ForeignKey(
        "journeys.Journey", on_delete=models.CASCADE, related_name="scheduled_messages"
    )
    rule = models.ForeignKey(CadenceRule, on_delete=models.PROTECT, related_name="scheduled")
    # The n-th message of the rule's series for this journey; (journey, rule, occurrence)
    # is unique, so re-planning never duplicates and a sent occurrence is never re-sent.
    occurrence = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField()
    # The journey's stage_entered_at when this row was planned: tells one stay in a stage
    # from a later return to it.
    stage_entered_at = models.DateTimeField()
    # When it was (re-)planned: "the patient replied since it was planned" compares to this.
    planned_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.CharField(max_length=16, choices=CancelReason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["journey", "rule", "occurrence"], name="scheduled_journey_rule_occurrence"
            ),
        ]
        indexes = [
            # The dispatcher's query: pending rows by due time. Partial, so it stays small.
            models.Index(
                fields=["due_at"], condition=Q(status="pending"), name="scheduled_pending_due"
            ),
            # The reaper's query.
            models.Index(
                fields=["claimed_at"],
                condition=Q(status__in=["claimed", "sending"]),
                name="scheduled_inflight_claimed",
            ),
            models.Index(fields=["journey", "status"]),
            models.Index(fields=["status", "updated_at"]),
            # Reports on one rule's sent emails in a period (the satisfaction survey's
            # response rate, reports/satisfaction.py). Partial: only sent rows.
            models.Index(
                fields=["rule", "sent_at"], condition=Q(status="sent"), name="scheduled_sent_rule"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule.key} #{self.occurrence} for journey {self.journey_id}"


class Direction(models.TextChoices):
    OUT = "out", "To the patient"
    IN = "in", "From the patient"


class MessageStatus(models.TextChoices):
    SENT = "sent", "Sent"
    QUEUED = "queued", "Queued at the ESP"
    DELIVERED = "delivered", "Delivered"
    OPENED = "opened", "Opened"
    DEFERRED = "deferred", "Deferred"
    BOUNCED = "bounced", "Bounced"
    REJECTED = "rejected", "Rejected"
    COMPLAINED = "complained", "Marked as spam"
    FAILED = "failed", "Failed"
    RECEIVED = "received", "Received"


class InboundLabel(models.TextChoices):
    # What an inbound message is (blank for outbound). Only a REPLY can count as the
    # patient's reply (counts_as_reply); the others are stored and shown, nothing more.
    REPLY = "reply", "Reply"
    INQUIRY = "inquiry", "New inquiry"
    AUTO_REPLY = "auto_reply", "Automatic reply"
    BOUNCE = "bounce", "Delivery failure"


class MatchedBy(models.TextChoices):
    """How an inbound message found its journey, in the order matching tries."""

    TOKEN = "token", "Reply address (signed token)"
    IN_REPLY_TO = "in_reply_to", "In-Reply-To"
    REFERENCES = "references", "References"
    BOUNCED_MESSAGE = "bounced_message", "The message a bounce returned"
    BOUNCED_RECIPIENT = "bounced_recipient", "The address a bounce names"
    SENDER = "sender", "Sender address"
    INQUIRY = "inquiry", "New inquiry"
    TRIAGE = "triage", "Attached by staff"


class RawStatus(models.TextChoices):
    RECEIVED = "received", "Received (being processed)"
    STORED = "stored", "Stored on a journey"
    TRIAGE = "triage", "In the triage inbox"
    DUPLICATE = "duplicate", "Duplicate"
    REFUSED = "refused", "Refused"
    FAILED = "failed", "Failed (kept for a person)"


class RawEmail(models.Model):
    """Every inbound email's bytes, written before anything parses them: whatever goes
    wrong later, nothing received is lost. The file lives under
    MEDIA_ROOT/inbound/raw/<yyyy>/<mm>/ (never served to the web)."""

    file = models.FileField(upload_to="inbound/raw/%Y/%m/", max_length=255)
    # Bytes received; the file holds at most 2 x INBOUND_MAX_MESSAGE_BYTES of them.
    size = models.PositiveBigIntegerField()
    truncated = models.BooleanField(default=False)
    sha256 = models.CharField(max_length=64, db_index=True)
    source = models.CharField(max_length=40, help_text="pipe, file, or webhook:<esp>")
    envelope_sender = models.CharField(max_length=320, blank=True)
    envelope_recipient = models.CharField(max_length=320, blank=True)
    received_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=16, choices=RawStatus.choices, default=RawStatus.RECEIVED)
    detail = models.TextField(blank=True, help_text="What happened, in one line.")
    # The ESP called it spam (the pipe reads the mail server's X-Spam-* headers instead).
    spam = models.BooleanField(default=False)
    # A worker claims a "received" row before reading it (a conditional UPDATE); a claim
    # older than INBOUND_CLAIM_TIMEOUT is taken again, at most INBOUND_MAX_ATTEMPTS times.
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The file was deleted (INBOUND_RAW_RETENTION_DAYS, or a patient's erasure); the row
    # stays so that messages and triage items still say where they came from.
    pruned_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self) -> str:
        return f"Raw email #{self.pk} ({self.get_status_display()})"


class Message(models.Model):
    """An email to (or from) a patient on a journey, as it was sent.

    Inbound rows (direction "in"): `sent_at` is when WE received it (the stop conditions
    compare it to planned_at, and a sender's clock can be wrong); `header_date` is the
    sender's Date header. `message_id` is the sender's Message-ID (unique: the same
    delivery twice is stored once). `html` is sanitised before it is stored.
    """

    journey = models.ForeignKey(
        "journeys.Journey", on_delete=models.CASCADE, related_name="messages"
    )
    direction = models.CharField(max_length=4, choices=Direction.choices, default=Direction.OUT)
    # Several rows are possible only in the documented crash case (sent, then the process
    # died before the commit): the resend is recorded too, so history stays truthful.
    scheduled_message = models.ForeignKey(
        ScheduledMessage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    template_key = models.CharField(max_length=64, blank=True)
    language = models.CharField(max_length=8, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CARE)
    # Our own RFC 5322 Message-ID, so replies' In-Reply-To finds the journey.
    message_id = models.CharField(max_length=255, unique=True)
    esp_message_id = models.CharField(max_length=255, blank=True, db_index=True)
    status = models.CharField(
        max_length=16, choices=MessageStatus.choices, default=MessageStatus.SENT
    )
    from_email = models.CharField(max_length=320)
    to_email = models.CharField(max_length=320)
    reply_to = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True)
    sent_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    complained_at = models.DateTimeField(null=True, blank=True)
    # --- Inbound only (followups.inbound) ---
    raw_email = models.ForeignKey(
        RawEmail, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    label = models.CharField(max_length=16, choices=InboundLabel.choices, blank=True)
    label_reason = models.CharField(max_length=200, blank=True)
    matched_by = models.CharField(max_length=20, choices=MatchedBy.choices, blank=True)
    # A real reply from the patient: it stops "until the patient replies" messages and
    # starts the coordinator's clock. Auto-replies, bounces, a new inquiry's first email
    # and replies from another address (sender_mismatch) do not count.
    counts_as_reply = models.BooleanField(default=False)
    sender_mismatch = models.BooleanField(
        default=False,
        help_text="Came to this journey's reply address (or thread) from an address that "
        "is not the patient's.",
    )
    from_name = models.CharField(max_length=200, blank=True)
    header_date = models.DateTimeField(null=True, blank=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    text_reply = models.TextField(blank=True, help_text="What the patient wrote.")
    text_quoted = models.TextField(blank=True, help_text="The quoted history below it.")
    signature = models.TextField(blank=True)
    quote_style = models.CharField(max_length=12, blank=True)
    parse_warnings = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["journey", "-sent_at"]),
            models.Index(fields=["direction", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.subject}"


class MessageEvent(models.Model):
    """A delivery or tracking event from the ESP, appended as it arrives."""

    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    # Kept even when no message matched yet (the webhook can beat our commit): the send
    # service attaches such orphans when it records the message.
    esp_message_id = models.CharField(max_length=255, blank=True, db_index=True)
    # From the metadata we attach to every scheduled email: an event proves the ESP
    # accepted that row's email even when the worker died before recording it.
    scheduled_message = models.ForeignKey(
        ScheduledMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    our_message_id = models.CharField(max_length=255, blank=True)
    esp_name = models.CharField(max_length=32, blank=True)
    esp_event_id = models.CharField(max_length=255, blank=True)
    event_type = models.CharField(max_length=32)
    occurred_at = models.DateTimeField()
    recipient = models.CharField(max_length=320, blank=True)
    reject_reason = models.CharField(max_length=32, blank=True)
    description = models.TextField(blank=True)
    mta_response = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            # ESPs retry webhooks; the same event must not be counted twice.
            models.UniqueConstraint(
                fields=["esp_name", "esp_event_id"],
                condition=~Q(esp_event_id=""),
                name="message_event_esp_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} at {self.occurred_at:%Y-%m-%d %H:%M}"


class Attachment(models.Model):
    """A file that came with an inbound message, stored under
    MEDIA_ROOT/inbound/<yyyy>/<mm>/ with a safe name. Within INBOUND_MAX_ATTACHMENTS and
    INBOUND_MAX_ATTACHMENT_BYTES; the others stay only in the raw message (a parse
    warning names them). Downloaded through a staff-only view, never served directly."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="inbound/%Y/%m/", max_length=255)
    filename = models.CharField(max_length=255, help_text="Safe name, for downloads.")
    original_filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    inline = models.BooleanField(default=False)
    content_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["message", "id"]

    def __str__(self) -> str:
        return self.filename


class TriageStatus(models.TextChoices):
    OPEN = "open", "Open"
    ATTACHED = "attached", "Attached to a journey"
    CREATED_INQUIRY = "created_inquiry", "New inquiry created"
    DISMISSED = "dismissed", "Dismissed"


class TriageItem(models.Model):
    """Inbound mail that matched no journey: a coordinator attaches it to one, makes it a
    new inquiry, or dismisses it (spam). The raw message is kept; attaching parses it
    again and stores it like any matched message."""

    raw_email = models.ForeignKey(RawEmail, on_delete=models.PROTECT, related_name="triage_items")
    # The Message-ID (or its content stand-in): the same delivery twice is one item.
    message_key = models.CharField(max_length=255, unique=True)
    status = models.CharField(
        max_length=16, choices=TriageStatus.choices, default=TriageStatus.OPEN
    )
    reason = models.CharField(max_length=300, help_text="Why no journey was matched.")
    label = models.CharField(max_length=16, choices=InboundLabel.choices, blank=True)
    label_reason = models.CharField(max_length=200, blank=True)
    from_email = models.CharField(max_length=320, blank=True)
    from_name = models.CharField(max_length=200, blank=True)
    to_email = models.CharField(max_length=1000, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    snippet = models.TextField(blank=True, help_text="The start of what the sender wrote.")
    received_at = models.DateTimeField()
    header_date = models.DateTimeField(null=True, blank=True)
    parse_warnings = models.JSONField(default=list, blank=True)
    attachment_names = models.JSONField(default=list, blank=True)
    # A known patient who has no active journey (a hint for whoever triages).
    sender_patient = models.ForeignKey(
        "crm.Patient", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    journey = models.ForeignKey(
        "journeys.Journey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self) -> str:
        return f"Triage #{self.pk}: {self.subject or '(no subject)'}"


class NotificationPreference(models.Model):
    """A staff member's choice to get an email when a patient replies on one of their
    journeys (or on an unassigned one). Off unless they turn it on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followups_preference"
    )
    notify_on_reply = models.BooleanField(
        default=False,
        help_text="Email me when a patient replies on my journeys or on unassigned ones.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Notifications for {self.user}"
