"""Managers' reports: the funnel, speed, follow-up quality and coordinator load.

Selectors that return plain dataclasses; the pages, their CSV downloads and the API all read
the same objects, so they cannot disagree. Every figure is computed by the database with
aggregates, a fixed number of queries per report whatever the date range:

- funnel: 1 query (+1 for group labels). Without a breakdown it reads the FunnelDay rollup
  that journey_create/journey_move keep current: a few dozen rows per day, whatever the
  number of journeys. With one, it groups the journeys by (group, furthest stage reached,
  outcome, lost reason), one UNION ALL branch per period; counts add up, so the totals come
  from the same rows as the breakdown.
- speed: 1 query for the totals (+1 grouped, +1 labels with a breakdown). Percentiles do
  not add up, so a breakdown needs its own query.
- follow-ups: 1 query (+1 labels). Load: 3 queries (+1 labels).

"Reached stage X" reads the stage first-entry columns journey_move keeps on the journey row
(booked_at, arrived_at, procedure_at, followup_at) and the furthest_stage the database
derives from them, so no report reads the event table. The index journey_report_cohort
covers every column the funnel and speed reports read: a date range is an index-only scan.
A journey belongs to a report's cohort by the day its inquiry arrived, in the manager's
timezone (settings.TIME_ZONE for now). Reports hold aggregates only: no patient appears.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Sum, Value, When
from django.db.models.expressions import Combinable
from django.utils import timezone

from crm.models import Clinic, PatientSource, Procedure
from crm.roles import COORDINATOR
from followups.models import Direction, Message, ScheduledMessage, Status
from journeys.db import Percentiles, Seconds
from journeys.models import STAGE_ORDER, FunnelDay, Journey, LostReason, Outcome, Stage

# --- Parameters ----------------------------------------------------------------------------

DEFAULT_DAYS = 90
# Bounds that keep date arithmetic (the previous period) and the queries sane.
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)
MAX_DAYS = 10 * 366

GROUP_BY_CHOICES: list[tuple[str, str]] = [
    ("", "Nothing (totals only)"),
    ("coordinator", "Coordinator"),
    ("clinic", "Clinic"),
    ("procedure", "Procedure"),
    ("country", "Patient country"),
    ("source", "Patient source"),
]
GROUP_BY_VALUES = [value for value, _ in GROUP_BY_CHOICES if value]
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}

# A check-in counts as on time if it went out within this long after it was due. due_at is
# already inside the rule's send window (followups.scheduling), so this is the dispatcher's
# and the ESP's slack, not the window's.
ON_TIME = dt.timedelta(hours=1)
# An inquiry unanswered for longer than this is overdue on the load page.
ANSWER_WITHIN = dt.timedelta(hours=24)
PERCENTILES = (0.5, 0.9)
# Django rebuilds an enum's .values on every access; a breakdown builds thousands of funnels.
LOST_REASONS: tuple[str, ...] = tuple(LostReason.values)
OTHER_REASON = LostReason.OTHER.value


class ReportParamsError(ValueError):
    """Bad report parameters; `errors` maps each parameter to a message for the person."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__(" ".join(f"{name}: {message}" for name, message in errors.items()))


@dataclass(frozen=True)
class Period:
    """Inclusive calendar days in the manager's timezone."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of equal length just before this one."""
        end = self.start - dt.timedelta(days=1)
        return Period(start=end - dt.timedelta(days=self.days - 1), end=end)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start 00:00, day after end 00:00) as aware datetimes in the current timezone."""
        tz = timezone.get_current_timezone()
        return (
            dt.datetime.combine(self.start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
        )

    def as_dict(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


@dataclass(frozen=True)
class ReportParams:
    period: Period
    group_by: str = ""
    compare: bool = True

    def query(self, **overrides: str) -> dict[str, str]:
        """The parameters as a query string dict (for links that keep the filters)."""
        values = {
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "group_by": self.group_by,
        }
        if not self.compare:
            values["compare"] = "0"
        values.update(overrides)
        return {k: v for k, v in values.items() if v}


def _parse_date(name: str, raw: str) -> dt.date:
    if not _DATE.match(raw):
        raise ReportParamsError({name: f"{raw!r} is not a date; use YYYY-MM-DD."})
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        raise ReportParamsError({name: f"{raw!r} is not a date on the calendar."}) from None
    if not EARLIEST <= value <= LATEST:
        raise ReportParamsError(
            {name: f"{raw} is outside {EARLIEST.isoformat()} .. {LATEST.isoformat()}."}
        )
    return value


def parse_params(query: Mapping[str, str], *, today: dt.date | None = None) -> ReportParams:
    """Read from / to / group_by / compare. Missing dates default to the last 90 days up to
    today; anything unreadable raises ReportParamsError naming the parameter."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    dates: dict[str, dt.date | None] = {"from": None, "to": None}
    for name in dates:
        raw = (query.get(name) or "").strip()
        if raw:
            try:
                dates[name] = _parse_date(name, raw)
            except ReportParamsError as exc:
                errors.update(exc.errors)
    group_by = (query.get("group_by") or "").strip()
    if group_by and group_by not in GROUP_BY_VALUES:
        errors["group_by"] = f"{group_by!r} is not one of: {', '.join(GROUP_BY_VALUES)}."
    compare_raw = (query.get("compare") or "1").strip().lower()
    if compare_raw not in _TRUE | _FALSE:
        errors["compare"] = f"{compare_raw!r} is not a yes/no value; use 1 or 0."
    if errors:
        raise ReportParamsError(errors)

    end = dates["to"] or max(min(today, LATEST), EARLIEST)
    start = dates["from"] or max(end - dt.timedelta(days=DEFAULT_DAYS - 1), EARLIEST)
    if start > end:
        raise ReportParamsError(
            {"from": f"from ({start.isoformat()}) is after to ({end.isoformat()})."}
        )
    period = Period(start=start, end=end)
    if period.days > MAX_DAYS:
        raise ReportParamsError(
            {"to": f"The range is {period.days} days; the longest is {MAX_DAYS} days."}
        )
    return ReportParams(period=period, group_by=group_by, compare=compare_raw in _TRUE)


# --- Groups --------------------------------------------------------------------------------

# The journey column each breakdown groups by (from a Journey row).
_GROUP_FIELDS = {
    "coordinator": "coordinator_id",
    "clinic": "clinic_id",
    "procedure": "procedure_id",
    "country": "patient__country",
    "source": "patient__source",
}
TOTAL = "__total__"


def _group_expr(group_by: str, prefix: str = "") -> Combinable | Value:
    if not group_by:
        return Value(TOTAL)
    return F(prefix + _GROUP_FIELDS[group_by])


def _group_labels(
    group_by: str, keys: Iterable[Any], *, all_coordinators: bool = False
) -> dict[Any, str]:
    """Labels for the group keys found: one query for coordinators, clinics and procedures,
    none for country and source. `all_coordinators` also lists coordinators with nothing."""
    keys = set(keys)
    if group_by == "coordinator":
        users = User.objects.filter(pk__in=[k for k in keys if k is not None])
        if all_coordinators:
            users = User.objects.filter(
                Q(pk__in=[k for k in keys if k is not None]) | Q(groups__name=COORDINATOR)
            ).distinct()
        labels: dict[Any, str] = {
            u.pk: u.get_full_name() or u.username for u in users.order_by("username")
        }
        if None in keys:
            labels[None] = "Unassigned"
        return labels
    if group_by == "clinic":
        return {c.pk: str(c) for c in Clinic.objects.filter(pk__in=keys)}
    if group_by == "procedure":
        return {
            p.pk: f"{p.name} · {p.clinic.name}"
            for p in Procedure.objects.filter(pk__in=keys).select_related("clinic")
        }
    if group_by == "source":
        names = dict(PatientSource.choices)
        return {k: names.get(k, k) for k in keys}
    return {k: str(k) for k in keys}


def _rows(queryset: Any) -> list[dict[str, Any]]:
    """A values() queryset as plain dicts (its keys are built at run time)."""
    return list(queryset)


def _ordered_keys(labels: Mapping[Any, str], weight: Mapping[Any, int]) -> list[Any]:
    return sorted(labels, key=lambda k: (-weight.get(k, 0), labels[k].lower()))


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
class Group:
    key: Any
    label: str
    current: Any
    previous: Any = None


@dataclass
class FunnelReport:
    params: ReportParams
    current: Funnel
    previous: Funnel | None
    groups: list[Group]


def _rows_where(condition: Q | None = None) -> Count:
    """COUNT of cohort rows (matching `condition`). Counts the indexed, never-NULL inquiry
    time, not the id: the report index does not hold the id, and a count of it would make
    PostgreSQL read the table instead of answering from the index alone."""
    return Count("inquiry_received_at", filter=condition)


def _union(params: ReportParams, build: Callable[[Any, str], Any]) -> Any:
    """Run `build(journeys of one period, period tag)` for the current period ("c") and,
    when comparing, the previous one ("p"), as ONE query (UNION ALL). Each branch is a range
    scan of the report index on inquiry_received_at; no CASE splits the rows by period."""
    queries = []
    periods = [("c", params.period)]
    if params.compare:
        periods.append(("p", params.period.previous()))
    for tag, period in periods:
        start, end = period.bounds()
        journeys = Journey.objects.filter(
            inquiry_received_at__gte=start, inquiry_received_at__lt=end
        ).order_by()
        queries.append(build(journeys, tag))
    # order_by(): the union would otherwise take Journey's default ordering, which the
    # grouped branches do not select.
    combined = queries[0].union(*queries[1:], all=True).order_by() if queries[1:] else queries[0]
    return combined


def _plain_rows(queryset: Any, columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """A values() queryset's rows as tuples of `columns`, straight from the cursor.

    Only for plain counts and keys (no value converters needed): a breakdown by coordinator
    returns tens of thousands of small aggregate rows, and building a dict per row through
    Django's iterator took longer than PostgreSQL took to compute them."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        positions = [names.index(column) for column in columns]
        return [tuple(row[i] for i in positions) for row in cursor.fetchall()]


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
    # The satisfaction survey is not built yet (followups, a later issue): the place for its
    # average is kept on the page and reports None until surveys exist.
    satisfaction: float | None = None
    satisfaction_pending: str = "pending: needs the satisfaction survey (followups)"


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
