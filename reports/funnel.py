"""The funnel: where journeys stop, stage by stage, and the show rate."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, F, Q, Sum, Value, When
from django.utils import timezone

from journeys.models import STAGE_ORDER, FunnelDay, Outcome, Stage
from reports.params import (
    LOST_REASONS,
    OTHER_REASON,
    TOTAL,
    Group,
    ReportParams,
    _group_expr,
    _group_labels,
    _ordered_keys,
    _plain_rows,
    _rows_where,
    _union,
)

# --- Funnel --------------------------------------------------------------------------------


@dataclass
class StageRow:
    """One stage of a funnel. A journey "stops" at the furthest stage it reached; there it is
    lost (by reason), postponed (right now), still in progress, or (follow-up) completed."""

    stage: str
    reached: int = 0
    went_on: int = 0
    lost: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LOST_REASONS, 0))
    postponed: int = 0
    in_progress: int = 0
    inquiries: int = 0

    @property
    def label(self) -> str:
        return str(Stage(self.stage).label)

    @property
    def lost_total(self) -> int:
        return sum(self.lost.values())

    @property
    def dropped(self) -> int:
        """Stopped here, lost or postponed."""
        return self.lost_total + self.postponed

    @property
    def conversion(self) -> float | None:
        """Share of those who reached this stage that reached the next one (completed, for
        follow-up)."""
        return self.went_on / self.reached if self.reached else None

    @property
    def share(self) -> float | None:
        """Share of the cohort's inquiries that reached this stage."""
        return self.reached / self.inquiries if self.inquiries else None


@dataclass
class ShowRate:
    """Of the booked patients whose arrival is decided: who arrived, who did not."""

    arrived: int = 0
    lost: int = 0
    postponed: int = 0
    waiting: int = 0

    @property
    def rate(self) -> float | None:
        decided = self.arrived + self.lost + self.postponed
        return self.arrived / decided if decided else None


@dataclass
class Funnel:
    stages: list[StageRow]
    came_back: int = 0
    postponed_ever: int = 0

    @property
    def inquiries(self) -> int:
        return self.stages[0].reached

    @property
    def completed(self) -> int:
        return self.stages[-1].went_on

    @property
    def overall(self) -> float | None:
        """Share of inquiries that reached follow-up (had their procedure)."""
        return self.stages[-1].reached / self.inquiries if self.inquiries else None

    @property
    def show(self) -> ShowRate:
        booked = self.stages[1]
        return ShowRate(
            arrived=self.stages[2].reached,
            lost=booked.lost_total,
            postponed=booked.postponed,
            waiting=booked.in_progress,
        )

    def stage(self, stage: str) -> StageRow:
        return self.stages[STAGE_ORDER.index(stage)]


# One aggregated row of the funnel query: (furthest stage index, outcome, lost reason) ->
# (journeys, journeys ever postponed).
Cells = dict[tuple[int, str, str], tuple[int, int]]


def _funnel_from_cells(cells: Cells) -> Funnel:
    """Build a funnel from the aggregated rows (a few dozen at most, never journeys)."""
    stopped = [StageRow(stage=s) for s in STAGE_ORDER]
    came_back = postponed_ever = 0
    for (furthest, outcome, lost_reason), (n, paused) in cells.items():
        row = stopped[furthest]
        if outcome == Outcome.LOST:
            reason = lost_reason if lost_reason in row.lost else OTHER_REASON
            row.lost[reason] += n
        elif outcome == Outcome.POSTPONED:
            row.postponed += n
        elif outcome == Outcome.COMPLETED:
            row.went_on += n
        else:
            row.in_progress += n
        postponed_ever += paused
        if outcome != Outcome.POSTPONED:
            came_back += paused
        # Reached every stage up to the furthest.
        for earlier in stopped[: furthest + 1]:
            earlier.reached += n
    for index, row in enumerate(stopped[:-1]):
        row.went_on = stopped[index + 1].reached
    for row in stopped:
        row.inquiries = stopped[0].reached
    return Funnel(stages=stopped, came_back=came_back, postponed_ever=postponed_ever)


@dataclass
class FunnelReport:
    params: ReportParams
    current: Funnel
    previous: Funnel | None
    groups: list[Group]


def rollup_usable() -> bool:
    """FunnelDay counts calendar days in settings.TIME_ZONE: it answers for a manager whose
    days are those days (everyone, for now)."""
    return timezone.get_current_timezone_name() == timezone.get_default_timezone_name()


def _funnel_rows_from_rollup(params: ReportParams) -> list[tuple[Any, ...]]:
    """The totals' funnel cells from the FunnelDay rollup: a few dozen rows per day."""
    since = params.period.previous().start if params.compare else params.period.start
    rows = (
        FunnelDay.objects.filter(day__gte=since, day__lte=params.period.end)
        .order_by()
        .values(
            key=Value(TOTAL),
            period=Case(When(day__gte=params.period.start, then=Value("c")), default=Value("p")),
            furthest=F("furthest_stage"),
            outcome_=F("outcome"),
            reason=F("lost_reason"),
        )
        .annotate(n=Sum("journeys"), paused=Sum("journeys", filter=Q(postponed_ever=True)))
    )
    columns = ("key", "period", "furthest", "outcome_", "reason", "n", "paused")
    return [(*row[:-1], row[-1] or 0) for row in _plain_rows(rows, columns)]


def funnel_report(params: ReportParams, *, rollup: bool | None = None) -> FunnelReport:
    """`rollup`: read the totals from FunnelDay (None: whenever there is no breakdown and
    the timezone allows); False reads the journeys, as breakdowns always do."""
    if rollup is None:
        rollup = not params.group_by and rollup_usable()
    if rollup and params.group_by:
        raise ValueError("The FunnelDay rollup has totals only, no breakdown.")

    def build(journeys: Any, tag: str) -> Any:
        return journeys.values(
            key=_group_expr(params.group_by),
            period=Value(tag),
            furthest=F("furthest_stage"),
            outcome_=F("outcome"),
            reason=F("lost_reason"),
        ).annotate(n=_rows_where(), paused=_rows_where(Q(times_postponed__gt=0)))

    cells: dict[tuple[Any, str], Cells] = defaultdict(dict)
    columns = ("key", "period", "furthest", "outcome_", "reason", "n", "paused")
    found = (
        _funnel_rows_from_rollup(params) if rollup else _plain_rows(_union(params, build), columns)
    )
    for key, period, furthest, outcome, reason, n, paused in found:
        before = cells[key, period].get((furthest, outcome, reason), (0, 0))
        cells[key, period][furthest, outcome, reason] = (before[0] + n, before[1] + paused)

    def merged(period: str) -> Cells:
        total: dict[tuple[int, str, str], tuple[int, int]] = {}
        for (_, p), group_cells in cells.items():
            if p != period:
                continue
            for cell, (n, paused) in group_cells.items():
                before = total.get(cell, (0, 0))
                total[cell] = (before[0] + n, before[1] + paused)
        return total

    groups: list[Group] = []
    if params.group_by:
        keys = {k for k, _ in cells}
        labels = _group_labels(params.group_by, keys)
        current = {k: _funnel_from_cells(cells.get((k, "c"), {})) for k in keys}
        for key in _ordered_keys(labels, {k: f.inquiries for k, f in current.items()}):
            if key not in keys:
                continue
            previous = _funnel_from_cells(cells.get((key, "p"), {})) if params.compare else None
            groups.append(Group(key, labels[key], current[key], previous))
    return FunnelReport(
        params=params,
        current=_funnel_from_cells(merged("c")),
        previous=_funnel_from_cells(merged("p")) if params.compare else None,
        groups=groups,
    )
