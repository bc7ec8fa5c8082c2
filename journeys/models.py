"""A patient's journey through the five stages, and its append-only event timeline.

Nothing here changes a stage: that is journeys.services.journey_move, the one transition
function. The models only hold data and small read-only properties.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When


class Stage(models.TextChoices):
    INQUIRY = "inquiry", "Inquiry"
    BOOKED = "booked", "Booked"
    ARRIVAL = "arrival", "Arrival"
    PROCEDURE = "procedure", "Procedure"
    FOLLOWUP = "followup", "Follow-up"


# The order of the five stages; a journey moves forward one step at a time.
STAGE_ORDER: list[str] = [s.value for s in Stage]

# The Journey column holding the first time the journey entered each stage. Inquiry has
# none of its own: every journey starts there at inquiry_received_at.
STAGE_REACHED_AT: dict[str, str] = {
    Stage.INQUIRY.value: "inquiry_received_at",
    Stage.BOOKED.value: "booked_at",
    Stage.ARRIVAL.value: "arrived_at",
    Stage.PROCEDURE.value: "procedure_at",
    Stage.FOLLOWUP.value: "followup_at",
}


class Outcome(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    LOST = "lost", "Lost"
    POSTPONED = "postponed", "Postponed"


class LostReason(models.TextChoices):
    PRICE = "price", "Price"
    COMPETITOR = "competitor", "Chose a competitor"
    FEAR = "fear", "Fear or anxiety"
    HEALTH = "health", "Health / not a candidate"
    NO_REPLY = "no_reply", "Stopped replying"
    TRAVEL = "travel", "Travel or visa problems"
    FINANCING = "financing", "Financing fell through"
    OTHER = "other", "Other"


class Journey(models.Model):
    patient = models.ForeignKey("crm.Patient", on_delete=models.PROTECT, related_name="journeys")
    procedure = models.ForeignKey(
        "crm.Procedure", on_delete=models.PROTECT, related_name="journeys"
    )
    clinic = models.ForeignKey("crm.Clinic", on_delete=models.PROTECT, related_name="journeys")
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="journeys",
    )
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.INQUIRY)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.ACTIVE)
    lost_reason = models.CharField(max_length=16, choices=LostReason.choices, blank=True)
    postponed_until = models.DateField(null=True, blank=True)
    stage_entered_at = models.DateTimeField()
    inquiry_received_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    # Set when the patient writes (followups' inbound mail), cleared when a coordinator
    # answers (journeys.services.journey_mark_answered): the "replies waiting" queue.
    awaiting_reply_since = models.DateTimeField(null=True, blank=True)
    first_patient_reply_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The first time the journey entered each later stage, written by journey_move in the
    # transition's transaction and never cleared. The funnel counts "reached stage X" from
    # these, so a journey later lost, postponed or stepped back still counts for every stage
    # it passed through, without reading its events (reports/).
    booked_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    procedure_at = models.DateTimeField(null=True, blank=True)
    followup_at = models.DateTimeField(null=True, blank=True)
    # The furthest stage reached, as an index into STAGE_ORDER (0 inquiry .. 4 follow-up).
    # Stages are entered one at a time, so the latest first-entry column set tells it. The
    # database derives it from those columns, so it can never disagree with them, and the
    # funnel groups by one small column instead of evaluating a CASE on every row.
    furthest_stage = models.GeneratedField(
        expression=Case(
            When(followup_at__isnull=False, then=Value(4)),
            When(procedure_at__isnull=False, then=Value(3)),
            When(arrived_at__isnull=False, then=Value(2)),
            When(booked_at__isnull=False, then=Value(1)),
            default=Value(0),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    # How many times it was postponed: tells "postponed and came back" from "never paused".
    times_postponed = models.PositiveSmallIntegerField(default=0)
    planned_arrival = models.DateField(null=True, blank=True)
    planned_procedure = models.DateField(null=True, blank=True)
    planned_departure = models.DateField(null=True, blank=True)
    estimated_cost = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(max_length=3, default="EUR")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # A patient may have several journeys but only one active per procedure.
            models.UniqueConstraint(
                fields=["patient", "procedure"],
                condition=Q(outcome="active"),
                name="journey_one_active_per_procedure",
            ),
            models.CheckConstraint(
                condition=Q(outcome="lost") | Q(lost_reason=""),
                name="journey_lost_reason_only_when_lost",
            ),
        ]
        indexes = [
            models.Index(fields=["outcome", "stage", "stage_entered_at"]),
            models.Index(fields=["coordinator", "outcome", "stage"]),
            # The managers' reports read a cohort by inquiry date: this index holds every
            # column they group and measure by, so PostgreSQL answers them from the index
            # alone (an index-only scan over the date range), whatever the heap order.
            models.Index(
                fields=["inquiry_received_at"],
                include=[
                    "furthest_stage",
                    "outcome",
                    "lost_reason",
                    "times_postponed",
                    "coordinator",
                    "clinic",
                    "procedure",
                    "patient",
                    "first_response_at",
                    "booked_at",
                    "arrived_at",
                    "procedure_at",
                    "followup_at",
                    "closed_at",
                ],
                name="journey_report_cohort",
            ),
            models.Index(fields=["clinic", "outcome"]),
            # The dashboard's reads (crm/dashboard/selectors.py). Partial on active journeys:
            # closed ones pile up for years and no dashboard list shows them.
            models.Index(
                fields=["inquiry_received_at"],
                condition=Q(outcome="active", stage="inquiry", first_response_at__isnull=True),
                name="journey_unanswered",
            ),
            # A coordinator's lists are their own journeys plus the unassigned ones, each
            # walked in order on its own index. "coordinator IS NULL" cannot give an index
            # order the way "coordinator = 7" does, so the unassigned get partial indexes.
            models.Index(
                fields=["coordinator", "inquiry_received_at"],
                condition=Q(outcome="active", stage="inquiry", first_response_at__isnull=True),
                name="journey_unanswered_coord",
            ),
            models.Index(
                fields=["inquiry_received_at"],
                condition=Q(
                    outcome="active",
                    stage="inquiry",
                    first_response_at__isnull=True,
                    coordinator__isnull=True,
                ),
                name="journey_unanswered_unassigned",
            ),
            models.Index(
                fields=["stage", "stage_entered_at"],
                condition=Q(outcome="active", coordinator__isnull=True),
                name="journey_active_unassigned",
            ),
            # Planned dates within a coordinator's share (both parts are index conditions,
            # so counting a busy week reads only that coordinator's rows).
            models.Index(
                fields=["coordinator", "planned_arrival"],
                condition=Q(outcome="active"),
                name="journey_active_coord_arrival",
            ),
            models.Index(
                fields=["coordinator", "planned_procedure"],
                condition=Q(outcome="active"),
                name="journey_active_coord_procedure",
            ),
            models.Index(
                fields=["coordinator", "stage", "stage_entered_at"],
                condition=Q(outcome="active"),
                name="journey_active_coord_stage",
            ),
            models.Index(
                fields=["planned_arrival"],
                condition=Q(outcome="active"),
                name="journey_active_arrival",
            ),
            models.Index(
                fields=["planned_procedure"],
                condition=Q(outcome="active"),
                name="journey_active_procedure",
            ),
            # The replies-waiting queue; partial, so it holds only journeys that wait.
            models.Index(
                fields=["awaiting_reply_since"],
                condition=Q(awaiting_reply_since__isnull=False),
                name="journey_awaiting_reply",
            ),
            # The API's journey list for a coordinator (api/views.py JourneyList): each
            # visibility part ("coordinator = me", "coordinator IS NULL") filtered by stage
            # and walked newest first. Without it PostgreSQL walks the whole primary key
            # backwards looking for unassigned booked journeys that do not exist.
            models.Index(fields=["coordinator", "stage", "id"], name="journey_coord_stage_id"),
        ]
        ordering = ["-stage_entered_at"]

    def __str__(self) -> str:
        return f"Journey #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.outcome == Outcome.ACTIVE


def furthest_stage_of(journey: Journey) -> int:
    """In Python, what the database computes as Journey.furthest_stage (an in-memory row
    being moved has not been re-read yet)."""
    for index in range(len(STAGE_ORDER) - 1, 0, -1):
        if getattr(journey, STAGE_REACHED_AT[STAGE_ORDER[index]]) is not None:
            return index
    return 0


class FunnelDay(models.Model):
    """How many journeys whose inquiry arrived on `day` are in each funnel state (furthest
    stage reached, outcome, lost reason, ever postponed): a rollup journey_create and
    journey_move keep current in their own transactions, so the funnel over any range reads
    a few rows per day instead of every journey. Days are calendar days in
    settings.TIME_ZONE; after changing it, run `manage.py reports_rebuild`."""

    day = models.DateField()
    furthest_stage = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    lost_reason = models.CharField(max_length=16, blank=True)
    postponed_ever = models.BooleanField()
    journeys = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "furthest_stage", "outcome", "lost_reason", "postponed_ever"],
                name="funnel_day_cell_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {STAGE_ORDER[self.furthest_stage]} {self.outcome}: {self.journeys}"


class EventKind(models.TextChoices):
    CREATED = "created", "Created"
    ADVANCED = "advanced", "Moved forward"
    STEPPED_BACK = "stepped_back", "Stepped back"
    LOST = "lost", "Lost"
    POSTPONED = "postponed", "Postponed"
    REOPENED = "reopened", "Reopened"
    COMPLETED = "completed", "Completed"
    ASSIGNED = "assigned", "Assigned"
    NOTE = "note", "Note"


# Event kinds that change stage or outcome; replaying them in order rebuilds the journey's
# current stage and outcome (see journeys.selectors.journey_replay).
TRANSITION_KINDS = frozenset(
    {
        EventKind.CREATED,
        EventKind.ADVANCED,
        EventKind.STEPPED_BACK,
        EventKind.LOST,
        EventKind.POSTPONED,
        EventKind.REOPENED,
        EventKind.COMPLETED,
    }
)


class AppendOnlyQuerySet(models.QuerySet["JourneyEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("Journey events are append-only: they are never updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Journey events are append-only: they are never deleted.")

    def anonymise(self, **fields: str) -> int:
        """The one sanctioned rewrite: a patient's erasure on request replaces the free
        text of their events (notes and reasons may quote them). Kinds, stages, outcomes
        and times stay, so the timeline's shape and the funnel do."""
        allowed = {"reason"}
        if set(fields) - allowed:
            raise TypeError("Only an event's free text may be anonymised.")
        return models.QuerySet.update(self, **fields)


class JourneyEvent(models.Model):
    """One row per thing that happened to a journey: the timeline, the audit trail and the
    source of the funnel. Rows are only ever inserted."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_stage = models.CharField(max_length=16, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=16, choices=Stage.choices, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["journey", "created_at"]),
            models.Index(fields=["kind", "to_stage", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A guard, not logic: the audit trail must not be rewritten after the fact.
        if not self._state.adding:
            raise TypeError("Journey events are append-only: they are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Journey events are append-only: they are never deleted.")
