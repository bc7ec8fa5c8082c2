"""Due-time arithmetic for cadence rules: pure functions, no database (and the registry
of anchor adjusters apps above followups add, at the end).

All instants are aware datetimes; results are in UTC. Offsets in days are calendar days in
the patient's wall-clock time (a "+1 day" check-in at 10:00 stays at 10:00 across a DST
change); offsets in minutes and hours are elapsed time. Planned dates (arrival, procedure,
departure) are the patient's local midnight of that date.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from followups.models import CadenceRule
    from journeys.models import Journey

UTC = dt.UTC


def zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        # Patient.timezone is validated on input; an old bad value must not stop sending.
        return zoneinfo.ZoneInfo("UTC")


def localize(naive: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """A local wall-clock time as a UTC instant.

    In the spring-forward gap (02:30 on the last Sunday of March in Berlin does not exist)
    fold=0 reads the time with the offset before the change, which lands an hour later
    in real time (03:30 CEST); in the autumn overlap it takes the first of the two.

    At the ends of the calendar (0001-01-01 in a zone east of UTC) the instant does not
    exist; it is clamped to the first or last one, so an old bad date cannot stop planning.
    """
    try:
        return naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    except OverflowError:
        edge = dt.datetime.min if naive.year == dt.MINYEAR else dt.datetime.max
        return edge.replace(tzinfo=UTC)


def date_midnight(day: dt.date, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    return localize(dt.datetime.combine(day, dt.time(0, 0)), tz)


def add_offset(when: dt.datetime, value: int, unit: str, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    try:
        if unit == "days":
            local = when.astimezone(tz).replace(tzinfo=None)
            return localize(local + dt.timedelta(days=value), tz)
        if unit == "hours":
            return (when + dt.timedelta(hours=value)).astimezone(UTC)
        if unit == "minutes":
            return (when + dt.timedelta(minutes=value)).astimezone(UTC)
    except OverflowError:
        # Past an end of the calendar (see localize): the edge in the offset's direction.
        edge = dt.datetime.max if value > 0 else dt.datetime.min
        return edge.replace(tzinfo=UTC)
    raise ValueError(f"Unknown unit {unit!r}.")


def next_in_window(
    when: dt.datetime,
    tz: zoneinfo.ZoneInfo,
    *,
    start: dt.time,
    end: dt.time,
    weekdays_mask: int,
) -> dt.datetime:
    """`when` if it falls inside the send window in local time, else the next opening.

    "Inside" is read on the patient's wall clock, not by comparing with the instants of
    the window's edges: a window ending in the spring-forward gap (01:00-02:30 on a night
    the clock jumps from 02:00 to 03:00) is closed at 03:15, although 02:30 read with the
    winter offset would be later. An opening in the gap is read as `localize` does (an
    hour later); an hour that happens twice is inside both times, and an opening in it
    comes twice.
    """
    if not weekdays_mask & 0b1111111:
        raise ValueError("The send window allows no weekday.")
    when = when.astimezone(UTC)
    local = when.astimezone(tz)
    if weekdays_mask & (1 << local.weekday()) and start <= local.time() < end:
        return when
    for days in range(8):
        day = local.date() + dt.timedelta(days=days)
        if not weekdays_mask & (1 << day.weekday()):
            continue
        naive = dt.datetime.combine(day, start)
        # fold=0 first (see localize); fold=1 is the second reading of an hour that
        # happens twice, which still lies ahead when `when` is between the two.
        for fold in (0, 1):
            opens = naive.replace(tzinfo=tz, fold=fold).astimezone(UTC)
            if opens > when:
                return opens
    raise AssertionError("unreachable: a week always contains an allowed weekday")


@dataclass(frozen=True)
class PlannedTime:
    index: int  # position in the rule's series, 0-based
    due_at: dt.datetime  # window-adjusted, UTC
    nominal_at: dt.datetime  # before the window moved it


def anchor_instants(
    *,
    stage_entered_at: dt.datetime,
    planned_arrival: dt.date | None,
    planned_procedure: dt.date | None,
    planned_departure: dt.date | None,
    tz: zoneinfo.ZoneInfo,
) -> dict[str, dt.datetime | None]:
    def at(day: dt.date | None) -> dt.datetime | None:
        # A date in the first or last year of the calendar is a typo that got past the
        # forms (they allow 2000-2100); treat it as unknown rather than overflow.
        if day is None or not dt.MINYEAR < day.year < dt.MAXYEAR:
            return None
        return date_midnight(day, tz)

    return {
        "stage_entry": stage_entered_at.astimezone(UTC),
        "planned_arrival": at(planned_arrival),
        "planned_procedure": at(planned_procedure),
        "planned_departure": at(planned_departure),
    }


def plan_rule_times(
    rule: CadenceRule, *, anchors: dict[str, dt.datetime | None], tz: zoneinfo.ZoneInfo
) -> list[PlannedTime]:
    """The series of due times a rule asks for. Empty while its anchor date is unknown.

    A repeating rule runs from its first time every `repeat_every` units, stopping before
    its `repeat_until` date when that is known, and after `max_occurrences` in any case
    (the bound for "while in the stage": leaving the stage cancels what is left).
    """
    anchor_at = anchors.get(rule.anchor)
    if anchor_at is None:
        return []
    first = add_offset(anchor_at, rule.offset_value, rule.offset_unit, tz)
    until = anchors.get(rule.repeat_until) if rule.repeat_every and rule.repeat_until else None
    count = rule.max_occurrences if rule.repeat_every else 1
    planned: list[PlannedTime] = []
    for index in range(count):
        # Each time from the anchor (or the first), not from the previous: no drift across
        # DST changes. With day offsets and day repeats, from the anchor's wall clock: a
        # first time that fell in a spring gap (read an hour later) must not carry that
        # hour into the rest of the series.
        if not index:
            nominal = first
        elif rule.repeat_unit == rule.offset_unit:
            units = rule.offset_value + index * rule.repeat_every
            nominal = add_offset(anchor_at, units, rule.offset_unit, tz)
        else:
            nominal = add_offset(first, index * rule.repeat_every, rule.repeat_unit, tz)
        if until is not None and nominal >= until:
            break
        if rule.send_any_time:
            due = nominal
        else:
            due = next_in_window(
                nominal,
                tz,
                start=rule.window_start,
                end=rule.window_end,
                weekdays_mask=rule.window_weekdays,
            )
        if until is not None and due >= until:
            break
        # Several nominal times closed by the window open at the same moment: one message.
        if planned and due <= planned[-1].due_at:
            continue
        planned.append(PlannedTime(index=index, due_at=due, nominal_at=nominal))
    return planned


# --- Anchors apps above followups move ---------------------------------------------------
# name -> adjuster(journey=, rules=, anchors=, tz=) -> {rule id: that rule's anchors}.
# A rule stays data (its anchor, offset and window are edited in the admin); an app above
# followups may only say "for these rules, read the anchor as this later instant" (feedback
# delays the satisfaction survey until after the journey's last after-care step). Rules an
# adjuster does not name use the journey's own anchors.
_anchor_adjusters: dict[str, Callable[..., dict[int, dict[str, dt.datetime | None]]]] = {}


def register_anchor_adjuster(
    name: str, adjuster: Callable[..., dict[int, dict[str, dt.datetime | None]]]
) -> None:
    """From an AppConfig.ready() (registering the same name again replaces it)."""
    _anchor_adjusters[name] = adjuster


def unregister_anchor_adjuster(name: str) -> None:
    _anchor_adjusters.pop(name, None)


def adjusted_anchors(
    *,
    journey: Journey,
    rules: list[CadenceRule],
    anchors: dict[str, dt.datetime | None],
    tz: zoneinfo.ZoneInfo,
) -> dict[int, dict[str, dt.datetime | None]]:
    per_rule: dict[int, dict[str, dt.datetime | None]] = {}
    for adjuster in _anchor_adjusters.values():
        per_rule.update(adjuster(journey=journey, rules=rules, anchors=anchors, tz=tz))
    return per_rule
