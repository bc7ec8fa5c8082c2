"""Report selectors against a hand-built cohort whose every figure is known exactly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone

from followups.models import CadenceRule, Direction, Message, ScheduledMessage, Status
from journeys.db import percentile_cont
from journeys.models import FunnelDay, Journey, Stage
from journeys.services import (
    journey_mark_waiting,
    journey_move,
    journeys_backfill_reached,
    journeys_rebuild_funnel_days,
)
from reports.followups import followup_report
from reports.funnel import funnel_report, rollup_usable
from reports.load import load_report
from reports.params import GROUP_BY_VALUES, Period, ReportParams, ReportParamsError, parse_params
from reports.speed import speed_report
from tests.conftest import make_user
from tests.reports.reports_data import (
    DAY,
    HOUR,
    PERIOD,
    PREVIOUS,
    Cohort,
    at,
    build,
    cohort_for_module,
    params,
    path,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Hashing staff passwords at full strength is most of a test's setup time here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker) -> Iterator[Cohort]:
    with cohort_for_module(django_db_blocker) as made:
        yield made


@pytest.fixture
def cohort(built: Cohort, db: None) -> dict[str, Journey]:
    return built.journeys


# --- The stage first-entry columns --------------------------------------------------------


def test_journey_move_records_first_entry_of_each_stage(cohort):
    a = cohort["A"]
    received = a.inquiry_received_at
    assert a.booked_at == received + dt.timedelta(days=2)
    assert a.arrived_at == received + dt.timedelta(days=10)
    assert a.procedure_at == received + dt.timedelta(days=11)
    assert a.followup_at == received + dt.timedelta(days=13)
    assert a.times_postponed == 0
    b = cohort["B"]
    assert (b.booked_at, b.arrived_at, b.procedure_at, b.followup_at) == (None,) * 4


def test_reentering_a_stage_keeps_the_first_entry(cohort):
    h = cohort["H"]  # booked day 1, postponed day 3, reopened to booked day 15
    assert h.booked_at == h.inquiry_received_at + dt.timedelta(days=1)
    assert h.times_postponed == 1
    assert h.stage_entered_at == h.inquiry_received_at + dt.timedelta(days=20)


def test_stepping_back_keeps_the_stage_reached(journey, coordinator, manager):
    for target in ("booked", "arrival"):
        journey_move(journey_id=journey.pk, target=target, actor=coordinator)
    journey = journey_move(journey_id=journey.pk, target="booked", actor=manager, reason="Visa")
    assert journey.stage == Stage.BOOKED
    assert journey.arrived_at is not None


def test_backfill_rebuilds_the_columns_from_events(cohort):
    expected = {
        j.pk: (j.booked_at, j.arrived_at, j.procedure_at, j.followup_at, j.times_postponed)
        for j in Journey.objects.all()
    }
    Journey.objects.update(
        booked_at=None, arrived_at=None, procedure_at=None, followup_at=None, times_postponed=0
    )
    some = [cohort["A"].pk, cohort["H"].pk]
    assert journeys_backfill_reached(journey_ids=some) == 2
    assert Journey.objects.get(pk=cohort["B"].pk).booked_at is None
    assert journeys_backfill_reached() == len(expected)
    got = {
        j.pk: (j.booked_at, j.arrived_at, j.procedure_at, j.followup_at, j.times_postponed)
        for j in Journey.objects.all()
    }
    assert got == expected


# --- Funnel -------------------------------------------------------------------------------


def test_funnel_reached_conversion_and_dropoff(cohort):
    report = funnel_report(params())
    f = report.current
    assert [s.reached for s in f.stages] == [10, 8, 6, 4, 3]
    assert [s.went_on for s in f.stages] == [8, 6, 4, 3, 1]
    assert [s.conversion for s in f.stages] == [0.8, 0.75, 4 / 6, 0.75, 1 / 3]
    assert [s.share for s in f.stages] == [1.0, 0.8, 0.6, 0.4, 0.3]
    assert f.overall == 0.3
    assert f.completed == 1
    # Where each journey stopped, and why.
    lost = [{k: v for k, v in s.lost.items() if v} for s in f.stages]
    assert lost == [{"price": 1}, {"competitor": 1}, {"health": 1}, {"other": 1}, {"no_reply": 1}]
    assert [s.postponed for s in f.stages] == [0, 1, 0, 0, 0]
    assert [s.in_progress for s in f.stages] == [1, 0, 1, 0, 1]
    # Every journey that reached a stage either went on or stopped there.
    for s in f.stages:
        assert s.reached == s.went_on + s.lost_total + s.postponed + s.in_progress
    assert (f.postponed_ever, f.came_back) == (2, 1)


def test_the_rollup_and_the_journeys_give_the_same_funnel(cohort):
    for compare in (True, False):
        from_rollup = funnel_report(params(compare=compare), rollup=True)
        from_journeys = funnel_report(params(compare=compare), rollup=False)
        assert from_rollup == from_journeys
    assert funnel_report(params()).current.inquiries == 10  # the rollup, by default


def test_the_rollup_kept_by_transitions_equals_a_recount(cohort):
    def cells() -> dict[tuple, int]:
        return {
            (r.day, r.furthest_stage, r.outcome, r.lost_reason, r.postponed_ever): r.journeys
            for r in FunnelDay.objects.exclude(journeys=0)
        }

    kept = cells()
    assert sum(kept.values()) == Journey.objects.count()
    assert journeys_rebuild_funnel_days() == len(kept)
    assert cells() == kept


def test_another_timezone_reads_the_journeys(cohort):
    assert rollup_usable()
    with timezone.override("Asia/Tokyo"):
        assert not rollup_usable()


def test_show_rate(cohort):
    show = funnel_report(params()).current.show
    assert (show.arrived, show.lost, show.postponed, show.waiting) == (6, 1, 1, 0)
    assert show.rate == 0.75
    assert speed_report(params()).current.show == show


def test_previous_period_of_equal_length(cohort):
    assert PERIOD.previous() == PREVIOUS
    report = funnel_report(params())
    prev = report.previous
    assert prev is not None
    assert [s.reached for s in prev.stages] == [4, 2, 1, 0, 0]
    assert prev.overall == 0
    assert prev.show.rate == 0.5
    assert {k: v for k, v in prev.stages[0].lost.items() if v} == {"fear": 1, "price": 1}
    assert funnel_report(params(compare=False)).previous is None


def test_stepped_back_journey_stops_at_its_furthest_stage(journey, coordinator, manager):
    for target in ("booked", "arrival"):
        journey_move(journey_id=journey.pk, target=target, actor=coordinator)
    journey_move(journey_id=journey.pk, target="booked", actor=manager, reason="Visa delay")
    journey_move(journey_id=journey.pk, target="lost", actor=manager, lost_reason="travel")
    today = timezone.localdate()
    report = funnel_report(ReportParams(period=Period(today - dt.timedelta(days=1), today)))
    f = report.current
    assert [s.reached for s in f.stages] == [1, 1, 1, 0, 0]
    assert f.stage(Stage.ARRIVAL).lost["travel"] == 1


def test_postponed_and_reopened_to_inquiry_still_reached_arrival(journey, coordinator):
    for target in ("booked", "arrival"):
        journey_move(journey_id=journey.pk, target=target, actor=coordinator)
    journey_move(
        journey_id=journey.pk,
        target="postponed",
        actor=coordinator,
        reason="Budget",
        postponed_until=timezone.localdate() + dt.timedelta(days=30),
    )
    journey_move(journey_id=journey.pk, target="inquiry", actor=coordinator)
    today = timezone.localdate()
    f = funnel_report(ReportParams(period=Period(today - dt.timedelta(days=1), today))).current
    assert [s.reached for s in f.stages] == [1, 1, 1, 0, 0]
    assert f.stage(Stage.ARRIVAL).in_progress == 1
    assert (f.postponed_ever, f.came_back) == (1, 1)


def test_cohort_days_are_in_the_managers_timezone(coordinator, procedure, manager):
    # 23:30 UTC on June 30 is already July 1 in Berlin.
    late = build(
        name="late",
        day=dt.date(2024, 6, 30),
        procedure=procedure,
        coordinator=coordinator,
        manager=manager,
        steps=[],
        response_s=None,
    )
    Journey.objects.filter(pk=late.pk).update(
        inquiry_received_at=dt.datetime(2024, 6, 30, 23, 30, tzinfo=dt.UTC)
    )
    june = ReportParams(period=Period(dt.date(2024, 6, 1), dt.date(2024, 6, 30)))
    assert funnel_report(june).current.inquiries == 1
    with timezone.override("Europe/Berlin"):
        assert funnel_report(june).current.inquiries == 0


def test_empty_range_gives_zeros_not_errors(db):
    empty = ReportParams(
        period=Period(dt.date(2024, 1, 1), dt.date(2024, 1, 31)), group_by="clinic"
    )
    report = funnel_report(empty)
    assert report.current.inquiries == 0
    assert report.current.overall is None
    assert report.current.show.rate is None
    assert report.groups == []
    speed = speed_report(empty)
    assert speed.current.first_response.median is None
    assert speed.current.share_1h is None
    assert speed.groups == []


# --- Breakdowns ---------------------------------------------------------------------------


@pytest.mark.parametrize("group_by", GROUP_BY_VALUES)
def test_funnel_breakdown_sums_equal_totals(cohort, group_by):
    report = funnel_report(params(group_by))
    assert report.groups
    for period in ("current", "previous"):
        total = getattr(report, period)
        for index, stage in enumerate(total.stages):
            parts = [getattr(g, period).stages[index] for g in report.groups]
            assert sum(p.reached for p in parts) == stage.reached
            assert sum(p.went_on for p in parts) == stage.went_on
            assert sum(p.postponed for p in parts) == stage.postponed
            assert sum(p.in_progress for p in parts) == stage.in_progress
            for reason, n in stage.lost.items():
                assert sum(p.lost[reason] for p in parts) == n


def test_funnel_by_coordinator(cohort):
    groups = {g.label: g for g in funnel_report(params("coordinator")).groups}
    assert set(groups) == {"Carmen Ruiz", "Omar Haddad", "Unassigned"}
    assert [s.reached for s in groups["Carmen Ruiz"].current.stages] == [5, 4, 3, 2, 1]
    assert [s.reached for s in groups["Omar Haddad"].current.stages] == [4, 4, 3, 2, 2]
    assert [s.reached for s in groups["Unassigned"].current.stages] == [1, 0, 0, 0, 0]
    assert groups["Carmen Ruiz"].previous.inquiries == 4
    assert groups["Omar Haddad"].previous.inquiries == 0
    # Ordered by inquiries, most first.
    assert funnel_report(params("coordinator")).groups[0].label == "Carmen Ruiz"


def test_funnel_by_country_source_clinic_procedure(cohort):
    by = {
        g: {x.label: x.current.inquiries for x in funnel_report(params(g)).groups}
        for g in GROUP_BY_VALUES
    }
    assert by["country"] == {"DE": 7, "ES": 2, "GB": 1}
    assert by["source"] == {"Website": 8, "Referral": 2}
    assert by["clinic"] == {"Smile Clinic (Antalya)": 5, "Hairline Clinic (Istanbul)": 5}
    assert by["procedure"] == {
        "Dental implants · Smile Clinic": 5,
        "Hair transplant · Hairline Clinic": 5,
    }


# --- Speed --------------------------------------------------------------------------------


def test_first_response_times(cohort):
    s = speed_report(params()).current
    assert (s.inquiries, s.answered, s.unanswered) == (10, 8, 2)
    # Answered in 10 min, 30 min, 45 min, 1 h, 2 h, 5 h, 20 h, 3 days.
    assert s.first_response.median == 1.5 * HOUR
    assert s.first_response.p90 == pytest.approx(20 * HOUR + 0.3 * (3 * DAY - 20 * HOUR))
    assert (s.within_1h, s.within_24h) == (4, 7)  # exactly one hour counts as within
    assert (s.share_1h, s.share_24h) == (0.4, 0.7)


def test_time_in_stage(cohort):
    times = {t.stage: t.spread for t in speed_report(params()).current.stage_times}
    # Days to book: 1, 1, 2, 3, 4, 5, 6, 8 (H counts from its first booking).
    assert times["inquiry"].count == 8
    assert times["inquiry"].median == 3.5 * DAY
    assert times["inquiry"].p90 == pytest.approx(6.6 * DAY)
    # Booked to arrival: 4, 6, 8, 10, 19 (H, including its postponement), 20.
    assert (times["booked"].count, times["booked"].median) == (6, 9 * DAY)
    assert times["booked"].p90 == pytest.approx(19.5 * DAY)
    assert (times["arrival"].count, times["arrival"].median) == (4, 1 * DAY)
    assert times["arrival"].p90 == pytest.approx(1.7 * DAY)
    assert (times["procedure"].count, times["procedure"].median, times["procedure"].p90) == (
        3,
        2 * DAY,
        2 * DAY,
    )
    # Follow-up to completion: only completed journeys (F was lost in follow-up).
    assert (times["followup"].count, times["followup"].median) == (1, 30 * DAY)


def test_speed_previous_period_and_breakdown(cohort):
    report = speed_report(params("coordinator"))
    assert report.previous is not None
    assert report.previous.answered == 3
    assert report.previous.first_response.median == 30 * 60
    groups = {g.label: g.current for g in report.groups}
    assert groups["Omar Haddad"].first_response.median == pytest.approx(
        percentile_cont([45 * 60, HOUR, 5 * HOUR], 0.5)
    )
    for name in ("inquiries", "answered", "within_1h", "within_24h"):
        assert sum(getattr(g, name) for g in groups.values()) == getattr(report.current, name)
    for index, total in enumerate(report.current.stage_times):
        assert sum(g.stage_times[index].spread.count for g in groups.values()) == total.spread.count


@pytest.mark.parametrize("group_by", GROUP_BY_VALUES)
def test_speed_breakdown_counts_sum_to_totals(cohort, group_by):
    report = speed_report(params(group_by))
    for name in ("inquiries", "answered", "within_1h", "within_24h"):
        assert sum(getattr(g.current, name) for g in report.groups) == getattr(report.current, name)
    assert sum(g.current.show.arrived for g in report.groups) == report.current.show.arrived


def test_percentile_cont_matches_postgres_semantics():
    assert percentile_cont([1.0], 0.9) == 1.0
    assert percentile_cont([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile_cont([1.0, 2.0, 3.0, 4.0, 10.0], 0.9) == pytest.approx(7.6)


# --- Follow-up quality --------------------------------------------------------------------


def _scheduled(journey, rule, n, due, status, sent_delay=None):
    return ScheduledMessage.objects.create(
        journey=journey,
        rule=rule,
        occurrence=n,
        due_at=due,
        stage_entered_at=journey.stage_entered_at,
        planned_at=due - dt.timedelta(days=1),
        status=status,
        sent_at=None if sent_delay is None else due + sent_delay,
    )


def _message(journey, direction, when, n=[0], **extra):  # noqa: B006 - a counter for ids
    n[0] += 1
    if direction == Direction.IN:
        extra = {"label": "reply", "counts_as_reply": True, **extra}
    return Message.objects.create(
        journey=journey,
        direction=direction,
        message_id=f"<m{n[0]}@test>",
        from_email="a@clinic.example",
        to_email="b@example.de",
        subject="Hello",
        text="Hello",
        sent_at=when,
        **extra,
    )


def test_followup_on_time_late_failed_and_reply_rate(cohort):
    ScheduledMessage.objects.all().delete()
    checkin = CadenceRule.objects.create(key="t-booked-checkin", template_key="x", stage="booked")
    aftercare = CadenceRule.objects.create(key="t-aftercare", template_key="y", stage="followup")
    a, c, h = cohort["A"], cohort["C"], cohort["H"]
    due = at(PERIOD.start, days=5)
    minute = dt.timedelta(minutes=1)
    on_time = _scheduled(a, checkin, 0, due, Status.SENT, 59 * minute)
    _scheduled(a, checkin, 1, due + dt.timedelta(days=1), Status.SENT, dt.timedelta(hours=1))
    late = _scheduled(c, checkin, 0, due, Status.SENT, dt.timedelta(hours=3))
    _scheduled(h, checkin, 0, due, Status.FAILED)
    _scheduled(h, checkin, 1, due, Status.CANCELLED)
    _scheduled(h, checkin, 2, due, Status.PENDING)  # long overdue: March 2025
    aftercare_sent = _scheduled(a, aftercare, 0, due, Status.SENT, minute)
    # Outside the period: not counted.
    _scheduled(c, checkin, 1, at(PERIOD.end, days=1), Status.SENT, minute)

    # Replies: A answered the first check-in before our next email; C answered only after
    # a coordinator wrote again; the aftercare message got a reply with nothing after it.
    _message(a, Direction.OUT, on_time.sent_at)
    _message(a, Direction.IN, on_time.sent_at + dt.timedelta(hours=2))
    _message(c, Direction.OUT, late.sent_at)
    _message(c, Direction.OUT, late.sent_at + dt.timedelta(hours=1))
    _message(c, Direction.IN, late.sent_at + dt.timedelta(hours=2))
    _message(a, Direction.IN, aftercare_sent.sent_at + dt.timedelta(minutes=5))
    # An out-of-office answer to C's late check-in is no reply.
    _message(
        c,
        Direction.IN,
        late.sent_at + dt.timedelta(minutes=1),
        label="auto_reply",
        counts_as_reply=False,
    )

    report = followup_report(params())
    t = report.total
    assert (t.on_time, t.late, t.failed, t.overdue, t.cancelled, t.upcoming) == (3, 1, 1, 1, 1, 0)
    assert t.on_time_rate == 3 / 6
    cadences = {c.key: c.checkins for c in report.cadences}
    assert [c.key for c in report.cadences] == ["t-booked-checkin", "t-aftercare"]
    booked = cadences["t-booked-checkin"]
    assert (booked.sent, booked.replied) == (3, 1)  # A's first check-in only
    assert booked.reply_rate == 1 / 3
    assert (cadences["t-aftercare"].sent, cadences["t-aftercare"].replied) == (1, 1)

    by = followup_report(params("coordinator"))
    assert sum(g.current.due for g in by.groups) == t.due
    assert sum(g.current.replied for g in by.groups) == t.replied
    assert {g.label: g.current.due for g in by.groups} == {"Carmen Ruiz": 4, "Omar Haddad": 2}


# --- Load ---------------------------------------------------------------------------------


def test_coordinator_load(built, cohort, procedure):
    now = timezone.now()
    coordinator = built.carmen
    idle = make_user("ines", "Coordinator")
    # An inquiry unanswered for two days, and a booked journey past its planned arrival.
    fresh = build(
        name="fresh",
        day=timezone.localdate() - dt.timedelta(days=2),
        procedure=procedure,
        coordinator=coordinator,
        manager=coordinator,
        steps=[],
        response_s=None,
    )
    booked = build(
        name="late-arrival",
        day=timezone.localdate() - dt.timedelta(days=10),
        procedure=procedure,
        coordinator=coordinator,
        manager=coordinator,
        steps=path(1),
        response_s=60,
    )
    Journey.objects.filter(pk=booked.pk).update(
        planned_arrival=timezone.localdate() - dt.timedelta(days=1)
    )
    # Patients wrote on J's journey and on A's (completed, but a reply still waits).
    journey_mark_waiting(journey_id=cohort["J"].pk, at=now - dt.timedelta(hours=4))
    journey_mark_waiting(journey_id=cohort["A"].pk, at=now - dt.timedelta(hours=3))
    report = load_report("coordinator", now=now)
    rows = {g.label: g.current for g in report.groups}
    assert list(rows) == ["Carmen Ruiz", "Omar Haddad", "Unassigned", "ines"]
    assert rows["ines"].active_total == 0 and idle.pk in {g.key for g in report.groups}
    # The cohort's open journeys: carmen P1 (arrival), "before" and "after" (booked);
    # omar H (arrival), J (follow-up), G postponed; unassigned I (inquiry).
    carmen = rows["Carmen Ruiz"]
    assert carmen.active == {"inquiry": 1, "booked": 3, "arrival": 1, "procedure": 0, "followup": 0}
    assert (carmen.unanswered, carmen.dates_passed) == (1, 1)
    omar = rows["Omar Haddad"]
    assert omar.active == {"inquiry": 0, "booked": 0, "arrival": 1, "procedure": 0, "followup": 1}
    assert (omar.postponed, omar.replies_waiting) == (1, 1)
    assert carmen.replies_waiting == 1
    assert omar.reengage_due == 1  # G's re-engage date was in 2025
    assert rows["Unassigned"].unanswered == 1  # I, from March 2025
    assert report.total.active_total == sum(r.active_total for r in rows.values())
    assert report.total.overdue == sum(r.overdue for r in rows.values())
    assert fresh.pk


# --- Parameters ---------------------------------------------------------------------------


def test_default_params_are_the_last_90_days():
    p = parse_params({}, today=dt.date(2026, 5, 31))
    assert (p.period.start, p.period.end, p.period.days) == (
        dt.date(2026, 3, 3),
        dt.date(2026, 5, 31),
        90,
    )
    assert (p.group_by, p.compare) == ("", True)
    assert p.period.previous() == Period(dt.date(2025, 12, 3), dt.date(2026, 3, 2))


@pytest.mark.parametrize(
    ("query", "name", "message"),
    [
        ({"from": "2025-13-01"}, "from", "'2025-13-01' is not a date on the calendar."),
        ({"to": "yesterday"}, "to", "'yesterday' is not a date; use YYYY-MM-DD."),
        ({"from": "20250101"}, "from", "'20250101' is not a date; use YYYY-MM-DD."),
        (
            {"from": "2025-05-02", "to": "2025-05-01"},
            "from",
            "from (2025-05-02) is after to (2025-05-01).",
        ),
        ({"group_by": "planet"}, "group_by", "'planet' is not one of: coordinator, clinic,"),
        ({"from": "0001-01-01"}, "from", "0001-01-01 is outside 2000-01-01 .. 2099-12-31."),
        ({"from": "2000-01-01", "to": "2099-01-01"}, "to", "the longest is 3660 days."),
        ({"compare": "maybe"}, "compare", "'maybe' is not a yes/no value; use 1 or 0."),
    ],
)
def test_bad_params_name_the_parameter(query, name, message):
    with pytest.raises(ReportParamsError) as err:
        parse_params(query, today=dt.date(2026, 5, 31))
    assert name in err.value.errors
    assert message in err.value.errors[name]
