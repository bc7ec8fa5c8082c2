"""The reports' parameters (period, comparison, breakdown) and the groups a breakdown
labels. Shared by every report."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Count, F, Q, Value
from django.db.models.expressions import Combinable
from django.utils import timezone

from crm.models import Clinic, PatientSource, Procedure
from crm.roles import COORDINATOR
from journeys.models import Journey, LostReason

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


@dataclass
class Group:
    key: Any
    label: str
    current: Any
    previous: Any = None


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
