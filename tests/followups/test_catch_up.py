"""No catch-up floods after downtime (followups/catch_up.py): only the latest of a series
goes, stale messages are skipped with their reason unless the patient still needs them,
and one patient never gets the same rule's email twice within 20 hours.

Every test pins time with an explicit `now` (the dispatcher's "as of"): nothing here
depends on the day or the hour the suite runs."""

from __future__ import annotations

import datetime as dt
import threading
import time
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection

from crm.models import Procedure
from followups import catch_up
from followups.models import CadenceRule, CancelReason, Message, ScheduledMessage, Status
from followups.services import (
    message_send_scheduled,
    messages_dispatch_due,
    messages_reschedule_for_dates,
)
from journeys.models import Journey, Stage
from tests.conftest import make_patient

from .conftest import rows

pytestmark = pytest.mark.django_db

# A Monday morning in Berlin, long ago: the tests never read the machine's clock.
T0 = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)


def journey_in(
    stage: str, procedure: Procedure, coordinator: User, *, entered: dt.datetime = T0, **extra: Any
) -> Journey:
    journey = Journey.objects.create(
        patient=extra.pop("patient", None) or make_patient(),
        procedure=procedure,
        clinic=procedure.clinic,
        coordinator=coordinator,
        stage=stage,
        stage_entered_at=entered,
        inquiry_received_at=entered - dt.timedelta(days=30),
        **extra,
    )
    messages_reschedule_for_dates(journey=journey, now=entered)
    # What was due at once was claimed for an after-commit task; leave it to the
    # dispatcher, as if that task had been lost.
    ScheduledMessage.objects.filter(journey=journey, status=Status.CLAIMED).update(
        status=Status.PENDING, claimed_at=None
    )
    return journey


def statuses(journey: Journey, key: str) -> list[tuple[int, str, str]]:
    return [
        (r.occurrence, r.status, r.cancelled_reason)
        for r in ScheduledMessage.objects.filter(journey=journey, rule__key=key).order_by(
            "occurrence"
        )
    ]


def test_after_fifteen_days_down_only_the_latest_daily_check_in_goes(
    procedure: Procedure, coordinator: User
) -> None:
    journey = journey_in(Stage.PROCEDURE, procedure, coordinator)
    # At most 14 daily check-ins, ending at the planned departure (care/).
    assert len(rows(journey, rule__key="procedure_comfort")) == 14
    as_of = T0 + dt.timedelta(days=10, hours=4)  # 11:00 in Berlin, day 10

    result = messages_dispatch_due(now=as_of, send_inline=True)

    # The dispatcher skips the missed ones in bulk and claims only the latest.
    assert (result.missed, result.claimed, result.outcomes) == (9, 1, {"sent": 1})
    found = statuses(journey, "procedure_comfort")
    assert found[:9] == [(n, Status.CANCELLED, CancelReason.MISSED) for n in range(9)]
    assert found[9] == (9, Status.SENT, "")  # the day-10 one, 3 hours late
    assert {status for _, status, _ in found[10:]} == {Status.PENDING}
    assert Message.objects.filter(journey=journey).count() == 1
    assert (
        ScheduledMessage.objects.get(
            journey=journey, occurrence=0, rule__key="procedure_comfort"
        ).get_cancelled_reason_display()
        == "Missed while sending was stopped"
    )


def test_workers_back_after_an_outage_skip_what_the_dispatcher_had_claimed(
    procedure: Procedure, coordinator: User
) -> None:
    """The dispatcher ran but the workers were down: every day's check-in was claimed
    and waits in the broker. The send path applies the same rules, under its lock."""
    journey = journey_in(Stage.PROCEDURE, procedure, coordinator)
    as_of = T0 + dt.timedelta(days=10, hours=4)
    due = [r for r in rows(journey, rule__key="procedure_comfort") if r.due_at <= as_of]
    ScheduledMessage.objects.filter(pk__in=[r.pk for r in due]).update(status=Status.CLAIMED)
    outcomes = [message_send_scheduled(scheduled_message_id=r.pk, now=as_of) for r in due]
    assert outcomes == ["missed"] * 9 + ["sent"]
    # Whatever order the workers take them in.
    ScheduledMessage.objects.filter(pk__in=[r.pk for r in due]).update(
        status=Status.CLAIMED, cancelled_reason=""
    )
    Message.objects.all().delete()
    ScheduledMessage.objects.filter(pk=due[-1].pk).update(sent_at=None)
    outcomes = [message_send_scheduled(scheduled_message_id=r.pk, now=as_of) for r in reversed(due)]
    assert outcomes == ["sent"] + ["missed"] * 9


def test_the_pre_arrival_emails_are_one_series(procedure: Procedure, coordinator: User) -> None:
    arrival = (T0 + dt.timedelta(days=16)).date()
    journey = journey_in(Stage.BOOKED, procedure, coordinator, planned_arrival=arrival)
    # Down from before T-14 until after T-3: only the T-3 email goes (once, late).
    as_of = T0 + dt.timedelta(days=14, hours=5)
    messages_dispatch_due(now=as_of, send_inline=True)
    assert statuses(journey, "prearrival_14") == [(0, Status.CANCELLED, CancelReason.MISSED)]
    assert statuses(journey, "prearrival_3") == [(0, Status.SENT, "")]
    assert statuses(journey, "prearrival_1") == [(0, Status.PENDING, "")]
    assert set(CadenceRule.objects.filter(series="prearrival").values_list("key", flat=True)) == {
        "prearrival_14",
        "prearrival_3",
        "prearrival_1",
    }


def test_a_stale_series_skips_even_its_latest(procedure: Procedure, coordinator: User) -> None:
    journey_in(Stage.PROCEDURE, procedure, coordinator)
    # Day 3's check-in was due at 08:00 UTC; 13 hours later it is past its 12-hour limit.
    as_of = T0 + dt.timedelta(days=3, hours=14)
    result = messages_dispatch_due(now=as_of, send_inline=True)
    assert (result.missed, result.claimed) == (3, 0)
    assert Message.objects.count() == 0


def test_a_stale_single_message_is_skipped_and_a_needed_one_goes_late(
    procedure: Procedure, coordinator: User
) -> None:
    inquiry = journey_in(Stage.INQUIRY, procedure, coordinator)
    info = rows(inquiry, rule__key="inquiry_info_pack")[0]
    assert CadenceRule.objects.get(key="inquiry_info_pack").stale_after_hours == 48
    booked = journey_in(
        Stage.BOOKED,
        procedure,
        coordinator,
        planned_arrival=(T0 + dt.timedelta(days=10)).date(),
    )
    confirmation = rows(booked, rule__key="booked_confirmation")[0]

    # The acknowledgment/confirmation were due at T0; four days later (the pre-arrival
    # T-14 was never planned: the trip is 10 days away).
    as_of = info.due_at + dt.timedelta(hours=49)
    assert as_of - confirmation.due_at > dt.timedelta(days=4)
    messages_dispatch_due(now=as_of, send_inline=True)

    info.refresh_from_db()
    confirmation.refresh_from_db()
    assert (info.status, info.cancelled_reason) == (Status.CANCELLED, CancelReason.MISSED)
    assert (confirmation.status, confirmation.sent_at) == (Status.SENT, as_of)  # once, late
    ack = rows(inquiry, rule__key="inquiry_ack")[0]
    assert (ack.status, ack.cancelled_reason) == (Status.CANCELLED, CancelReason.MISSED)
    # The needed rule is the data migration's choice, editable per rule.
    needed = set(CadenceRule.objects.filter(send_late=True).values_list("key", flat=True))
    assert needed == {"booked_confirmation", "prearrival_14", "prearrival_3", "prearrival_1"}


def every_four_hours() -> CadenceRule:
    return CadenceRule.objects.create(
        key="every-4h",
        template_key="inquiry_ack",
        stage=Stage.INQUIRY,
        repeat_every=4,
        repeat_unit="hours",
        max_occurrences=12,
        send_any_time=True,
        stale_after_hours=48,
    )


def test_never_two_emails_of_one_rule_within_20_hours(
    procedure: Procedure, coordinator: User
) -> None:
    every_four_hours()
    journey = journey_in(Stage.INQUIRY, procedure, coordinator)
    sent: list[dt.datetime] = []
    for hours in range(0, 48, 4):
        as_of = T0 + dt.timedelta(hours=hours)
        messages_dispatch_due(now=as_of, send_inline=True)
    sent = sorted(
        r.sent_at for r in rows(journey, rule__key="every-4h", status=Status.SENT) if r.sent_at
    )
    assert sent == [T0, T0 + dt.timedelta(hours=20), T0 + dt.timedelta(hours=40)]
    # The ones in between waited, then were overtaken by a later one: skipped with reason.
    skipped = rows(journey, rule__key="every-4h", status=Status.CANCELLED)
    assert skipped and {r.cancelled_reason for r in skipped} == {CancelReason.MISSED}


def test_the_20_hour_gap_is_per_patient_across_journeys(
    procedure: Procedure, coordinator: User
) -> None:
    rule = every_four_hours()
    patient = make_patient()
    first = journey_in(Stage.INQUIRY, procedure, coordinator, patient=patient)
    other_procedure = Procedure.objects.create(name="Veneers", clinic=procedure.clinic)
    second = journey_in(Stage.INQUIRY, other_procedure, coordinator, patient=patient)
    a = ScheduledMessage.objects.get(journey=first, rule=rule, occurrence=0)
    b = ScheduledMessage.objects.get(journey=second, rule=rule, occurrence=0)
    assert message_send_scheduled(scheduled_message_id=a.pk, now=T0) == "sent"
    assert message_send_scheduled(scheduled_message_id=b.pk, now=T0) == "deferred"
    b.refresh_from_db()
    assert (b.status, b.due_at) == (Status.PENDING, T0 + dt.timedelta(hours=20))


def test_deferral_respects_the_send_window(procedure: Procedure, coordinator: User) -> None:
    journey = journey_in(Stage.PROCEDURE, procedure, coordinator)
    first, second = rows(journey, rule__key="procedure_comfort")[:2]
    # The first goes late in the afternoon (17:30 in Berlin), the second the next morning.
    late = first.due_at.replace(hour=16, minute=30)
    assert message_send_scheduled(scheduled_message_id=first.pk, now=late) == "sent"
    assert message_send_scheduled(scheduled_message_id=second.pk, now=second.due_at) == ("deferred")
    second.refresh_from_db()
    # 20 hours after 17:30 is 13:30 local, inside 09:00-18:00.
    assert second.due_at == late + catch_up.SAME_RULE_GAP


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_on_one_patient_and_rule_send_once(
    procedure: Procedure, coordinator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = every_four_hours()
    patient = make_patient()
    first = journey_in(Stage.INQUIRY, procedure, coordinator, patient=patient)
    other_procedure = Procedure.objects.create(name="Veneers", clinic=procedure.clinic)
    second = journey_in(Stage.INQUIRY, other_procedure, coordinator, patient=patient)
    ids = [
        ScheduledMessage.objects.get(journey=j, rule=rule, occurrence=0).pk for j in (first, second)
    ]
    ScheduledMessage.objects.filter(pk__in=ids).update(status=Status.CLAIMED)
    ScheduledMessage.objects.exclude(pk__in=ids).update(status=Status.CANCELLED)

    # Widen the window between "nothing sent in 20 h" and "mine now": without the lock
    # per patient and rule both workers would pass the check.
    real = catch_up.too_soon_until

    def slow(row: ScheduledMessage, *, as_of: dt.datetime) -> dt.datetime | None:
        found = real(row, as_of=as_of)
        time.sleep(0.5)
        return found

    monkeypatch.setattr(catch_up, "too_soon_until", slow)
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def worker(pk: int) -> None:
        try:
            start.wait()
            outcomes.append(message_send_scheduled(scheduled_message_id=pk, now=T0))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(pk,)) for pk in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["deferred", "sent"]
    assert Message.objects.filter(scheduled_message_id__in=ids).count() == 1


def test_dispatch_due_as_of_replays_an_outage(
    procedure: Procedure, coordinator: User, outbox: list[Any]
) -> None:
    journey = journey_in(Stage.PROCEDURE, procedure, coordinator)
    out = StringIO()
    call_command("dispatch_due", "--as-of", "2026-03-12T11:00:00+00:00", stdout=out)
    assert out.getvalue().strip() == (
        "as of 2026-03-12 11:00 UTC: reaped 0, gave up 0, skipped 9 as missed, claimed 1: sent 1"
    )
    assert len(outbox) == 1
    assert len(rows(journey, status=Status.SENT)) == 1


def test_as_of_parsing() -> None:
    from django.core.management.base import CommandError

    from followups.management.commands.dispatch_due import parse_as_of

    assert parse_as_of("+15 days", now=T0) == T0 + dt.timedelta(days=15)
    assert parse_as_of("3 hours", now=T0) == T0 + dt.timedelta(hours=3)
    assert parse_as_of("+2 weeks", now=T0) == T0 + dt.timedelta(days=14)
    assert parse_as_of("2026-03-05 10:00", now=T0) == dt.datetime(2026, 3, 5, 10, tzinfo=dt.UTC)
    with pytest.raises(CommandError, match="15 days"):
        parse_as_of("next tuesday", now=T0)
