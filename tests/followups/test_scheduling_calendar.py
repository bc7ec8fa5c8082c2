"""The scheduling and planning rules on every day of a week and on both DST changes of a
year, for patients east (Berlin, Sydney, Kathmandu) and west (New York) of UTC.

The expectations come from a small brute-force model written here, not from the code under
test: a send window is "the first instant at or after a time whose local wall clock is
inside the window on an allowed weekday", found by walking the clock a quarter of an hour
at a time (every window edge of every zone used here lies on a quarter hour of UTC), and a
local time is turned into an instant by trying the zone's offsets. The explicit cases at
the end pin down what a time that does not exist (spring forward) or exists twice (fall
back) means.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from crm.models import Clinic, Procedure
from followups.models import MON_TO_FRI, CadenceRule, ScheduledMessage, Status
from followups.scheduling import add_offset, anchor_instants, next_in_window, plan_rule_times
from followups.services import messages_plan_seeded, messages_reschedule_for_dates
from journeys.models import Journey, Stage
from journeys.services import journey_create, journey_move
from tests.conftest import make_patient

UTC = dt.UTC
ALL_DAYS = 0b1111111
WEEKEND = 0b1100000
QUARTER = dt.timedelta(minutes=15)
DAY = dt.timedelta(days=1)


# --- The calendar: a week without a change, and the weeks before both changes ---


@dataclass(frozen=True)
class Week:
    zone: str
    name: str
    sunday: dt.date  # the week runs Monday..Sunday; a DST change happens on this Sunday
    night: dt.time  # on the change's Sunday: a local time the change skips or repeats

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.zone)

    @property
    def days(self) -> list[dt.date]:
        return [self.sunday - dt.timedelta(days=6 - n) for n in range(7)]

    def __str__(self) -> str:
        return f"{self.zone}-{self.name}"


WEEKS = [
    # Berlin: forward 02:00 -> 03:00 on 28 March 2027, back 03:00 -> 02:00 on 25 October 2026.
    Week("Europe/Berlin", "ordinary", dt.date(2026, 6, 14), dt.time(2, 30)),
    Week("Europe/Berlin", "spring-forward", dt.date(2027, 3, 28), dt.time(2, 30)),
    Week("Europe/Berlin", "fall-back", dt.date(2026, 10, 25), dt.time(2, 30)),
    # New York: forward 02:00 -> 03:00 on 14 March 2027, back 02:00 -> 01:00 on 1 November 2026.
    Week("America/New_York", "ordinary", dt.date(2026, 6, 14), dt.time(2, 30)),
    Week("America/New_York", "spring-forward", dt.date(2027, 3, 14), dt.time(2, 30)),
    Week("America/New_York", "fall-back", dt.date(2026, 11, 1), dt.time(1, 30)),
    # Sydney (southern summer): forward 02:00 -> 03:00 on 4 October 2026, back 03:00 ->
    # 02:00 on 4 April 2027.
    Week("Australia/Sydney", "ordinary", dt.date(2026, 6, 14), dt.time(2, 30)),
    Week("Australia/Sydney", "spring-forward", dt.date(2026, 10, 4), dt.time(2, 30)),
    Week("Australia/Sydney", "fall-back", dt.date(2027, 4, 4), dt.time(2, 30)),
    # Kathmandu: UTC+05:45 all year, so local midnight and 09:00 are not on a UTC hour.
    Week("Asia/Kathmandu", "ordinary", dt.date(2026, 6, 14), dt.time(2, 30)),
]
# Local times to start at, Monday..Saturday: before, at and inside the window, its last
# minute, its end, and late evening (Sunday starts at the week's night time).
HOURS = [dt.time(0, 30), dt.time(7, 45), dt.time(9, 0), dt.time(12, 15), dt.time(17, 59)]
HOURS += [dt.time(18, 0)]


@pytest.fixture
def procedure(clinic: Clinic) -> Procedure:
    """A procedure without an after-care plan: the follow-up emails then follow their
    cadence rules alone. (With a plan, feedback.timing moves the satisfaction survey to
    after the last after-care step, which is not what this calendar model checks.)"""
    return Procedure.objects.create(
        name="Second opinion", clinic=clinic, typical_stay_days=7, recovery_days=14
    )


def weeks(*names: str) -> list[Any]:
    return [pytest.param(w, id=str(w)) for w in WEEKS if not names or w.name in names]


@pytest.mark.parametrize("week", weeks())
def test_the_weeks_hold_the_changes_they_claim(week: Week) -> None:
    """tzdata says so: the offset differs before and after the Sunday only in change weeks
    (and spring forward makes the offset larger in both hemispheres)."""
    saturday = instant_of(dt.datetime.combine(week.days[5], dt.time(12)), week.tz)
    monday = instant_of(dt.datetime.combine(week.sunday + DAY, dt.time(12)), week.tz)
    before, after = saturday.astimezone(week.tz).utcoffset(), monday.astimezone(week.tz).utcoffset()
    assert before is not None and after is not None
    expected = {"ordinary": dt.timedelta(0), "spring-forward": dt.timedelta(hours=1)}
    assert after - before == expected.get(week.name, dt.timedelta(hours=-1))


# --- The model ---


def wall(instant: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """What the patient's clock shows at `instant` (naive)."""
    return instant.astimezone(tz).replace(tzinfo=None)


def instant_of(local: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """The instant a local wall-clock time means. Tries the offsets in force a day before
    and a day after: of the instants that show `local`, the first (an autumn overlap shows
    it twice); if none does (it falls in a spring gap), `local` read with the offset from
    before the change, which the clock shows as that much later."""
    offsets = {tz.utcoffset(local - DAY), tz.utcoffset(local + DAY)}
    showing = sorted(
        u
        for offset in offsets
        if offset is not None and wall(u := (local - offset).replace(tzinfo=UTC), tz) == local
    )
    if showing:
        return showing[0]
    before = tz.utcoffset(local - DAY)
    assert before is not None
    return (local - before).replace(tzinfo=UTC)


def inside(instant: dt.datetime, tz: zoneinfo.ZoneInfo, rule: Any) -> bool:
    local = wall(instant, tz)
    return bool(rule.window_weekdays & (1 << local.weekday())) and (
        rule.window_start <= local.time() < rule.window_end
    )


def first_open(when: dt.datetime, tz: zoneinfo.ZoneInfo, rule: Any) -> dt.datetime:
    """Brute force: `when` if the window is open then, else the next quarter hour at which
    it is."""
    if inside(when, tz, rule):
        return when
    t = when.astimezone(UTC).replace(second=0, microsecond=0)
    t += dt.timedelta(minutes=-t.minute % 15)
    for _ in range(8 * 24 * 4):
        if t >= when and inside(t, tz, rule):
            return t
        t += QUARTER
    raise AssertionError("the window never opens")


@dataclass(frozen=True)
class Shape:
    """The parts of a CadenceRule the model reads (an unsaved CadenceRule works too)."""

    window_start: dt.time = dt.time(9)
    window_end: dt.time = dt.time(18)
    window_weekdays: int = ALL_DAYS


def model_plan(
    rule: CadenceRule,
    *,
    anchors: dict[str, dt.datetime | None],
    tz: zoneinfo.ZoneInfo,
    now: dt.datetime,
    future_only: bool = False,
) -> dict[int, dt.datetime]:
    """{occurrence: due_at} as followups/README.md describes the rules: day offsets are
    calendar days on the patient's wall clock from the anchor; a time outside the window
    moves to its next opening; repeats the window folds onto one opening are sent once;
    repeats stop before their end date; a time more than FOLLOWUPS_STALE_AFTER past is
    skipped, a fresher one goes at the next opening from now. (Seeding keeps only future
    times.)"""
    assert rule.offset_unit == "days" and (not rule.repeat_every or rule.repeat_unit == "days")
    anchor = anchors[rule.anchor]
    if anchor is None:
        return {}
    until = anchors.get(rule.repeat_until) if rule.repeat_every and rule.repeat_until else None
    stale_before = now - dt.timedelta(seconds=settings.FOLLOWUPS_STALE_AFTER)
    planned: dict[int, dt.datetime] = {}
    last: dt.datetime | None = None
    for index in range(rule.max_occurrences if rule.repeat_every else 1):
        days = rule.offset_value + index * rule.repeat_every
        nominal = instant_of(wall(anchor, tz) + dt.timedelta(days=days), tz)
        due = nominal if rule.send_any_time else first_open(nominal, tz, rule)
        if until is not None and (nominal >= until or due >= until):
            break
        if last is not None and due <= last:
            continue
        last = due
        if (future_only and due <= now) or due < stale_before:
            continue
        if due < now:
            due = now if rule.send_any_time else first_open(now, tz, rule)
        planned[index] = due
    return planned


# --- The pure functions, every 20 minutes of the week ---


def every_20_minutes(week: Week) -> list[dt.datetime]:
    """Every 20 minutes from Monday 00:00 to Sunday 23:40 (local), the change included."""
    start = instant_of(dt.datetime.combine(week.days[0], dt.time(0)), week.tz)
    end = instant_of(dt.datetime.combine(week.sunday + DAY, dt.time(0)), week.tz)
    step = dt.timedelta(minutes=20)
    return [start + n * step for n in range((end - start) // step)]


WINDOWS = [
    Shape(window_weekdays=MON_TO_FRI),
    Shape(window_start=dt.time(14), window_weekdays=ALL_DAYS),
    Shape(window_start=dt.time(7, 30), window_end=dt.time(9, 15), window_weekdays=WEEKEND),
]


@pytest.mark.parametrize("week", weeks())
def test_the_window_opens_where_the_patient_clock_says(week: Week) -> None:
    checked = 0
    for when in every_20_minutes(week):
        for shape in WINDOWS:
            got = next_in_window(
                when,
                week.tz,
                start=shape.window_start,
                end=shape.window_end,
                weekdays_mask=shape.window_weekdays,
            )
            assert got == first_open(when, week.tz, shape), (when, shape)
            assert inside(got, week.tz, shape)
            checked += 1
    assert checked >= 7 * 72 * len(WINDOWS) - 3 * 3  # the spring week is an hour short


@pytest.mark.parametrize("week", weeks())
def test_day_offsets_keep_the_wall_clock_and_hour_offsets_are_elapsed(week: Week) -> None:
    for when in every_20_minutes(week):
        for days in (1, 2, 7, -1):
            expected = instant_of(wall(when, week.tz) + dt.timedelta(days=days), week.tz)
            assert add_offset(when, days, "days", week.tz) == expected, (when, days)
        assert add_offset(when, 24, "hours", week.tz) - when == dt.timedelta(hours=24)
        assert add_offset(when, 90, "minutes", week.tz) - when == dt.timedelta(minutes=90)


SHAPES = {
    "info pack, day 2, Mon-Fri": {"offset_value": 2, "window_weekdays": MON_TO_FRI},
    "daily, 9-18": {"offset_value": 1, "repeat_every": 1, "max_occurrences": 12},
    "daily, Mon-Fri (weekends fold onto Monday)": {
        "offset_value": 1,
        "repeat_every": 1,
        "max_occurrences": 12,
        "window_weekdays": MON_TO_FRI,
    },
    "weekly until the arrival": {
        "offset_value": 7,
        "repeat_every": 7,
        "repeat_until": "planned_arrival",
        "max_occurrences": 26,
    },
    "three days before the arrival, afternoons": {
        "anchor": "planned_arrival",
        "offset_value": -3,
        "window_start": dt.time(14),
    },
    "daily, any time": {"offset_value": 1, "repeat_every": 1, "send_any_time": True},
}


def shape_rule(**fields: Any) -> CadenceRule:
    defaults: dict[str, Any] = {
        "key": "r",
        "template_key": "t",
        "stage": "booked",
        "anchor": "stage_entry",
        "offset_unit": "days",
        "repeat_every": 0,
        "repeat_unit": "days",
        "repeat_until": "",
        "max_occurrences": 1,
        "send_any_time": False,
        "window_start": dt.time(9),
        "window_end": dt.time(18),
        "window_weekdays": ALL_DAYS,
    }
    return CadenceRule(**(defaults | fields))


@pytest.mark.parametrize("week", weeks())
@pytest.mark.parametrize("shape", list(SHAPES))
def test_rule_series_from_every_hour_of_the_week(week: Week, shape: str) -> None:
    rule = shape_rule(**SHAPES[shape])
    for entered in every_20_minutes(week)[::3]:
        marks = anchor_instants(
            stage_entered_at=entered,
            planned_arrival=wall(entered, week.tz).date() + dt.timedelta(days=40),
            planned_procedure=None,
            planned_departure=None,
            tz=week.tz,
        )
        got = plan_rule_times(rule, anchors=marks, tz=week.tz)
        # Planned from the moment of entry, nothing is past: the model and the plan agree.
        assert {p.index: p.due_at for p in got} == model_plan(
            rule, anchors=marks, tz=week.tz, now=entered
        ), (shape, entered)
        dues = [p.due_at for p in got]
        assert dues == sorted(set(dues)), "no two at once, in order"
        for p in got:
            assert p.nominal_at == instant_of(
                wall(marks[rule.anchor], week.tz)  # type: ignore[arg-type]
                + dt.timedelta(days=rule.offset_value + p.index * rule.repeat_every),
                week.tz,
            )
            if not rule.send_any_time:
                assert inside(p.due_at, week.tz, rule)


# --- Planning in the database: a journey walked through its stages from every day ---


def start_times(week: Week) -> list[dt.datetime]:
    """Monday..Saturday at HOURS, and the Sunday of the change in the middle of its night."""
    local = [dt.datetime.combine(day, hour) for day, hour in zip(week.days, HOURS, strict=False)]
    local.append(dt.datetime.combine(week.sunday, week.night))
    return [instant_of(t, week.tz) for t in local]


def assert_planned(journey: Journey, *, now: dt.datetime, tz: zoneinfo.ZoneInfo) -> int:
    """The journey's live rows for its stage are exactly what the model plans at `now`, and
    every windowed one is inside its window on the patient's clock."""
    journey.refresh_from_db()
    rules = list(CadenceRule.objects.filter(stage=journey.stage, active=True))
    marks = anchor_instants(
        stage_entered_at=journey.stage_entered_at,
        planned_arrival=journey.planned_arrival,
        planned_procedure=journey.planned_procedure,
        planned_departure=journey.planned_departure,
        tz=tz,
    )
    expected = {
        (rule.key, occurrence): due
        for rule in rules
        for occurrence, due in model_plan(rule, anchors=marks, tz=tz, now=now).items()
    }
    live = list(
        ScheduledMessage.objects.filter(
            journey=journey, rule__in=rules, status__in=[Status.PENDING, Status.CLAIMED]
        ).select_related("rule")
    )
    got = {(row.rule.key, row.occurrence): row.due_at for row in live}
    assert got == expected, f"{journey.stage} planned at {now.astimezone(tz)}"
    for row in live:
        assert row.due_at >= now
        assert (row.status == Status.CLAIMED) == (row.due_at == now)  # due at once: claimed
        if not row.rule.send_any_time:
            assert inside(row.due_at, tz, row.rule), (row.rule.key, row.due_at.astimezone(tz))
    for key in {row.rule.key for row in live}:
        dues = sorted((row.occurrence, row.due_at) for row in live if row.rule.key == key)
        assert [d for _, d in dues] == sorted({d for _, d in dues}), f"{key}: no duplicates"
    return len(live)


def walk(
    clock: Any, week: Week, start: dt.datetime, procedure: Procedure, coordinator: User
) -> int:
    """Inquiry at `start`, booked three hours later with an arrival nine days on, then
    arrival, procedure and follow-up on their days: each stage planned at the moment it is
    entered, on a frozen clock, and checked against the model."""
    tz = week.tz
    planned = 0
    clock.move_to(start, tick=False)
    journey = journey_create(
        patient=make_patient(timezone=week.zone),
        procedure=procedure,
        actor=coordinator,
        coordinator=coordinator,
    )
    planned += assert_planned(journey, now=start, tz=tz)

    booked_at = start + dt.timedelta(hours=3)
    clock.move_to(booked_at, tick=False)
    journey = journey_move(journey_id=journey.pk, target=Stage.BOOKED, actor=coordinator)
    planned += assert_planned(journey, now=booked_at, tz=tz)
    arrival = wall(booked_at, tz).date() + dt.timedelta(days=9)
    journey.planned_arrival = arrival
    journey.planned_procedure = arrival + DAY
    journey.planned_departure = arrival + dt.timedelta(days=6)
    journey.save(update_fields=["planned_arrival", "planned_procedure", "planned_departure"])
    messages_reschedule_for_dates(journey=journey, now=booked_at)
    planned += assert_planned(journey, now=booked_at, tz=tz)

    for target, day, hour in [
        (Stage.ARRIVAL, arrival, dt.time(10)),
        (Stage.PROCEDURE, arrival + DAY, dt.time(12)),
        (Stage.FOLLOWUP, arrival + dt.timedelta(days=6), dt.time(11)),
    ]:
        at = instant_of(dt.datetime.combine(day, hour), tz)
        clock.move_to(at, tick=False)
        journey = journey_move(journey_id=journey.pk, target=target, actor=coordinator)
        planned += assert_planned(journey, now=at, tz=tz)
    return planned


@pytest.mark.django_db
@pytest.mark.parametrize("week", weeks())
def test_a_journey_started_on_any_day_gets_its_plan(
    week: Week, clock: Any, procedure: Procedure, coordinator: User
) -> None:
    planned = sum(walk(clock, week, start, procedure, coordinator) for start in start_times(week))
    assert planned > 7 * 40  # every walk planned each stage (30 daily check-ins among them)


@pytest.mark.django_db
@pytest.mark.parametrize("week", weeks())
def test_seeded_inquiries_get_only_their_future_messages_on_any_day(
    week: Week, clock: Any, procedure: Procedure, coordinator: User
) -> None:
    """What the demo seeder plans for inquiries received 1 to 15 days ago: on a Sunday the
    day-5 nudge that fell on Saturday is still to come (Monday), on a Wednesday it is not."""
    for now in start_times(week):
        clock.move_to(now, tick=False)
        journeys = [
            Journey.objects.create(
                patient=make_patient(timezone=week.zone),
                procedure=procedure,
                clinic=procedure.clinic,
                coordinator=coordinator,
                stage=Stage.INQUIRY,
                stage_entered_at=now - dt.timedelta(days=days, hours=hours),
                inquiry_received_at=now - dt.timedelta(days=days, hours=hours),
            )
            for days in (1, 4, 6, 13, 15)
            for hours in (0, 7)
        ]
        messages_plan_seeded(journey_ids=[j.pk for j in journeys], now=now)
        rules = list(CadenceRule.objects.filter(stage=Stage.INQUIRY, active=True))
        for journey in journeys:
            marks = anchor_instants(
                stage_entered_at=journey.stage_entered_at,
                planned_arrival=None,
                planned_procedure=None,
                planned_departure=None,
                tz=week.tz,
            )
            expected = {
                (rule.key, occurrence): due
                for rule in rules
                for occurrence, due in model_plan(
                    rule, anchors=marks, tz=week.tz, now=now, future_only=True
                ).items()
            }
            got = {
                (row.rule.key, row.occurrence): row.due_at
                for row in ScheduledMessage.objects.filter(journey=journey).select_related("rule")
            }
            assert got == expected, (now.astimezone(week.tz), journey.stage_entered_at)
            assert all(due > now for due in got.values())


# --- Times the clock skips or shows twice ---

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tz", "saturday", "sunday", "monday"),
    [
        # Berlin, spring: Saturday 02:30 CET; Sunday 02:30 does not exist -> 03:30 CEST
        # (read with the winter offset); Monday 02:30 CEST.
        (BERLIN, utc(2027, 3, 27, 1, 30), utc(2027, 3, 28, 1, 30), utc(2027, 3, 29, 0, 30)),
        # Berlin, autumn: Saturday 02:30 CEST; Sunday 02:30 happens twice -> the first
        # (CEST); Monday 02:30 CET.
        (BERLIN, utc(2026, 10, 24, 0, 30), utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)),
        # New York, spring: 02:30 EST; Sunday 02:30 does not exist -> 03:30 EDT; 02:30 EDT.
        (NEW_YORK, utc(2027, 3, 13, 7, 30), utc(2027, 3, 14, 7, 30), utc(2027, 3, 15, 6, 30)),
        # New York, autumn: 01:30 EDT; Sunday 01:30 happens twice -> the first (EDT);
        # Monday 01:30 EST.
        (NEW_YORK, utc(2026, 10, 31, 5, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)),
    ],
    ids=["berlin-spring", "berlin-fall", "new-york-spring", "new-york-fall"],
)
def test_a_daily_time_the_change_skips_or_repeats_is_sent_once_that_day(
    tz: zoneinfo.ZoneInfo, saturday: dt.datetime, sunday: dt.datetime, monday: dt.datetime
) -> None:
    daily = shape_rule(offset_value=0, repeat_every=1, max_occurrences=3, send_any_time=True)
    marks = anchor_instants(
        stage_entered_at=saturday,
        planned_arrival=None,
        planned_procedure=None,
        planned_departure=None,
        tz=tz,
    )
    assert [p.due_at for p in plan_rule_times(daily, anchors=marks, tz=tz)] == [
        saturday,
        sunday,
        monday,
    ]
    assert add_offset(saturday, 1, "days", tz) == sunday
    # Monday is two days from Saturday's wall clock, not one from Sunday's reading: the
    # hour a spring gap added to Sunday is not carried on.
    assert add_offset(saturday, 2, "days", tz) == monday


def test_hours_across_the_autumn_overlap_are_elapsed_time() -> None:
    # 01:30 EDT + 1 hour is 01:30 EST: the same wall clock, one real hour later.
    first = utc(2026, 11, 1, 5, 30)
    assert add_offset(first, 1, "hours", NEW_YORK) == utc(2026, 11, 1, 6, 30)
    assert wall(add_offset(first, 1, "hours", NEW_YORK), NEW_YORK) == wall(first, NEW_YORK)


def test_the_second_pass_through_the_overlap_is_inside_a_window_of_those_hours() -> None:
    # A 01:00-02:00 window on New York's fall-back night: 01:30 EST (the second 01:30)
    # shows 01:30 on the patient's clock, so it may be sent then.
    night = Shape(window_start=dt.time(1), window_end=dt.time(2), window_weekdays=ALL_DAYS)
    second = utc(2026, 11, 1, 6, 30)
    got = next_in_window(second, NEW_YORK, start=dt.time(1), end=dt.time(2), weekdays_mask=127)
    assert got == second
    assert inside(second, NEW_YORK, night)


def test_a_window_that_ends_in_the_spring_gap_never_sends_after_its_end() -> None:
    # Berlin, 28 March 2027: the clock goes from 01:59 CET to 03:00 CEST. A 01:00-02:30
    # window closes when the clock jumps; 03:15 CEST is after it, so the next opening is
    # Monday 01:00 CEST.
    def opening(when: dt.datetime) -> dt.datetime:
        return next_in_window(
            when, BERLIN, start=dt.time(1), end=dt.time(2, 30), weekdays_mask=ALL_DAYS
        )

    assert opening(utc(2027, 3, 28, 0, 45)) == utc(2027, 3, 28, 0, 45)  # 01:45 CET: open
    assert opening(utc(2027, 3, 28, 1, 15)) == utc(2027, 3, 28, 23, 0)  # 03:15 CEST: closed


def test_a_window_that_opens_in_the_spring_gap_opens_an_hour_later() -> None:
    # 02:30 does not exist on 28 March 2027 in Berlin: it reads as 03:30 CEST.
    assert next_in_window(
        utc(2027, 3, 27, 23, 0), BERLIN, start=dt.time(2, 30), end=dt.time(6), weekdays_mask=127
    ) == utc(2027, 3, 28, 1, 30)


def test_a_window_that_opens_in_the_autumn_overlap_opens_at_each_reading() -> None:
    # New York, 1 November 2026: 01:00-01:59 happens twice (EDT, then EST).
    def opening(when: dt.datetime) -> dt.datetime:
        return next_in_window(
            when, NEW_YORK, start=dt.time(1, 30), end=dt.time(1, 45), weekdays_mask=ALL_DAYS
        )

    assert opening(utc(2026, 11, 1, 5, 0)) == utc(2026, 11, 1, 5, 30)  # 01:30 EDT
    assert opening(utc(2026, 11, 1, 5, 40)) == utc(2026, 11, 1, 5, 40)  # 01:40 EDT: open
    assert opening(utc(2026, 11, 1, 5, 50)) == utc(2026, 11, 1, 6, 30)  # then 01:30 EST
    assert opening(utc(2026, 11, 1, 6, 50)) == utc(2026, 11, 2, 6, 30)  # then Monday
