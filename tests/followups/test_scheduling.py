"""Due-time arithmetic: anchors, offsets, repeats and send windows across time zones and
DST changes. Pure functions, no database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from followups.models import MON_TO_FRI, CadenceRule
from followups.scheduling import (
    add_offset,
    anchor_instants,
    localize,
    next_in_window,
    plan_rule_times,
    zone,
)

UTC = dt.UTC
BERLIN = zone("Europe/Berlin")
MEXICO = zone("America/Mexico_City")
SEOUL = zone("Asia/Seoul")
NINE, SIX = dt.time(9), dt.time(18)
EVERY_DAY = 0b1111111


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def rule(**fields: Any) -> CadenceRule:
    defaults: dict[str, Any] = {
        "key": "r",
        "template_key": "t",
        "stage": "booked",
        "anchor": "stage_entry",
        "offset_value": 0,
        "offset_unit": "days",
        "repeat_every": 0,
        "repeat_unit": "days",
        "repeat_until": "",
        "max_occurrences": 12,
        "send_any_time": False,
        "window_start": NINE,
        "window_end": SIX,
        "window_weekdays": EVERY_DAY,
    }
    defaults.update(fields)
    return CadenceRule(**defaults)


def anchors(entered: dt.datetime, tz: Any, **dates: dt.date | None) -> dict[str, Any]:
    return anchor_instants(
        stage_entered_at=entered,
        planned_arrival=dates.get("arrival"),
        planned_procedure=dates.get("procedure"),
        planned_departure=dates.get("departure"),
        tz=tz,
    )


# --- Europe/Berlin: clocks go forward on 29 March 2026 and back on 25 October 2026 ---


def test_day_offsets_keep_the_wall_clock_across_spring_forward() -> None:
    saturday_10_cet = utc(2026, 3, 28, 9, 0)
    assert add_offset(saturday_10_cet, 1, "days", BERLIN) == utc(2026, 3, 29, 8, 0)  # 10:00 CEST


def test_hour_offsets_are_elapsed_time_across_spring_forward() -> None:
    saturday_10_cet = utc(2026, 3, 28, 9, 0)
    assert add_offset(saturday_10_cet, 24, "hours", BERLIN) == utc(2026, 3, 29, 9, 0)  # 11:00 CEST


def test_day_offsets_keep_the_wall_clock_across_fall_back() -> None:
    saturday_10_cest = utc(2026, 10, 24, 8, 0)
    assert add_offset(saturday_10_cest, 1, "days", BERLIN) == utc(2026, 10, 25, 9, 0)  # 10:00 CET


def test_window_opens_at_local_nine_on_the_day_clocks_spring_forward() -> None:
    night = utc(2026, 3, 29, 0, 30)  # 01:30 CET, before the window
    assert next_in_window(night, BERLIN, start=NINE, end=SIX, weekdays_mask=EVERY_DAY) == utc(
        2026, 3, 29, 7, 0
    )  # 09:00 CEST


def test_window_opens_at_local_nine_on_the_day_clocks_fall_back() -> None:
    evening = utc(2026, 10, 24, 20, 0)  # 22:00 CEST, after the window
    assert next_in_window(evening, BERLIN, start=NINE, end=SIX, weekdays_mask=EVERY_DAY) == utc(
        2026, 10, 25, 8, 0
    )  # 09:00 CET


def test_a_time_in_the_spring_gap_means_the_same_instant_an_hour_later() -> None:
    # 02:30 does not exist in Berlin on 29 March 2026; it is read as 03:30 CEST.
    assert localize(dt.datetime(2026, 3, 29, 2, 30), BERLIN) == utc(2026, 3, 29, 1, 30)


def test_inside_the_window_nothing_moves() -> None:
    noon = utc(2026, 3, 30, 10, 0)  # 12:00 CEST on a Monday
    assert next_in_window(noon, BERLIN, start=NINE, end=SIX, weekdays_mask=MON_TO_FRI) == noon


# --- America/Mexico_City: no DST since 2022, UTC-6 all year ---


def test_mexico_city_evening_moves_to_next_morning() -> None:
    evening = utc(2026, 6, 10, 2, 0)  # 20:00 on 9 June local
    assert next_in_window(evening, MEXICO, start=NINE, end=SIX, weekdays_mask=EVERY_DAY) == utc(
        2026, 6, 10, 15, 0
    )


def test_mexico_city_does_not_follow_us_daylight_saving() -> None:
    # 29 March 2026 is after the US spring-forward: Mexico City stays at UTC-6.
    early = utc(2026, 3, 29, 12, 0)  # 06:00 local
    assert next_in_window(early, MEXICO, start=NINE, end=SIX, weekdays_mask=EVERY_DAY) == utc(
        2026, 3, 29, 15, 0
    )


# --- Asia/Seoul: UTC+9, weekdays only ---


def test_seoul_friday_evening_waits_for_monday_morning() -> None:
    friday_evening = utc(2026, 5, 8, 10, 0)  # 19:00 Friday in Seoul
    assert next_in_window(
        friday_evening, SEOUL, start=NINE, end=SIX, weekdays_mask=MON_TO_FRI
    ) == utc(2026, 5, 11, 0, 0)  # Monday 09:00 KST


def test_seoul_local_date_differs_from_utc_date() -> None:
    # 23:30 UTC on Sunday is 08:30 Monday in Seoul: opens 30 minutes later, Monday.
    sunday_utc = utc(2026, 5, 10, 23, 30)
    assert next_in_window(sunday_utc, SEOUL, start=NINE, end=SIX, weekdays_mask=MON_TO_FRI) == (
        utc(2026, 5, 11, 0, 0)
    )


# --- Rules ---


def test_pre_arrival_checklist_counts_back_from_the_arrival_date() -> None:
    entered = utc(2026, 1, 5, 10, 0)
    marks = anchors(entered, BERLIN, arrival=dt.date(2026, 4, 10))
    due = [
        plan_rule_times(rule(anchor="planned_arrival", offset_value=-n), anchors=marks, tz=BERLIN)[
            0
        ].due_at
        for n in (14, 3, 1)
    ]
    # 27 March 09:00 CET, then 7 and 9 April 09:00 CEST.
    assert due == [utc(2026, 3, 27, 8, 0), utc(2026, 4, 7, 7, 0), utc(2026, 4, 9, 7, 0)]


def test_rules_on_an_unknown_date_plan_nothing() -> None:
    marks = anchors(utc(2026, 1, 5, 10, 0), BERLIN)
    assert (
        plan_rule_times(rule(anchor="planned_arrival", offset_value=-3), anchors=marks, tz=BERLIN)
        == []
    )


def test_weekly_repeat_stops_before_the_arrival() -> None:
    entered = utc(2026, 3, 2, 9, 0)  # Monday 10:00 CET
    marks = anchors(entered, BERLIN, arrival=dt.date(2026, 4, 1))
    weekly = rule(offset_value=7, repeat_every=7, repeat_until="planned_arrival")
    due = [p.due_at for p in plan_rule_times(weekly, anchors=marks, tz=BERLIN)]
    # 9, 16, 23 March (CET) and 30 March (CEST): 10:00 local every time.
    assert due == [
        utc(2026, 3, 9, 9, 0),
        utc(2026, 3, 16, 9, 0),
        utc(2026, 3, 23, 9, 0),
        utc(2026, 3, 30, 8, 0),
    ]


def test_weekly_repeat_without_an_arrival_is_bounded_by_max_occurrences() -> None:
    marks = anchors(utc(2026, 3, 2, 9, 0), BERLIN)
    weekly = rule(offset_value=7, repeat_every=7, repeat_until="planned_arrival", max_occurrences=5)
    assert len(plan_rule_times(weekly, anchors=marks, tz=BERLIN)) == 5


def test_daily_check_ins_collapse_when_the_window_closes_days() -> None:
    # Daily from Friday, Monday-Friday only: Saturday's and Sunday's move to Monday, once.
    friday = utc(2026, 5, 8, 1, 0)  # 10:00 Friday in Seoul
    daily = rule(offset_value=0, repeat_every=1, max_occurrences=4, window_weekdays=MON_TO_FRI)
    due = [p.due_at for p in plan_rule_times(daily, anchors=anchors(friday, SEOUL), tz=SEOUL)]
    assert due == [utc(2026, 5, 8, 1, 0), utc(2026, 5, 11, 0, 0), utc(2026, 5, 11, 1, 0)]


def test_after_care_on_the_procedure_date_lands_at_window_opening_across_dst() -> None:
    marks = anchors(utc(2026, 3, 20, 9, 0), BERLIN, procedure=dt.date(2026, 3, 28))
    day1 = plan_rule_times(
        rule(anchor="planned_procedure", offset_value=1), anchors=marks, tz=BERLIN
    )
    assert [p.due_at for p in day1] == [utc(2026, 3, 29, 7, 0)]  # 09:00 CEST


def test_send_any_time_ignores_the_window() -> None:
    night = utc(2026, 3, 29, 0, 30)
    ack = rule(send_any_time=True)
    assert [p.due_at for p in plan_rule_times(ack, anchors=anchors(night, BERLIN), tz=BERLIN)] == [
        night
    ]


def test_an_empty_weekday_mask_is_refused() -> None:
    with pytest.raises(ValueError, match="no weekday"):
        next_in_window(utc(2026, 1, 1), BERLIN, start=NINE, end=SIX, weekdays_mask=0)


def test_dates_at_the_ends_of_the_calendar_do_not_overflow():
    # 0001-01-01 00:00 in Seoul is before the first instant Python has (issue: a 500).
    assert localize(dt.datetime(1, 1, 1), SEOUL) == dt.datetime.min.replace(tzinfo=UTC)
    assert localize(dt.datetime(9999, 12, 31, 23), MEXICO) == dt.datetime.max.replace(tzinfo=UTC)
    late = dt.datetime(9999, 12, 30, tzinfo=UTC)
    assert add_offset(late, 5, "days", BERLIN) == dt.datetime.max.replace(tzinfo=UTC)
    anchors = anchor_instants(
        stage_entered_at=dt.datetime(2026, 11, 29, 10, tzinfo=UTC),
        planned_arrival=dt.date(1, 1, 1),
        planned_procedure=dt.date(9999, 12, 31),
        planned_departure=dt.date(2027, 1, 10),
        tz=SEOUL,
    )
    assert anchors["planned_arrival"] is None and anchors["planned_procedure"] is None
    assert anchors["planned_departure"] == dt.datetime(2027, 1, 9, 15, tzinfo=UTC)
