"""Coordinator load: open work right now."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from followups.models import ScheduledMessage, Status
from journeys.models import STAGE_ORDER, Journey, Outcome, Stage
from reports.params import ANSWER_WITHIN, Group, _group_expr, _group_labels, _ordered_keys, _rows

# --- Coordinator load ----------------------------------------------------------------------


@dataclass
class Load:
    """Open work right now (not a cohort): what each coordinator carries."""

    active: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGE_ORDER, 0))
    postponed: int = 0
    unanswered: int = 0  # inquiries with no first response after ANSWER_WITHIN
    reengage_due: int = 0  # postponed past the date to re-engage
    dates_passed: int = 0  # booked past the planned arrival, or arrived past the procedure
    replies_waiting: int = 0  # the patient wrote and nobody answered yet
    failed_checkins: int = 0  # automated messages on active journeys that gave up

    @property
    def active_total(self) -> int:
        return sum(self.active.values())

    @property
    def overdue(self) -> int:
        return self.unanswered + self.reengage_due + self.dates_passed + self.failed_checkins

    def add(self, other: Load) -> None:
        for stage, n in other.active.items():
            self.active[stage] += n
        for name in (
            "postponed",
            "unanswered",
            "reengage_due",
            "dates_passed",
            "replies_waiting",
            "failed_checkins",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class LoadReport:
    group_by: str
    total: Load
    groups: list[Group]


def load_report(group_by: str = "coordinator", *, now: dt.datetime | None = None) -> LoadReport:
    now = now or timezone.now()
    today = timezone.localdate(now)
    group_by = group_by or "coordinator"
    active = Q(outcome=Outcome.ACTIVE)
    loads: dict[Any, Load] = defaultdict(Load)

    journeys = (
        Journey.objects.filter(outcome__in=[Outcome.ACTIVE, Outcome.POSTPONED])
        .order_by()
        .values(key=_group_expr(group_by))
        .annotate(
            **{f"a_{s}": Count("id", filter=active & Q(stage=s)) for s in STAGE_ORDER},
            postponed=Count("id", filter=Q(outcome=Outcome.POSTPONED)),
            unanswered=Count(
                "id",
                filter=active
                & Q(
                    stage=Stage.INQUIRY,
                    first_response_at__isnull=True,
                    inquiry_received_at__lt=now - ANSWER_WITHIN,
                ),
            ),
            reengage_due=Count(
                "id", filter=Q(outcome=Outcome.POSTPONED, postponed_until__lt=today)
            ),
            dates_passed=Count(
                "id",
                filter=active
                & (
                    Q(stage=Stage.BOOKED, planned_arrival__lt=today)
                    | Q(stage=Stage.ARRIVAL, planned_procedure__lt=today)
                ),
            ),
        )
    )
    for row in _rows(journeys):
        load = loads[row["key"]]
        load.active = {s: row[f"a_{s}"] for s in STAGE_ORDER}
        for name in ("postponed", "unanswered", "reengage_due", "dates_passed"):
            setattr(load, name, row[name])

    # The inbox's own queue (followups.selectors.replies_waiting_for): the patient wrote and
    # no coordinator answered yet, closed journeys included. A partial index holds them.
    waiting = (
        Journey.objects.filter(awaiting_reply_since__isnull=False)
        .order_by()
        .values(key=_group_expr(group_by))
        .annotate(n=Count("id"))
    )
    for row in _rows(waiting):
        loads[row["key"]].replies_waiting = row["n"]

    failed = (
        ScheduledMessage.objects.filter(status=Status.FAILED, journey__outcome=Outcome.ACTIVE)
        .order_by()
        .values(key=_group_expr(group_by, "journey__"))
        .annotate(n=Count("id"))
    )
    for row in _rows(failed):
        loads[row["key"]].failed_checkins = row["n"]

    labels = _group_labels(group_by, loads, all_coordinators=group_by == "coordinator")
    total = Load()
    groups: list[Group] = []
    for key in _ordered_keys(labels, {k: v.active_total for k, v in loads.items()}):
        load = loads[key]  # coordinators with nothing get an empty row
        total.add(load)
        groups.append(Group(key, labels[key], load))
    return LoadReport(group_by=group_by, total=total, groups=groups)
