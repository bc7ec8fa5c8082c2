"""Assignment: how new inquiries were shared out (intake's automatic assignment, by hand,
left in the team queue) and how fast each coordinator gave the first answer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from journeys.db import Percentiles, Seconds
from journeys.models import EventKind, Journey, JourneyEvent
from reports.params import Group, ReportParams, _group_labels, _ordered_keys


@dataclass
class Assignments:
    automatic: int = 0  # ASSIGNED events by the rules (data.assignment == "auto")
    by_hand: int = 0  # ASSIGNED events by a person (or at creation by whoever filed it)
    inquiries: int = 0  # journeys whose inquiry arrived in the period, by current coordinator
    answered: int = 0
    first_answer: list[float | None] = field(default_factory=lambda: [None, None])

    @property
    def median(self) -> float | None:
        return self.first_answer[0]

    @property
    def p90(self) -> float | None:
        return self.first_answer[1]

    @property
    def answered_rate(self) -> float | None:
        return self.answered / self.inquiries if self.inquiries else None


@dataclass
class AssignmentReport:
    total: Assignments
    team_queue: int  # inquiries the rules left unassigned (nobody fitted)
    groups: list[Group]


def assignment_report(params: ReportParams) -> AssignmentReport:
    """Four queries: assignment events, team-queue notes, the cohort's first answers per
    coordinator (and overall), then the coordinators' names."""
    start, end = params.period.bounds()
    rows: dict[Any, Assignments] = defaultdict(Assignments)
    events = (
        JourneyEvent.objects.filter(
            kind=EventKind.ASSIGNED, created_at__gte=start, created_at__lt=end
        )
        .order_by()
        .values("data__coordinator_id")
        .annotate(
            auto=Count("id", filter=Q(data__assignment="auto")),
            all=Count("id"),
        )
    )
    for event_row in events:
        key = event_row["data__coordinator_id"]
        if key is None:
            continue  # "unassigned" events
        rows[key].automatic = event_row["auto"]
        rows[key].by_hand = event_row["all"] - event_row["auto"]
    team_queue = JourneyEvent.objects.filter(
        kind=EventKind.NOTE,
        created_at__gte=start,
        created_at__lt=end,
        data__assignment="team_queue",
    ).count()
    answer = Seconds("first_response_at", "inquiry_received_at")
    cohort = Journey.objects.filter(
        inquiry_received_at__gte=start, inquiry_received_at__lt=end
    ).order_by()
    total = Assignments()
    for row in cohort.values("coordinator_id").annotate(
        n=Count("inquiry_received_at"),
        answered=Count("first_response_at"),
        spread=Percentiles(answer, (0.5, 0.9)),
    ):
        found = rows[row["coordinator_id"]]
        found.inquiries, found.answered = row["n"], row["answered"]
        found.first_answer = row["spread"] or [None, None]
    overall = cohort.aggregate(
        n=Count("inquiry_received_at"),
        answered=Count("first_response_at"),
        spread=Percentiles(answer, (0.5, 0.9)),
    )
    total.inquiries, total.answered = overall["n"], overall["answered"]
    total.first_answer = overall["spread"] or [None, None]
    total.automatic = sum(r.automatic for r in rows.values())
    total.by_hand = sum(r.by_hand for r in rows.values())
    labels = _group_labels("coordinator", rows, all_coordinators=True)
    groups = [
        Group(key, labels[key], rows[key])
        for key in _ordered_keys(labels, {k: v.automatic + v.by_hand for k, v in rows.items()})
    ]
    return AssignmentReport(total=total, team_queue=team_queue, groups=groups)
