"""No catch-up floods: the rules a scheduled message passes right before it is sent.

After downtime (the dispatcher or the workers stopped for hours or days) many rows are due
at once. Sending them all would greet a patient in the procedure stage with fifteen
identical "How are you today?" emails. At send time, under a lock per (patient, rule):

1. **Only the latest of a series goes.** A row of a repeating rule (daily comfort, weekly
   reassurance) whose journey has a later occurrence of the same rule that is due too, or
   already sent, is skipped: `cancelled`, reason `missed` ("Missed while sending was
   stopped"). One-off rules that share a `series` name (the pre-arrival emails, the
   nudges) count as one series, ordered by due time.
2. **Stale messages are skipped**: a row more than its rule's `stale_after_hours` late is
   skipped with the same reason, unless the rule is `send_late` (what the patient still
   needs: booking confirmation, pre-arrival practical information), which goes once, late.
3. **Never two emails of one rule to one patient within SAME_RULE_GAP (20 h)**: a row
   whose patient got (or is being sent) the same rule's email less than 20 h before waits
   until 20 h have passed (then the next send-window opening).

The services call these inside the transaction that moves the row to `sending`, after
`lock_series`: two workers holding rows of the same patient and rule take turns, and the
second sees the first one's `sending` row. Pure reads; the caller writes the outcome.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Exists, Max, OuterRef, Q
from django.db.models.functions import Now

from followups.models import CancelReason, ScheduledMessage, Status
from followups.scheduling import next_in_window, zone

if TYPE_CHECKING:
    from followups.models import CadenceRule

SAME_RULE_GAP = dt.timedelta(hours=20)


def lock_series(*, patient_id: int, rule_id: int) -> None:
    """Serialise the send decisions for one patient and rule until the transaction ends
    (a PostgreSQL advisory lock; other databases serialise writers anyway). A hash
    collision with another pair only makes two unrelated sends take turns."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"followups.send:{patient_id}:{rule_id}"],
        )


def _due_or_done(as_of: dt.datetime) -> Q:
    return Q(status__in=[Status.SENT, Status.SENDING]) | Q(
        status__in=[Status.PENDING, Status.CLAIMED], due_at__lte=as_of
    )


def missed_reason(row: ScheduledMessage, *, as_of: dt.datetime) -> str | None:
    """CancelReason.MISSED if the row should be skipped rather than sent, else None."""
    rule: CadenceRule = row.rule
    later_in_series = Q(rule_id=row.rule_id, occurrence__gt=row.occurrence)
    if rule.series:
        later_in_series |= Q(rule__series=rule.series, due_at__gt=row.due_at) & ~Q(
            rule_id=row.rule_id
        )
    later = ScheduledMessage.objects.filter(journey_id=row.journey_id).filter(later_in_series)
    if later.filter(_due_or_done(as_of)).exists():
        return CancelReason.MISSED
    late = as_of - row.due_at
    if not rule.send_late and late > dt.timedelta(hours=rule.stale_after_hours):
        return CancelReason.MISSED
    return None


def skip_missed(ids: list[int], *, as_of: dt.datetime) -> list[int]:
    """The dispatcher's shortcut after downtime: of these pending rows (locked by the
    caller), skip at once, in two queries, the ones `missed_reason` would skip at send
    time, so that a fifteen-day backlog does not become thousands of send tasks. The send
    path checks again under the lock; this only saves work. Returns the skipped ids."""
    later = ScheduledMessage.objects.filter(journey_id=OuterRef("journey_id")).filter(
        Q(rule_id=OuterRef("rule_id"), occurrence__gt=OuterRef("occurrence"))
        | (
            ~Q(rule__series="")
            & Q(rule__series=OuterRef("rule__series"), due_at__gt=OuterRef("due_at"))
            & ~Q(rule_id=OuterRef("rule_id"))
        )
    )
    rows = (
        ScheduledMessage.objects.filter(pk__in=ids)
        .annotate(superseded=Exists(later.filter(_due_or_done(as_of))))
        .values_list("pk", "due_at", "rule__send_late", "rule__stale_after_hours", "superseded")
    )
    skipped = [
        pk
        for pk, due_at, send_late, stale_hours, superseded in rows
        if superseded or (not send_late and as_of - due_at > dt.timedelta(hours=stale_hours))
    ]
    if skipped:
        ScheduledMessage.objects.filter(pk__in=skipped, status=Status.PENDING).update(
            status=Status.CANCELLED,
            cancelled_reason=CancelReason.MISSED,
            cancelled_at=as_of,
            updated_at=Now(),
        )
    return skipped


def too_soon_until(row: ScheduledMessage, *, as_of: dt.datetime) -> dt.datetime | None:
    """When the row may go if the patient got this rule's email less than SAME_RULE_GAP
    before `as_of` (or one is being sent right now), else None."""
    siblings = ScheduledMessage.objects.filter(
        journey__patient_id=row.journey.patient_id, rule_id=row.rule_id
    ).exclude(pk=row.pk)
    if siblings.filter(status=Status.SENDING).exists():
        last = as_of  # another worker is sending it: count it as sent now
    else:
        found = siblings.filter(status=Status.SENT, sent_at__gt=as_of - SAME_RULE_GAP).aggregate(
            last=Max("sent_at")
        )["last"]
        if found is None:
            return None
        last = found
    earliest = last + SAME_RULE_GAP
    rule = row.rule
    if rule.send_any_time:
        return earliest
    return next_in_window(
        earliest,
        zone(row.journey.patient.timezone),
        start=rule.window_start,
        end=rule.window_end,
        weekdays_mask=rule.window_weekdays,
    )
