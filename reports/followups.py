"""Follow-up quality: automated check-ins due in the period, on time, late, failed,
answered."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from followups.models import Direction, Message, ScheduledMessage, Status
from journeys.models import STAGE_ORDER
from reports.params import (
    ON_TIME,
    Group,
    ReportParams,
    _group_expr,
    _group_labels,
    _ordered_keys,
    _rows,
)

# --- Follow-up quality ---------------------------------------------------------------------


@dataclass
class CheckIns:
    """Automated messages due in the period. On time: sent within ON_TIME of due_at."""

    on_time: int = 0
    late: int = 0
    failed: int = 0
    overdue: int = 0  # still unsent more than ON_TIME after it was due
    upcoming: int = 0  # not due yet (or due less than ON_TIME ago)
    cancelled: int = 0  # a stop condition fired (a reply, a move, an opt-out)
    replied: int = 0  # sent, and the patient wrote back before our next email

    def add(self, other: CheckIns) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def sent(self) -> int:
        return self.on_time + self.late

    @property
    def due(self) -> int:
        """Messages that should have gone out by now."""
        return self.on_time + self.late + self.failed + self.overdue

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def reply_rate(self) -> float | None:
        return self.replied / self.sent if self.sent else None


@dataclass
class Cadence:
    key: str
    stage: str
    checkins: CheckIns


@dataclass
class FollowupReport:
    params: ReportParams
    total: CheckIns
    cadences: list[Cadence]
    groups: list[Group]


def _replied() -> Exists:
    """An inbound message on the journey after this one was sent and before any later
    outbound message (ours or a coordinator's)."""
    later_outbound = Message.objects.filter(
        journey_id=OuterRef(OuterRef("journey_id")),
        direction=Direction.OUT,
        sent_at__gt=OuterRef(OuterRef("sent_at")),
        sent_at__lt=OuterRef("sent_at"),
    )
    return Exists(
        Message.objects.filter(
            journey_id=OuterRef("journey_id"),
            direction=Direction.IN,
            # A real reply from the patient: not an auto-reply, a bounce or another sender.
            counts_as_reply=True,
            sent_at__gt=OuterRef("sent_at"),
        ).filter(~Exists(later_outbound))
    )


def followup_report(params: ReportParams, *, now: dt.datetime | None = None) -> FollowupReport:
    now = now or timezone.now()
    start, end = params.period.bounds()
    unsent = [Status.PENDING, Status.CLAIMED, Status.SENDING]
    sent = Q(status=Status.SENT)
    rows = (
        ScheduledMessage.objects.filter(due_at__gte=start, due_at__lt=end)
        .order_by()
        .alias(has_reply=_replied())
        .values(
            key=_group_expr(params.group_by, "journey__"),
            rule_key=F("rule__key"),
            rule_stage=F("rule__stage"),
        )
        .annotate(
            on_time=Count("id", filter=sent & Q(sent_at__lte=F("due_at") + ON_TIME)),
            late=Count("id", filter=sent & Q(sent_at__gt=F("due_at") + ON_TIME)),
            failed=Count("id", filter=Q(status=Status.FAILED)),
            overdue=Count("id", filter=Q(status__in=unsent, due_at__lt=now - ON_TIME)),
            upcoming=Count("id", filter=Q(status__in=unsent, due_at__gte=now - ON_TIME)),
            cancelled=Count("id", filter=Q(status=Status.CANCELLED)),
            replied=Count("id", filter=sent & Q(has_reply=True)),
        )
    )
    total = CheckIns()
    cadences: dict[str, Cadence] = {}
    by_group: dict[Any, CheckIns] = defaultdict(CheckIns)
    for row in _rows(rows):
        checkins = CheckIns(**{name: row[name] for name in CheckIns.__dataclass_fields__})
        total.add(checkins)
        cadence = cadences.setdefault(
            row["rule_key"], Cadence(row["rule_key"], row["rule_stage"], CheckIns())
        )
        cadence.checkins.add(checkins)
        by_group[row["key"]].add(checkins)
    groups: list[Group] = []
    if params.group_by:
        labels = _group_labels(params.group_by, by_group)
        for key in _ordered_keys(labels, {k: c.due for k, c in by_group.items()}):
            groups.append(Group(key, labels[key], by_group[key]))
    ordered = sorted(
        cadences.values(),
        key=lambda c: (STAGE_ORDER.index(c.stage) if c.stage in STAGE_ORDER else 99, c.key),
    )
    return FollowupReport(params=params, total=total, cadences=ordered, groups=groups)
