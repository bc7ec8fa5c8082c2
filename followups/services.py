"""Every write of the follow-ups app: planning, cancelling, dispatching, sending, tracking.

How a message travels (followups/README.md has the long version):

1. `messages_replan` runs inside the journey transition's transaction: it cancels what a
   move stopped and writes the new stage's ScheduledMessage rows (pending, with due_at).
   A rolled-back move therefore plans nothing. Rows due at once are claimed right there
   and their send tasks are enqueued after commit, so an acknowledgment does not wait for
   the next dispatcher tick.
2. `messages_dispatch_due` (beat, every FOLLOWUPS_DISPATCH_INTERVAL s) returns stuck claims
   to pending, then claims due rows with SELECT ... FOR UPDATE SKIP LOCKED in batches
   (pending -> claimed) and enqueues one send task per row after each batch commits.
3. `message_send_scheduled` takes the row (claimed -> sending) under a lock per patient
   and rule, after the catch-up rules (followups/catch_up.py: only the latest of a series,
   nothing stale, 20 h between two emails of one rule), re-checks the stop conditions,
   renders, sends with the row id in the email's metadata, then in ONE transaction records
   the Message and marks the row sent.

At most once: a row is sent only by whoever moved it to `sending`, and `sent` is written
with the Message. A crash after the ESP accepted the email and before that commit leaves
the row `sending`, in doubt: the ESP's tracking events (carrying the row id) confirm it as
sent; only if none arrives within FOLLOWUPS_CLAIM_TIMEOUT + FOLLOWUPS_SEND_CONFIRM_WAIT is
it sent again. None is lost. Claims, the reaper and "due" use the database's clock.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import make_msgid
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.html import escape, linebreaks

from crm.inputs import parse_id
from crm.roles import person
from followups import catch_up, emails, hooks
from followups.models import (
    REVIVABLE_REASONS,
    Anchor,
    Attachment,
    CadenceRule,
    CancelReason,
    Direction,
    InboundLabel,
    Kind,
    Message,
    MessageEvent,
    MessageStatus,
    MessageTemplate,
    ScheduledMessage,
    Status,
)
from followups.scheduling import (
    adjusted_anchors,
    anchor_instants,
    next_in_window,
    plan_rule_times,
    zone,
)
from followups.selectors import template_for
from followups.templating import Rendered, clean_subject

if TYPE_CHECKING:
    from crm.models import Patient
    from crm.roles import Actor
    from journeys.models import Journey, JourneyEvent

log = logging.getLogger(__name__)

# Rows a stop condition may still cancel: nobody is talking to the ESP about them yet.
CANCELLABLE = (Status.PENDING, Status.CLAIMED)


class FollowupError(Exception):
    """A follow-ups rule refused the request; the message is meant for the person who asked."""


class SendFailed(FollowupError):
    pass


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else timezone.now()


def db_now() -> dt.datetime:
    """The database's clock. Claims, the reaper and due times compare against it, never
    against this host's clock: a worker whose clock is skewed or jumps (NTP, a VM
    resumed, faketime) neither leaves claims stuck nor reaps a live claim early."""
    if connection.vendor != "postgresql":
        return timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT STATEMENT_TIMESTAMP()")
        value: dt.datetime = cursor.fetchone()[0]
    return value


def max_attempts() -> int:
    return len(settings.FOLLOWUPS_RETRY_DELAYS) + 1


# --- Templates --------------------------------------------------------------------------


def template_save(
    *,
    key: str,
    language: str,
    subject: str,
    text: str,
    html: str,
    template_id: int | None = None,
) -> MessageTemplate:
    """Create or change a template. Raises ValidationError (with the line at fault) if any
    part does not render against the sample context, so it never fails at send time."""
    template = (
        MessageTemplate.objects.get(pk=template_id)
        if template_id is not None
        else MessageTemplate()
    )
    template.key, template.language = key, language
    template.subject, template.text, template.html = subject, text, html
    template.full_clean()
    template.save()
    return template


# --- Planning ---------------------------------------------------------------------------


def _cancel(queryset: Any, reason: str, now: dt.datetime) -> int:
    return int(
        queryset.filter(status__in=CANCELLABLE).update(
            status=Status.CANCELLED,
            cancelled_reason=reason,
            cancelled_at=now,
            claimed_at=None,
            updated_at=now,
        )
    )


def _cancel_for_journey_state(journey: Journey, now: dt.datetime) -> int:
    from journeys.models import Outcome

    rows = ScheduledMessage.objects.filter(journey=journey)
    cancelled = 0
    if journey.outcome != Outcome.ACTIVE:
        cancelled += _cancel(rows.filter(rule__stop_on_close=True), CancelReason.CLOSED, now)
    # Left the stage, or left it and came back (a row from an earlier stay: re-planned below).
    left = rows.filter(rule__stop_on_stage_exit=True).filter(
        ~Q(rule__stage=journey.stage) | ~Q(stage_entered_at=journey.stage_entered_at)
    )
    cancelled += _cancel(left, CancelReason.LEFT_STAGE, now)
    return cancelled


@dataclass
class PlanResult:
    created: int = 0
    moved: int = 0
    revived: int = 0
    cancelled: int = 0
    claimed: list[int] = field(default_factory=list)


def _anchors(journey: Journey, tz: Any) -> dict[str, dt.datetime | None]:
    return anchor_instants(
        stage_entered_at=journey.stage_entered_at,
        planned_arrival=journey.planned_arrival,
        planned_procedure=journey.planned_procedure,
        planned_departure=journey.planned_departure,
        tz=tz,
    )


def _wanted(
    rule: CadenceRule,
    *,
    anchors: dict[str, dt.datetime | None],
    tz: Any,
    now: dt.datetime,
    future_only: bool,
    base: int = 0,
) -> dict[int, dt.datetime]:
    """{occurrence: due_at} the rule asks for now. Times long past (FOLLOWUPS_STALE_AFTER)
    are skipped; a time just missed moves to now, or to the next window opening."""
    stale_before = now - dt.timedelta(seconds=settings.FOLLOWUPS_STALE_AFTER)
    wanted: dict[int, dt.datetime] = {}
    for planned in plan_rule_times(rule, anchors=anchors, tz=tz):
        due = planned.due_at
        if future_only and due <= now:
            continue
        if due < stale_before:
            continue
        if due < now:
            due = (
                now
                if rule.send_any_time
                else next_in_window(
                    now,
                    tz,
                    start=rule.window_start,
                    end=rule.window_end,
                    weekdays_mask=rule.window_weekdays,
                )
            )
        wanted[base + planned.index] = due
    return wanted


def _plan(
    journey: Journey,
    *,
    now: dt.datetime,
    future_only: bool = False,
    claim_due: bool = True,
) -> PlanResult:
    """Bring the journey's rows for its current stage in line with the cadence rules.

    Idempotent: rows are keyed by (journey, rule, occurrence). Pending rows move when the
    plan moved; cancelled-but-never-sent rows come back when their reason no longer holds;
    sent, in-flight and failed rows are never touched, so nothing is sent twice.
    """
    result = PlanResult()
    patient = journey.patient
    if patient.email_undeliverable_at is not None:
        return result
    rules = list(CadenceRule.objects.filter(stage=journey.stage, active=True))
    if not rules:
        return result
    tz = zone(patient.timezone)
    anchors = _anchors(journey, tz)
    # Anchors apps above followups move for some rules (followups.scheduling's registry).
    moved_anchors = adjusted_anchors(journey=journey, rules=rules, anchors=anchors, tz=tz)
    existing: dict[int, dict[int, ScheduledMessage]] = {}
    for found in ScheduledMessage.objects.filter(journey=journey, rule__in=rules):
        existing.setdefault(found.rule_id, {})[found.occurrence] = found
    entered = journey.stage_entered_at
    to_create: list[ScheduledMessage] = []

    for rule in rules:
        if rule.kind == Kind.MARKETING and patient.marketing_opt_out_at is not None:
            continue
        rows = existing.get(rule.pk, {})
        base = 0
        if rule.anchor == Anchor.STAGE_ENTRY and rule.repeats:
            # Back in the stage after leaving it: the series restarts from the new entry
            # but continues the numbering after what an earlier stay already sent.
            earlier = [
                r.occurrence
                for r in rows.values()
                if r.stage_entered_at != entered
                and r.status not in CANCELLABLE
                and r.status != Status.CANCELLED
            ]
            base = max(earlier) + 1 if earlier else 0
        wanted = _wanted(
            rule,
            anchors=moved_anchors.get(rule.pk, anchors),
            tz=tz,
            now=now,
            future_only=future_only,
            base=base,
        )

        for occurrence, due in wanted.items():
            row = rows.get(occurrence)
            if row is None:
                to_create.append(
                    ScheduledMessage(
                        journey=journey,
                        rule=rule,
                        occurrence=occurrence,
                        due_at=due,
                        stage_entered_at=entered,
                        planned_at=now,
                    )
                )
            elif row.status == Status.PENDING:
                if row.due_at != due or row.stage_entered_at != entered:
                    result.moved += ScheduledMessage.objects.filter(
                        pk=row.pk, status=Status.PENDING
                    ).update(due_at=due, stage_entered_at=entered, updated_at=now)
            elif row.status == Status.CANCELLED and (
                row.cancelled_reason in REVIVABLE_REASONS
                # A reply stops nudges for this stay in the stage; a new stay starts afresh.
                or (
                    row.cancelled_reason == CancelReason.REPLIED and row.stage_entered_at != entered
                )
            ):
                result.revived += ScheduledMessage.objects.filter(
                    pk=row.pk, status=Status.CANCELLED
                ).update(
                    status=Status.PENDING,
                    due_at=due,
                    stage_entered_at=entered,
                    planned_at=now,
                    cancelled_reason="",
                    cancelled_at=None,
                    attempts=0,
                    last_error="",
                    updated_at=now,
                )
        # Pending rows the plan no longer has (the arrival moved earlier, a date went stale).
        dropped = [
            r.pk for r in rows.values() if r.status == Status.PENDING and r.occurrence not in wanted
        ]
        if dropped:
            result.cancelled += _cancel(
                ScheduledMessage.objects.filter(pk__in=dropped), CancelReason.RESCHEDULED, now
            )

    if to_create:
        # ignore_conflicts: a concurrent planner that wrote the same occurrence wins.
        ScheduledMessage.objects.bulk_create(to_create, ignore_conflicts=True)
        result.created = len(to_create)
    if claim_due:
        result.claimed = _claim_for_journey(journey, now)
    return result


def _claim_for_journey(journey: Journey, now: dt.datetime) -> list[int]:
    """Claim this journey's rows that are due already and send them right after commit."""
    ids = list(
        ScheduledMessage.objects.select_for_update(skip_locked=True)
        .filter(journey=journey, status=Status.PENDING, due_at__lte=now)
        .values_list("pk", flat=True)
    )
    if ids:
        ScheduledMessage.objects.filter(pk__in=ids, status=Status.PENDING).update(
            status=Status.CLAIMED, claimed_at=Now(), updated_at=now
        )
        transaction.on_commit(partial(enqueue_sends, ids))
    return ids


def messages_replan(
    *, journey: Journey, event: JourneyEvent, now: dt.datetime | None = None
) -> PlanResult:
    """Called by journeys.services inside the transition's transaction, after the stage and
    its event are written: cancel messages whose stop condition fired and schedule the new
    stage's cadence. Nothing is sent here; due rows are enqueued after commit."""
    from journeys.models import Outcome

    now = _now(now)
    cancelled = _cancel_for_journey_state(journey, now)
    if journey.outcome != Outcome.ACTIVE:
        return PlanResult(cancelled=cancelled)
    result = _plan(journey, now=now)
    result.cancelled += cancelled
    return result


def messages_reschedule_for_dates(
    *, journey: Journey, now: dt.datetime | None = None
) -> PlanResult:
    """Re-plan after the journey's planned dates changed (the dashboard calls this, ideally
    in the transaction that saved the dates): rules anchored on a date that is now known
    get scheduled, pending ones move with their date, ones no longer in the plan cancel."""
    from journeys.models import Outcome

    now = _now(now)
    if journey.outcome != Outcome.ACTIVE:
        return PlanResult()
    with transaction.atomic():
        return _plan(journey, now=now)


def messages_plan_seeded(*, journey_ids: list[int], now: dt.datetime | None = None) -> int:
    """Plan the current stage's cadence for journeys written in bulk (the demo seeder),
    keeping only due times in the future: a freshly seeded database must not send hundreds
    of past-due demo emails on `make run`. Only creates missing rows (existing ones are
    left alone), in a few queries per call whatever the number of journeys. Returns the
    number of rows planned."""
    from journeys.models import Journey, Outcome

    now = _now(now)
    rules_by_stage: dict[str, list[CadenceRule]] = {}
    for rule in CadenceRule.objects.filter(active=True):
        rules_by_stage.setdefault(rule.stage, []).append(rule)
    journeys = list(
        Journey.objects.filter(
            pk__in=journey_ids,
            outcome=Outcome.ACTIVE,
            patient__email_undeliverable_at__isnull=True,
        ).select_related("patient")
    )
    existing = set(
        ScheduledMessage.objects.filter(journey__in=journeys).values_list(
            "journey_id", "rule_id", "occurrence"
        )
    )
    to_create: list[ScheduledMessage] = []
    for journey in journeys:
        tz = zone(journey.patient.timezone)
        anchors = _anchors(journey, tz)
        for rule in rules_by_stage.get(journey.stage, []):
            if rule.kind == Kind.MARKETING and journey.patient.marketing_opt_out_at:
                continue
            wanted = _wanted(rule, anchors=anchors, tz=tz, now=now, future_only=True)
            to_create.extend(
                ScheduledMessage(
                    journey=journey,
                    rule=rule,
                    occurrence=occurrence,
                    due_at=due,
                    stage_entered_at=journey.stage_entered_at,
                    planned_at=now,
                )
                for occurrence, due in wanted.items()
                if (journey.pk, rule.pk, occurrence) not in existing
            )
    ScheduledMessage.objects.bulk_create(to_create, batch_size=1000, ignore_conflicts=True)
    return len(to_create)


def messages_cancel_on_reply(*, journey_id: int, at: dt.datetime | None = None) -> int:
    """The patient replied (the inbound-mail service calls this): cancel the journey's
    pending messages that stop on a reply and were planned before it."""
    at = _now(at)
    rows = ScheduledMessage.objects.filter(
        journey_id=journey_id, rule__stop_on_reply=True, planned_at__lte=at
    )
    return _cancel(rows, CancelReason.REPLIED, at)


def message_record_from_patient(
    *, journey_id: int, subject: str, text: str, at: dt.datetime | None = None
) -> Message:
    """Record something the patient wrote outside email (their page, care/) as an inbound
    message on the journey: it shows in the journey's mail, on Replies waiting with its
    subject, and stops "until the patient replies" messages like an emailed reply. The
    caller puts the journey on Replies waiting (journey_mark_waiting) in the same
    transaction."""
    from journeys.models import Journey

    at = _now(at)
    patient = Journey.objects.select_related("patient").get(pk=journey_id).patient
    with transaction.atomic():
        message = Message.objects.create(
            journey_id=journey_id,
            direction=Direction.IN,
            # Our own id on our own domain: unique, and never an email's.
            message_id=make_msgid(idstring="page", domain=settings.INBOUND_DOMAIN),
            status=MessageStatus.SENT,
            from_email=patient.email,
            from_name=patient.full_name,
            to_email=settings.DEFAULT_FROM_EMAIL,
            subject=clean_subject(subject),
            text=text,
            text_reply=text,
            html=linebreaks(escape(text)),
            sent_at=at,
            label=InboundLabel.REPLY,
            counts_as_reply=True,
        )
        messages_cancel_on_reply(journey_id=journey_id, at=at)
    return message


def message_record_inquiry(
    *,
    journey_id: int,
    subject: str,
    text: str,
    files: list[tuple[str, str, bytes]],
    at: dt.datetime | None = None,
    patient: Patient | None = None,
) -> Message:
    """Record an inquiry the patient sent through a form (intake/) as an inbound message
    on the journey, with its files as attachments: the coordinator reads it (and
    downloads the files through the staff-only views) like an emailed inquiry, and a
    patient's export and erasure cover it. Not a reply: it stops nothing. `files` are
    (safe file name, content type, bytes), already checked by the caller."""
    from journeys.models import Journey

    at = _now(at)
    if patient is None:
        patient = Journey.objects.select_related("patient").get(pk=journey_id).patient
    with transaction.atomic():
        message = Message.objects.create(
            journey_id=journey_id,
            direction=Direction.IN,
            message_id=make_msgid(idstring="form", domain=settings.INBOUND_DOMAIN),
            status=MessageStatus.RECEIVED,
            from_email=patient.email,
            from_name=patient.full_name,
            to_email=settings.INQUIRY_ADDRESS,
            subject=clean_subject(subject),
            text=text,
            text_reply=text,
            html=linebreaks(escape(text)),
            sent_at=at,
            label=InboundLabel.INQUIRY,
            counts_as_reply=False,
        )
        for name, content_type, payload in files:
            row = Attachment(
                message=message,
                filename=name,
                original_filename=name,
                content_type=content_type,
                size=len(payload),
            )
            row.file.save(name, ContentFile(payload), save=False)
            row.save()
    return message


def messages_cancel(
    *, ids: list[int], reason: str = CancelReason.MANUAL, now: dt.datetime | None = None
) -> int:
    """Cancel pending or claimed messages (the admin's "cancel" action)."""
    return _cancel(ScheduledMessage.objects.filter(pk__in=ids), reason, _now(now))


def messages_thin_series(
    *, journey_id: int, rule_key: str, keep_every: int = 2, now: dt.datetime | None = None
) -> int:
    """Keep one in `keep_every` of a repeating rule's pending occurrences for this stay in
    the stage (the next one stays), cancelling the others as `less_often`. Once per stay:
    a second call finds the earlier thinning and does nothing. For apps above followups
    that decide a series may slow down (care: "I'm fine" twice in a row)."""
    now = _now(now)
    with transaction.atomic():
        rows = list(
            ScheduledMessage.objects.select_for_update()
            .filter(journey_id=journey_id, rule__key=rule_key)
            .order_by("due_at", "pk")
        )
        if not rows:
            return 0
        entered = max(r.stage_entered_at for r in rows)
        stay = [r for r in rows if r.stage_entered_at == entered]
        if any(r.cancelled_reason == CancelReason.LESS_OFTEN for r in stay):
            return 0
        pending = [r.pk for r in stay if r.status == Status.PENDING]
        drop = [pk for index, pk in enumerate(pending) if index % keep_every]
        return _cancel(ScheduledMessage.objects.filter(pk__in=drop), CancelReason.LESS_OFTEN, now)


def messages_send_now(*, ids: list[int], now: dt.datetime | None = None) -> int:
    """Send these pending (or failed) messages now: claim them and enqueue after commit.
    Stop conditions are still checked at send time."""
    now = _now(now)
    with transaction.atomic():
        claimable = list(
            ScheduledMessage.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, status__in=[Status.PENDING, Status.FAILED])
            .values_list("pk", flat=True)
        )
        if claimable:
            ScheduledMessage.objects.filter(pk__in=claimable).update(
                status=Status.CLAIMED,
                due_at=now,
                claimed_at=Now(),
                attempts=0,
                updated_at=now,
            )
            transaction.on_commit(partial(enqueue_sends, claimable))
    return len(claimable)


# --- Patients: opt-out and undeliverable addresses ---------------------------------------


def patient_opt_out_marketing(*, patient_id: int, at: dt.datetime | None = None) -> bool:
    """Record a marketing opt-out and cancel pending marketing messages. Care messages go
    on. Returns False if the patient had opted out already."""
    from crm.models import Patient

    at = _now(at)
    with transaction.atomic():
        changed = Patient.objects.filter(pk=patient_id, marketing_opt_out_at__isnull=True).update(
            marketing_opt_out_at=at, updated_at=at
        )
        rows = ScheduledMessage.objects.filter(
            journey__patient_id=patient_id, rule__kind=Kind.MARKETING
        )
        _cancel(rows, CancelReason.OPTED_OUT, at)
    return bool(changed)


def patient_mark_undeliverable(
    *, patient_id: int, reason: str, at: dt.datetime | None = None
) -> bool:
    """The address hard-bounced or complained: stop all automated mail to it and tell the
    coordinator (a note on each active journey). Returns False if already marked."""
    from crm.models import Patient
    from journeys.models import Journey, Outcome
    from journeys.services import journey_add_note

    at = _now(at)
    reason = reason[:200]
    with transaction.atomic():
        changed = Patient.objects.filter(pk=patient_id, email_undeliverable_at__isnull=True).update(
            email_undeliverable_at=at, email_undeliverable_reason=reason, updated_at=at
        )
        _cancel(
            ScheduledMessage.objects.filter(journey__patient_id=patient_id),
            CancelReason.UNDELIVERABLE,
            at,
        )
        if changed:
            for journey_id in Journey.objects.filter(
                patient_id=patient_id, outcome=Outcome.ACTIVE
            ).values_list("pk", flat=True):
                journey_add_note(
                    journey_id=journey_id,
                    text=f"Email address undeliverable ({reason}): automated emails stopped. "
                    "Check the address with the patient by phone.",
                    actor=None,
                )
    return bool(changed)


# --- Dispatching ------------------------------------------------------------------------


def enqueue_sends(ids: list[int]) -> None:
    """After commit: one send task per claimed row. If the broker is down the rows stay
    claimed and the reaper returns them to pending; nothing is lost, so do not raise."""
    from followups.tasks import send_scheduled_message

    for position, pk in enumerate(ids):
        try:
            # retry=False: fail fast; waiting here would hold a web request or a beat tick.
            send_scheduled_message.apply_async((pk,), retry=False)
        except Exception:
            log.warning(
                "Broker unavailable: %d claimed messages wait for the reaper.",
                len(ids) - position,
                exc_info=True,
            )
            return


def messages_reap_stuck(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Recover rows whose worker died or whose task the broker lost. Returns
    (returned to pending, failed for good).

    Measured on the database's clock (`now` defaults to it; claimed_at is written by it).
    A `claimed` row older than FOLLOWUPS_CLAIM_TIMEOUT never reached the ESP: it goes
    back to pending. A `sending` row that old is in doubt (the ESP may have accepted it):
    if a tracking event for it arrived, it is marked sent; otherwise it waits
    FOLLOWUPS_SEND_CONFIRM_WAIT more for one before going back to pending (only those can
    go out twice). Rows that used all their attempts (a message that keeps killing
    workers) fail instead.
    """
    now = now if now is not None else db_now()
    claim_cutoff = now - dt.timedelta(seconds=settings.FOLLOWUPS_CLAIM_TIMEOUT)
    doubt_cutoff = claim_cutoff - dt.timedelta(seconds=settings.FOLLOWUPS_SEND_CONFIRM_WAIT)
    in_doubt = list(
        ScheduledMessage.objects.filter(
            status=Status.SENDING, claimed_at__lt=claim_cutoff
        ).values_list("pk", flat=True)
    )
    for pk in in_doubt:
        messages_confirm_from_events(scheduled_message_id=pk)
    stuck = ScheduledMessage.objects.filter(
        Q(status=Status.CLAIMED, claimed_at__lt=claim_cutoff)
        | Q(status=Status.SENDING, claimed_at__lt=doubt_cutoff)
    )
    failed = stuck.filter(attempts__gte=max_attempts()).update(
        status=Status.FAILED,
        last_error="Gave up: the worker stopped during every attempt.",
        claimed_at=None,
        updated_at=now,
    )
    in_flight = stuck.filter(status=Status.SENDING).count()
    returned = stuck.update(status=Status.PENDING, claimed_at=None, updated_at=now)
    if returned:
        log.warning(
            "Reaped %d stuck messages (%d were being sent and no provider event confirmed "
            "them: those may go out twice).",
            returned,
            in_flight,
        )
    return returned, failed


def _relaxed_commit() -> None:
    """Let this transaction's commit return before its WAL reaches the disk (PostgreSQL).

    Only for claims. Losing one in a database crash reverts a row to its previous state,
    and the one commit that matters, Message + `sent`, stays synchronous: flushing it
    flushes every claim before it. A database crash can therefore only resend what was in
    flight, the same bound as a worker crash, and each claim saves a disk flush.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _claim_due(
    *, as_of: dt.datetime | None, limit: int, enqueue: bool
) -> tuple[list[int], list[int]]:
    """One batch: (claimed ids, ids skipped as missed after downtime)."""
    with transaction.atomic():
        _relaxed_commit()
        # SKIP LOCKED: concurrent dispatchers take disjoint batches instead of waiting.
        due = list(
            ScheduledMessage.objects.select_for_update(skip_locked=True)
            .filter(status=Status.PENDING, due_at__lte=as_of if as_of is not None else Now())
            .order_by("due_at")
            .values_list("pk", flat=True)[:limit]
        )
        skipped = catch_up.skip_missed(due, as_of=as_of or db_now()) if due else []
        ids = [pk for pk in due if pk not in set(skipped)]
        if ids:
            ScheduledMessage.objects.filter(pk__in=ids, status=Status.PENDING).update(
                status=Status.CLAIMED, claimed_at=Now(), updated_at=Now()
            )
            if enqueue:
                transaction.on_commit(partial(enqueue_sends, ids))
    return ids, skipped


@dataclass
class DispatchResult:
    reaped: int = 0
    gave_up: int = 0
    # Skipped by the dispatcher after downtime (followups.catch_up.skip_missed).
    missed: int = 0
    claimed: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)


def messages_dispatch_due(
    *,
    now: dt.datetime | None = None,
    send_inline: bool = False,
    max_batches: int = 50,
) -> DispatchResult:
    """One dispatcher pass: reap stuck claims, then claim due rows batch by batch.

    Due times compare against the database's clock. `now` ("as of") claims what is due by
    then instead, for demos and tests (`dispatch_due --as-of "+15 days"`); the reaper and
    claimed_at stay on the database's clock whatever it is.
    By default each batch's send tasks are enqueued after its commit (the beat task).
    `send_inline` sends them in this process instead (`manage.py dispatch_due`).
    """
    result = DispatchResult()
    result.reaped, result.gave_up = messages_reap_stuck()
    batch = settings.FOLLOWUPS_BATCH_SIZE
    for _ in range(max_batches):
        ids, skipped = _claim_due(as_of=now, limit=batch, enqueue=not send_inline)
        result.claimed += len(ids)
        result.missed += len(skipped)
        if send_inline:
            for pk in ids:
                result.outcomes[message_send_scheduled(scheduled_message_id=pk, now=now)] += 1
        if len(ids) + len(skipped) < batch:
            break
    return result


# --- Sending ----------------------------------------------------------------------------


def is_transient(exc: BaseException) -> bool:
    """Worth retrying: the connection or the ESP failed, not the message."""
    from anymail.exceptions import (
        AnymailAPIError,
        AnymailError,
        AnymailInvalidAddress,
        AnymailRecipientsRefused,
    )

    if isinstance(exc, AnymailRecipientsRefused | AnymailInvalidAddress):
        return False
    if isinstance(exc, AnymailAPIError):
        status = exc.status_code
        # No status: the request never got an answer (connection error, timeout).
        return status is None or status == 429 or status >= 500
    if isinstance(exc, AnymailError):
        return False
    if isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
        return False
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, OSError | smtplib.SMTPException | TimeoutError)


def _recipient_refused(exc: BaseException) -> bool:
    from anymail.exceptions import AnymailInvalidAddress, AnymailRecipientsRefused

    return isinstance(
        exc, AnymailRecipientsRefused | AnymailInvalidAddress | smtplib.SMTPRecipientsRefused
    )


def _stop_reason(scheduled: ScheduledMessage) -> str | None:
    """The stop conditions, checked again right before sending."""
    from journeys.models import Outcome

    rule, journey = scheduled.rule, scheduled.journey
    patient = journey.patient
    if patient.email_undeliverable_at is not None:
        return CancelReason.UNDELIVERABLE
    if rule.kind == Kind.MARKETING and patient.marketing_opt_out_at is not None:
        return CancelReason.OPTED_OUT
    if rule.stop_on_close and journey.outcome != Outcome.ACTIVE:
        return CancelReason.CLOSED
    if rule.stop_on_stage_exit and (
        journey.stage != rule.stage or journey.stage_entered_at != scheduled.stage_entered_at
    ):
        return CancelReason.LEFT_STAGE
    if not rule.active:
        return CancelReason.RESCHEDULED
    if rule.stop_on_reply and (
        Message.objects.filter(
            journey=journey,
            direction=Direction.IN,
            counts_as_reply=True,
            sent_at__gte=scheduled.planned_at,
        ).exists()
    ):
        return CancelReason.REPLIED
    return None


def _release(pk: int, held_since: dt.datetime, **fields: Any) -> int:
    """Update a row we hold in `sending` (and only if we still hold it: `held_since` is
    the claimed_at we wrote when we took it)."""
    return int(
        ScheduledMessage.objects.filter(pk=pk, status=Status.SENDING, claimed_at=held_since).update(
            updated_at=timezone.now(), **fields
        )
    )


def _esp_status(email: Any) -> tuple[str, str]:
    status = getattr(email, "anymail_status", None)
    if status is None:
        return "", MessageStatus.SENT
    esp_id = status.message_id
    if isinstance(esp_id, set):
        esp_id = ",".join(sorted(str(i) for i in esp_id))
    statuses = status.status or set()
    state = MessageStatus.QUEUED if statuses & {"queued", "scheduled"} else MessageStatus.SENT
    return str(esp_id or ""), state


def _record(
    outgoing: emails.Outgoing,
    *,
    journey_id: int,
    scheduled_id: int | None,
    sent_at: dt.datetime,
    sent_by: Any = None,
) -> Message:
    esp_id, state = _esp_status(outgoing.email)
    message = Message.objects.create(
        journey_id=journey_id,
        direction=Direction.OUT,
        scheduled_message_id=scheduled_id,
        sent_by=sent_by,
        template_key=outgoing.template_key,
        language=outgoing.language,
        kind=outgoing.kind,
        message_id=outgoing.message_id,
        esp_message_id=esp_id,
        status=state,
        from_email=str(outgoing.email.from_email),
        to_email=outgoing.email.to[0],
        reply_to=outgoing.reply_to,
        subject=outgoing.rendered.subject,
        text=outgoing.rendered.text,
        html=outgoing.rendered.html,
        sent_at=sent_at,
    )
    if getattr(outgoing.email, "anymail_status", None) is not None:
        # Only an ESP (anymail) reports events, possibly before this commit.
        _attach_orphan_events(message)
    return message


def _take(pk: int, *, as_of: dt.datetime | None) -> tuple[str, dt.datetime | None]:
    """Inside one transaction: move the row to `sending` if it is ours to send and passes
    the catch-up rules (followups.catch_up). Returns ("take", claimed_at) or the outcome
    and None: skipped (not ours, or not due), missed, deferred."""
    head = ScheduledMessage.objects.filter(pk=pk).values("journey__patient_id", "rule_id").first()
    if head is None:
        return "skipped", None
    catch_up.lock_series(patient_id=head["journey__patient_id"], rule_id=head["rule_id"])
    claimed_at = db_now()
    as_of = as_of if as_of is not None else claimed_at
    row = (
        ScheduledMessage.objects.select_for_update(of=("self",))
        .select_related("rule", "journey__patient")
        .filter(pk=pk)
        .filter(Q(status=Status.CLAIMED) | Q(status=Status.PENDING, due_at__lte=as_of))
        .first()
    )
    if row is None:
        return "skipped", None  # sent, cancelled, not due, or another worker has it
    if catch_up.missed_reason(row, as_of=as_of) is not None:
        ScheduledMessage.objects.filter(pk=pk).update(
            status=Status.CANCELLED,
            cancelled_reason=CancelReason.MISSED,
            cancelled_at=as_of,
            claimed_at=None,
            updated_at=claimed_at,
        )
        return "missed", None
    wait_until = catch_up.too_soon_until(row, as_of=as_of)
    if wait_until is not None:
        ScheduledMessage.objects.filter(pk=pk).update(
            status=Status.PENDING, due_at=wait_until, claimed_at=None, updated_at=claimed_at
        )
        return "deferred", None
    ScheduledMessage.objects.filter(pk=pk).update(
        status=Status.SENDING,
        claimed_at=claimed_at,
        attempts=F("attempts") + 1,
        updated_at=claimed_at,
    )
    return "take", claimed_at


def message_send_scheduled(*, scheduled_message_id: int, now: dt.datetime | None = None) -> str:
    """Send one scheduled message if it is still ours to send. Safe to call any number of
    times, concurrently: only the caller that moves the row to `sending` sends. Returns
    what happened: sent, skipped, cancelled, missed, deferred, retry or failed.

    `now` ("as of", for demos and tests) decides what is due and how late it is, and is
    recorded as sent_at; without it the database's clock does. claimed_at is always the
    database's clock (the reaper compares it with its own).
    """
    with transaction.atomic():
        _relaxed_commit()
        outcome, claimed_at = _take(scheduled_message_id, as_of=now)
    if claimed_at is None:
        return outcome
    sent_at = now if now is not None else claimed_at
    scheduled = ScheduledMessage.objects.select_related(
        "rule",
        "journey__patient",
        "journey__clinic",
        "journey__procedure",
        "journey__coordinator",
    ).get(pk=scheduled_message_id)
    pk = scheduled.pk

    stop = _stop_reason(scheduled)
    if stop is not None:
        _release(
            pk, claimed_at, status=Status.CANCELLED, cancelled_reason=stop, cancelled_at=sent_at
        )
        return "cancelled"

    patient = scheduled.journey.patient
    template = template_for(key=scheduled.rule.template_key, language=patient.preferred_language)
    if template is None:
        _release(
            pk,
            claimed_at,
            status=Status.FAILED,
            last_error=f"No template {scheduled.rule.template_key!r} in "
            f"{patient.preferred_language!r} or English.",
        )
        return "failed"
    try:
        outgoing = emails.scheduled_email(scheduled, template=template, now=now)
        emails.deliver(outgoing)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
        return _after_failure(scheduled, claimed_at, exc, now=sent_at)

    # The Message and `sent` commit together: from here on nobody can send this row again.
    with transaction.atomic():
        _record(outgoing, journey_id=scheduled.journey_id, scheduled_id=pk, sent_at=sent_at)
        if not _release(pk, claimed_at, status=Status.SENT, sent_at=sent_at, last_error=""):
            # Our claim was reaped meanwhile (we were slower than FOLLOWUPS_CLAIM_TIMEOUT),
            # or a provider event confirmed it: the email went out, so mark it sent anyway.
            ScheduledMessage.objects.filter(pk=pk).exclude(status=Status.SENT).update(
                status=Status.SENT, sent_at=sent_at, updated_at=sent_at
            )
    return "sent"


def _after_failure(
    scheduled: ScheduledMessage, claimed_at: dt.datetime, exc: Exception, *, now: dt.datetime
) -> str:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    attempts = scheduled.attempts  # already counts this attempt
    if is_transient(exc) and attempts < max_attempts():
        # Retry through the schedule, not a Celery countdown: the delay survives restarts.
        delay = settings.FOLLOWUPS_RETRY_DELAYS[attempts - 1]
        _release(
            scheduled.pk,
            claimed_at,
            status=Status.PENDING,
            due_at=now + dt.timedelta(seconds=delay),
            claimed_at=None,
            last_error=error,
        )
        log.warning("Send of scheduled message %d failed, retry in %ds.", scheduled.pk, delay)
        return "retry"
    _release(scheduled.pk, claimed_at, status=Status.FAILED, last_error=error)
    log.error("Send of scheduled message %d failed for good: %s", scheduled.pk, type(exc).__name__)
    if _recipient_refused(exc):
        patient_mark_undeliverable(
            patient_id=scheduled.journey.patient_id, reason=f"refused: {type(exc).__name__}"
        )
    return "failed"


def message_send_one_off(
    *,
    journey_id: int,
    actor: Actor,
    subject: str = "",
    text: str = "",
    template_key: str | None = None,
    html: str = "",
    now: dt.datetime | None = None,
) -> Message:
    """Send a coordinator's email on a journey now: a template in the patient's language, or
    free text. Same headers, reply-to token and record as automated mail; the first human
    response starts the journey's response clock. Raises FollowupError for the user.
    `html` (optional, with free text) is the HTML body's inner part, already escaped, for
    emails another app renders from its own templates (care's quote)."""
    from journeys.models import Journey
    from journeys.services import journey_mark_answered, journey_record_first_response

    journey = Journey.objects.select_related("patient", "clinic", "procedure", "coordinator").get(
        pk=journey_id
    )
    patient = journey.patient
    if patient.email_undeliverable_at is not None:
        raise FollowupError(
            f"{patient.email} is undeliverable ({patient.email_undeliverable_reason}); "
            "confirm a working address with the patient first."
        )
    if template_key:
        template = template_for(key=template_key, language=patient.preferred_language)
        if template is None:
            raise FollowupError(f"There is no template {template_key!r}.")
        rendered = emails.render_template(template, journey=journey, now=now)
        language = template.language
    else:
        subject, text = clean_subject(subject), text.strip()
        if not subject or not text:
            raise FollowupError("An email needs a subject and a text.")
        rendered = Rendered(subject=subject, text=text, html=html or linebreaks(escape(text)))
        language = patient.preferred_language
    outgoing = emails.one_off_email(
        journey=journey, rendered=rendered, language=language, template_key=template_key or ""
    )
    try:
        emails.deliver(outgoing)
    except Exception as exc:
        log.warning("One-off email on journey %d failed: %s", journey_id, type(exc).__name__)
        raise SendFailed(
            "The email could not be sent"
            + (
                " (the mail service is unreachable; try again in a minute)."
                if is_transient(exc)
                else f": {exc}"
            )
        ) from exc
    sent_at = _now(now)
    human = person(actor)
    with transaction.atomic():
        message = _record(
            outgoing, journey_id=journey.pk, scheduled_id=None, sent_at=sent_at, sent_by=human
        )
        if human is not None:
            journey_record_first_response(journey_id=journey.pk, at=sent_at)
            journey_mark_answered(journey_id=journey.pk, at=sent_at)
    return message


# --- Tracking events --------------------------------------------------------------------

# Event types that mean the address does not work (anymail normalises these; "bounced"
# is a rejection by the receiving server, soft bounces arrive as "deferred").
_UNDELIVERABLE_REJECTS = {"invalid", "bounced", "timed_out", "spam"}
# How far each event moves a message's status (never backwards: an "opened" that arrives
# after "bounced" does not hide the bounce).
_RANK = {
    MessageStatus.SENT: 0,
    MessageStatus.QUEUED: 1,
    MessageStatus.DEFERRED: 2,
    MessageStatus.DELIVERED: 3,
    MessageStatus.OPENED: 4,
    MessageStatus.FAILED: 5,
    MessageStatus.REJECTED: 6,
    MessageStatus.BOUNCED: 7,
    MessageStatus.COMPLAINED: 8,
}
_STATUS_FOR_EVENT = {
    "queued": MessageStatus.QUEUED,
    "sent": MessageStatus.QUEUED,
    "deferred": MessageStatus.DEFERRED,
    "delivered": MessageStatus.DELIVERED,
    "opened": MessageStatus.OPENED,
    "clicked": MessageStatus.OPENED,
    "failed": MessageStatus.FAILED,
    "rejected": MessageStatus.REJECTED,
    "bounced": MessageStatus.BOUNCED,
    "complained": MessageStatus.COMPLAINED,
}
_TIMESTAMP_FOR_EVENT = {
    "delivered": "delivered_at",
    "opened": "opened_at",
    "clicked": "opened_at",
    "bounced": "bounced_at",
    "complained": "complained_at",
}


def _apply_event(message: Message, event: MessageEvent, *, soft_bounce: bool = False) -> None:
    fields: list[str] = []
    new_status = _STATUS_FOR_EVENT.get(event.event_type)
    if new_status is not None and _RANK[new_status] > _RANK.get(MessageStatus(message.status), 0):
        message.status = new_status
        fields.append("status")
    stamp = _TIMESTAMP_FOR_EVENT.get(event.event_type)
    if stamp and getattr(message, stamp) is None:
        setattr(message, stamp, event.occurred_at)
        fields.append(stamp)
    if fields:
        message.save(update_fields=[*fields, "updated_at"])
        hooks.fire(hooks.MESSAGE_STATUS_CHANGED, message=message)

    patient = message.journey.patient
    recipient = (event.recipient or message.to_email).lower()
    if message.direction != Direction.OUT or recipient != patient.email.lower():
        return  # the patient's address changed since: the old one's fate is not news
    if (
        (event.event_type == "bounced" and not soft_bounce)
        or event.event_type == "complained"
        or (event.event_type == "rejected" and event.reject_reason in _UNDELIVERABLE_REJECTS)
    ):
        detail = event.reject_reason or event.description or ""
        patient_mark_undeliverable(
            patient_id=patient.pk,
            reason=f"{event.event_type}{': ' + detail if detail else ''}",
            at=event.occurred_at,
        )
    elif event.event_type == "unsubscribed":
        patient_opt_out_marketing(patient_id=patient.pk, at=event.occurred_at)


def _is_soft_bounce(event: Any) -> bool:
    """Anymail reports some ESPs' soft bounces (Postmark's "SoftBounce") as "bounced"; a
    full mailbox must not mark an address undeliverable."""
    raw = event.esp_event if isinstance(event.esp_event, dict) else {}
    return raw.get("Type") in {"SoftBounce", "Transient", "DnsError"}


def message_track_event(*, event: Any, esp_name: str) -> MessageEvent | None:
    """One delivery/tracking event from anymail's tracking webhook (an AnymailTrackingEvent).

    Appends a MessageEvent (once per ESP event id: ESPs retry webhooks), moves the
    message's status forward, and on a hard bounce or complaint marks the patient's address
    undeliverable. Returns None for a duplicate.
    """
    metadata = event.metadata or {}
    esp_id = str(event.message_id or "")
    our_id = str(metadata.get("crm_message_id") or "")
    scheduled_id = _scheduled_id(metadata)
    occurred = event.timestamp or timezone.now()
    with transaction.atomic():
        message = None
        if our_id:
            message = Message.objects.select_for_update().filter(message_id=our_id).first()
        if message is None and esp_id:
            message = Message.objects.select_for_update().filter(esp_message_id=esp_id).first()
        if message is not None and esp_id and not message.esp_message_id:
            message.esp_message_id = esp_id
            message.save(update_fields=["esp_message_id", "updated_at"])
        try:
            with transaction.atomic():
                row = MessageEvent.objects.create(
                    message=message,
                    esp_message_id=esp_id or our_id,
                    scheduled_message_id=scheduled_id,
                    our_message_id=our_id[:255],
                    esp_name=esp_name or "",
                    esp_event_id=str(event.event_id or ""),
                    event_type=str(event.event_type or "unknown"),
                    occurred_at=occurred,
                    recipient=str(event.recipient or ""),
                    reject_reason=str(event.reject_reason or ""),
                    description=str(event.description or "")[:2000],
                    mta_response=str(event.mta_response or "")[:2000],
                )
        except IntegrityError:
            return None
        if message is not None:
            _apply_event(message, row, soft_bounce=_is_soft_bounce(event))
        else:
            log.info("Tracking event %s for an unknown message: kept as orphan.", row.event_type)
    if message is None and scheduled_id is not None:
        # The email went out but its send was never recorded (the worker died, or the
        # database went away, between the ESP's answer and our commit): confirm the row
        # so that it is not sent again. A row still being sent is left to its worker.
        messages_confirm_from_events(scheduled_message_id=scheduled_id)
    return row


def _scheduled_id(metadata: dict[str, Any]) -> int | None:
    pk = parse_id(metadata.get("crm_scheduled_message_id"))
    if pk is None:
        return None
    return pk if ScheduledMessage.objects.filter(pk=pk).exists() else None


# Events that prove the ESP accepted the email (everything but its refusals).
_NOT_ACCEPTED = {"rejected", "failed", "unknown"}


def messages_confirm_from_events(*, scheduled_message_id: int) -> bool:
    """Mark a scheduled row sent because the ESP's tracking events show its email went
    out, although no send was recorded (the worker died, or the database went away, after
    the ESP accepted it and before the commit). Only rows not being sent right now: in
    doubt (`sending` for longer than FOLLOWUPS_CLAIM_TIMEOUT), or returned to
    pending/claimed/failed after that. Records the Message (the content is rendered again;
    the Message-ID is the one the email carried) and attaches the events. Returns whether
    the row was confirmed."""
    events = MessageEvent.objects.filter(scheduled_message_id=scheduled_message_id).exclude(
        event_type__in=_NOT_ACCEPTED
    )
    first = events.order_by("occurred_at", "pk").first()
    if first is None:
        return False
    cutoff = db_now() - dt.timedelta(seconds=settings.FOLLOWUPS_CLAIM_TIMEOUT)
    with transaction.atomic():
        confirmed = (
            ScheduledMessage.objects.filter(pk=scheduled_message_id)
            .filter(
                Q(status__in=[Status.PENDING, Status.CLAIMED, Status.FAILED])
                | Q(status=Status.SENDING, claimed_at__lt=cutoff)
            )
            .exclude(messages__isnull=False)  # recorded already: nothing is in doubt
            .update(
                status=Status.SENT,
                sent_at=first.occurred_at,
                claimed_at=None,
                last_error="",
                updated_at=Now(),
            )
        )
        if confirmed:
            _record_confirmed(scheduled_message_id, first)
    if confirmed:
        log.warning(
            "Scheduled message %d: the provider's %s event shows it was sent although the "
            "send was not recorded; marked sent, not sent again.",
            scheduled_message_id,
            first.event_type,
        )
    return bool(confirmed)


def _record_confirmed(scheduled_id: int, event: MessageEvent) -> None:
    """The Message for a send only the ESP's events told us about."""
    scheduled = ScheduledMessage.objects.select_related(
        "rule", "journey__patient", "journey__clinic", "journey__procedure", "journey__coordinator"
    ).get(pk=scheduled_id)
    patient = scheduled.journey.patient
    template = template_for(key=scheduled.rule.template_key, language=patient.preferred_language)
    message_id = event.our_message_id or f"<confirmed-{scheduled_id}@{settings.INBOUND_DOMAIN}>"
    if Message.objects.filter(message_id=message_id).exists():
        return
    try:
        if template is None:
            raise LookupError("no template")
        outgoing = emails.scheduled_email(scheduled, template=template)
        rendered, language = outgoing.rendered, outgoing.language
        from_email, reply_to = str(outgoing.email.from_email), outgoing.reply_to
    except Exception:  # noqa: BLE001 - the record matters more than its copy
        rendered = Rendered(subject=scheduled.rule.template_key, text="", html="")
        language, from_email, reply_to = patient.preferred_language, emails.from_address(), ""
    message = Message.objects.create(
        journey_id=scheduled.journey_id,
        direction=Direction.OUT,
        scheduled_message=scheduled,
        template_key=scheduled.rule.template_key,
        language=language,
        kind=scheduled.rule.kind,
        message_id=message_id,
        esp_message_id=event.esp_message_id if event.esp_message_id != message_id else "",
        status=MessageStatus.SENT,
        from_email=from_email,
        to_email=event.recipient or patient.email,
        reply_to=reply_to,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        sent_at=event.occurred_at,
    )
    for orphan in MessageEvent.objects.filter(
        message__isnull=True, scheduled_message_id=scheduled_id
    ):
        orphan.message = message
        orphan.save(update_fields=["message"])
        _apply_event(message, orphan)


def _attach_orphan_events(message: Message) -> None:
    """Events that arrived before their message was committed: attach and apply them."""
    keys = [k for k in (message.message_id, message.esp_message_id) if k]
    orphans = list(MessageEvent.objects.filter(message__isnull=True, esp_message_id__in=keys))
    for orphan in orphans:
        orphan.message = message
        orphan.save(update_fields=["message"])
        _apply_event(message, orphan)


# Re-exported for callers that only need the names.
__all__ = [
    "DispatchResult",
    "FollowupError",
    "PlanResult",
    "SendFailed",
    "enqueue_sends",
    "message_send_one_off",
    "message_send_scheduled",
    "message_track_event",
    "messages_cancel",
    "messages_cancel_on_reply",
    "messages_dispatch_due",
    "messages_plan_seeded",
    "messages_reap_stuck",
    "messages_replan",
    "messages_reschedule_for_dates",
    "messages_send_now",
    "patient_mark_undeliverable",
    "patient_opt_out_marketing",
    "template_save",
]
