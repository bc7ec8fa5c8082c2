"""The default cadences' send windows: what a patient gets on which days, and the data
migration that brings databases made with the first defaults up to them."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps

from followups.default_content import EVERY_DAY, KINDS, MON_TO_FRI, WINDOWS
from followups.models import CadenceRule
from followups.scheduling import anchor_instants, plan_rule_times, zone

pytestmark = pytest.mark.django_db

BERLIN = zone("Europe/Berlin")
NINE, TWO_PM, SIX_PM = dt.time(9), dt.time(14), dt.time(18)
MIGRATION = importlib.import_module("followups.migrations.0006_default_send_windows")


def window(key: str) -> tuple[dt.time, dt.time, int]:
    rule = CadenceRule.objects.get(key=key)
    return rule.window_start, rule.window_end, rule.window_weekdays


def test_every_default_rule_has_a_daytime_window():
    assert set(WINDOWS) == set(KINDS)
    for key, (start, end, _weekdays) in WINDOWS.items():
        assert NINE <= start < end <= SIX_PM, key
    # What the README promises: the sale and the long after-care on weekdays, the trip and
    # the treatment every day.
    weekdays_only = {k for k, (_s, _e, days) in WINDOWS.items() if days == MON_TO_FRI}
    assert weekdays_only == {
        "inquiry_info_pack",
        "inquiry_nudge_1",
        "inquiry_nudge_2",
        "booked_reassurance",
        "aftercare_day7",
        "aftercare_day30",
        "aftercare_day90",
        "satisfaction_request",
        "satisfaction_reminder",
    }
    assert {k for k, (_s, _e, days) in WINDOWS.items() if days == EVERY_DAY} == (
        set(WINDOWS) - weekdays_only
    )
    assert WINDOWS["satisfaction_request"][0] == TWO_PM  # after the day-7 check-in


def test_a_migrated_database_has_the_default_windows():
    for key, expected in WINDOWS.items():
        assert window(key) == expected, key


def plan(
    key: str,
    *,
    entered: dt.datetime = dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    arrival: dt.date | None = None,
    procedure: dt.date | None = None,
) -> list[dt.datetime]:
    """The rule's due times for a patient in Berlin, as Berlin wall-clock times."""
    anchors = anchor_instants(
        stage_entered_at=entered,
        planned_arrival=arrival,
        planned_procedure=procedure,
        planned_departure=None,
        tz=BERLIN,
    )
    times = plan_rule_times(CadenceRule.objects.get(key=key), anchors=anchors, tz=BERLIN)
    return [t.due_at.astimezone(BERLIN).replace(tzinfo=None) for t in times]


def test_weekend_check_ins_go_when_the_patient_needs_them():
    # Booked on Sunday 29 November: the weekly check-in of Sunday 6 December waits for
    # Monday morning, when a coordinator can answer.
    booked = dt.datetime(2026, 11, 29, 10, 0, tzinfo=BERLIN)
    assert plan("booked_reassurance", entered=booked, arrival=dt.date(2026, 12, 20))[:2] == [
        dt.datetime(2026, 12, 7, 9, 0),
        dt.datetime(2026, 12, 14, 9, 0),
    ]
    # Arriving on Sunday 20 December: the T-1 checklist comes on Saturday, not after arrival.
    assert plan("prearrival_1", arrival=dt.date(2026, 12, 20)) == [dt.datetime(2026, 12, 19, 9)]
    # Procedure on Friday 4 December: day-1 after-care on Saturday; day 7 (Friday 11th) as
    # planned, the survey that afternoon; day 30 (Sunday 3 January) on Monday.
    friday = dt.date(2026, 12, 4)
    assert plan("aftercare_day1", procedure=friday) == [dt.datetime(2026, 12, 5, 9)]
    assert plan("aftercare_day7", procedure=friday) == [dt.datetime(2026, 12, 11, 9)]
    assert plan("satisfaction_request", procedure=friday) == [dt.datetime(2026, 12, 11, 14)]
    assert plan("aftercare_day30", procedure=friday) == [dt.datetime(2027, 1, 4, 9)]
    # In the procedure stage the comfort check-in comes every day, weekends included.
    entered = dt.datetime(2026, 12, 4, 16, 0, tzinfo=BERLIN)
    assert plan("procedure_comfort", entered=entered)[:3] == [
        dt.datetime(2026, 12, 5, 16),
        dt.datetime(2026, 12, 6, 16),
        dt.datetime(2026, 12, 7, 16),
    ]


def test_the_migration_moves_only_rules_still_at_the_first_shipped_window():
    # A database made with the first defaults: every rule as 0002 first wrote it...
    for key, (start, end, weekdays) in MIGRATION.SHIPPED.items():
        CadenceRule.objects.filter(key=key).update(
            window_start=start, window_end=end, window_weekdays=weekdays
        )
    # ...except one a manager edited since.
    edited = (dt.time(10), dt.time(12), EVERY_DAY)
    CadenceRule.objects.filter(key="aftercare_day30").update(
        window_start=edited[0], window_end=edited[1], window_weekdays=edited[2]
    )

    MIGRATION.apply_current_windows(apps, None)
    for key, expected in WINDOWS.items():
        assert window(key) == (edited if key == "aftercare_day30" else expected), key

    MIGRATION.restore_shipped_windows(apps, None)
    for key, shipped in MIGRATION.SHIPPED.items():
        assert window(key) == (edited if key == "aftercare_day30" else shipped), key
