"""Speed: time to the first answer and time in each stage."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, Value

from journeys.db import Percentiles, Seconds
from journeys.models import STAGE_ORDER, Outcome, Stage
from reports.funnel import ShowRate
from reports.params import (
    PERCENTILES,
    Group,
    ReportParams,
    _group_expr,
    _group_labels,
    _ordered_keys,
    _rows_where,
    _union,
)

# --- Speed ---------------------------------------------------------------------------------


@dataclass
class Spread:
    """How long something took, over `count` journeys: median and 90th percentile, seconds."""

    count: int = 0
    median: float | None = None
    p90: float | None = None


@dataclass
class StageTime:
    """Time from first entering `stage` to first entering the next one (to completion, for
    follow-up), over the journeys that went on."""

    stage: str
    spread: Spread

    @property
    def label(self) -> str:
        return str(Stage(self.stage).label)


@dataclass
class Speed:
    inquiries: int
    answered: int
    within_1h: int
    within_24h: int
    first_response: Spread
    stage_times: list[StageTime]
    show: ShowRate

    @property
    def unanswered(self) -> int:
        return self.inquiries - self.answered

    @property
    def share_1h(self) -> float | None:
        """Share of all inquiries answered within an hour (unanswered ones count as not)."""
        return self.within_1h / self.inquiries if self.inquiries else None

    @property
    def share_24h(self) -> float | None:
        return self.within_24h / self.inquiries if self.inquiries else None


# (end, start) columns of each stage's duration; follow-up ends at completion only.
_STAGE_SPANS = {
    Stage.INQUIRY.value: ("booked_at", "inquiry_received_at"),
    Stage.BOOKED.value: ("arrived_at", "booked_at"),
    Stage.ARRIVAL.value: ("procedure_at", "arrived_at"),
    Stage.PROCEDURE.value: ("followup_at", "procedure_at"),
    Stage.FOLLOWUP.value: ("closed_at", "followup_at"),
}


def _speed_aggregates() -> dict[str, Any]:
    response = Seconds("first_response_at", "inquiry_received_at")
    aggregates: dict[str, Any] = {
        "inquiries": _rows_where(),
        "answered": Count("first_response_at"),
        "within_1h": _rows_where(
            Q(first_response_at__lte=F("inquiry_received_at") + dt.timedelta(hours=1)),
        ),
        "within_24h": _rows_where(
            Q(first_response_at__lte=F("inquiry_received_at") + dt.timedelta(hours=24)),
        ),
        "fr": Percentiles(response, PERCENTILES),
        "arrived": _rows_where(Q(furthest_stage__gte=2)),
        "noshow_lost": _rows_where(Q(furthest_stage=1, outcome=Outcome.LOST)),
        "noshow_postponed": _rows_where(Q(furthest_stage=1, outcome=Outcome.POSTPONED)),
        "noshow_waiting": _rows_where(Q(furthest_stage=1, outcome=Outcome.ACTIVE)),
    }
    for stage, (end, start) in _STAGE_SPANS.items():
        only = Q(outcome=Outcome.COMPLETED) if stage == Stage.FOLLOWUP else None
        span = Seconds(end, start)
        aggregates[f"n_{stage}"] = Count(span, filter=only)
        aggregates[f"t_{stage}"] = Percentiles(span, PERCENTILES, filter=only)
    return aggregates


def _spread(count: int, values: list[float] | None) -> Spread:
    if not values:
        return Spread(count=count)
    return Spread(count=count, median=values[0], p90=values[1])


def _speed_from_row(row: Mapping[str, Any]) -> Speed:
    return Speed(
        inquiries=row["inquiries"],
        answered=row["answered"],
        within_1h=row["within_1h"],
        within_24h=row["within_24h"],
        first_response=_spread(row["answered"], row["fr"]),
        stage_times=[
            StageTime(stage=s, spread=_spread(row[f"n_{s}"], row[f"t_{s}"])) for s in STAGE_ORDER
        ],
        show=ShowRate(
            arrived=row["arrived"],
            lost=row["noshow_lost"],
            postponed=row["noshow_postponed"],
            waiting=row["noshow_waiting"],
        ),
    )


_EMPTY_SPEED_ROW: dict[str, Any] = {
    "inquiries": 0,
    "answered": 0,
    "within_1h": 0,
    "within_24h": 0,
    "fr": None,
    "arrived": 0,
    "noshow_lost": 0,
    "noshow_postponed": 0,
    "noshow_waiting": 0,
    **{f"n_{s}": 0 for s in STAGE_ORDER},
    **{f"t_{s}": None for s in STAGE_ORDER},
}


@dataclass
class SpeedReport:
    params: ReportParams
    current: Speed
    previous: Speed | None
    groups: list[Group]


def speed_report(params: ReportParams) -> SpeedReport:
    aggregates = _speed_aggregates()

    # Percentiles of a whole are not made of its parts' percentiles: the totals are one
    # query (both periods), the breakdown another.
    def totals_query(journeys: Any, tag: str) -> Any:
        return journeys.values(period=Value(tag)).annotate(**aggregates)

    totals = {row["period"]: row for row in _union(params, totals_query)}
    groups: list[Group] = []
    if params.group_by:

        def groups_query(journeys: Any, tag: str) -> Any:
            return journeys.values(key=_group_expr(params.group_by), period=Value(tag)).annotate(
                **aggregates
            )

        by_group: dict[Any, dict[str, Mapping[str, Any]]] = defaultdict(dict)
        for row in _union(params, groups_query):
            by_group[row["key"]][row["period"]] = row
        labels = _group_labels(params.group_by, by_group)
        weight = {k: rows.get("c", _EMPTY_SPEED_ROW)["inquiries"] for k, rows in by_group.items()}
        for key in _ordered_keys(labels, weight):
            rows = by_group[key]
            groups.append(
                Group(
                    key,
                    labels[key],
                    _speed_from_row(rows.get("c", _EMPTY_SPEED_ROW)),
                    _speed_from_row(rows.get("p", _EMPTY_SPEED_ROW)) if params.compare else None,
                )
            )
    return SpeedReport(
        params=params,
        current=_speed_from_row(totals.get("c", _EMPTY_SPEED_ROW)),
        previous=_speed_from_row(totals.get("p", _EMPTY_SPEED_ROW)) if params.compare else None,
        groups=groups,
    )
