"""Planning inside the transition: what each stage schedules, what a move, a reply, an
opt-out or a closed journey cancels, and that re-planning never duplicates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from crm.models import Procedure
from followups.models import CancelReason, ScheduledMessage, Status
from followups.services import (
    enqueue_sends,
    messages_cancel_on_reply,
    messages_plan_seeded,
    messages_reschedule_for_dates,
    patient_opt_out_marketing,
)
from journeys.models import Journey, Outcome, Stage
from journeys.services import journey_create, journey_move
from tests.conftest import make_patient

from .conftest import advance, keys, rows, send_due

pytestmark = pytest.mark.django_db

INQUIRY_RULES = ["inquiry_ack", "inquiry_info_pack", "inquiry_nudge_1", "inquiry_nudge_2"]


def test_a_new_inquiry_claims_the_acknowledgment_and_plans_the_nudges(
    procedure: Procedure, coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        journey = journey_create(
            patient=make_patient(), procedure=procedure, actor=coordinator, coordinator=coordinator
        )
    assert keys(journey) == INQUIRY_RULES
    ack = rows(journey, rule__key="inquiry_ack")[0]
    assert ack.status == Status.CLAIMED  # not waiting for the dispatcher's next tick
    # ...and its send task is enqueued only after commit.
    assert [(c.func, c.args) for c in callbacks] == [(enqueue_sends, ([ack.pk],))]
    assert all(r.status == Status.PENDING for r in rows(journey) if r.pk != ack.pk)
    info = rows(journey, rule__key="inquiry_info_pack")[0]
    assert info.due_at >= journey.stage_entered_at + dt.timedelta(days=2)


def test_moving_on_cancels_the_old_stage_and_plans_the_new_one(
    journey: Journey, coordinator: User
) -> None:
    send_due(journey)
    journey = advance(journey, Stage.BOOKED, actor=coordinator)
    inquiry = rows(journey, rule__stage=Stage.INQUIRY)
    assert {r.rule.key: r.status for r in inquiry} == {
        "inquiry_ack": Status.SENT,
        "inquiry_info_pack": Status.CANCELLED,
        "inquiry_nudge_1": Status.CANCELLED,
        "inquiry_nudge_2": Status.CANCELLED,
    }
    assert {r.cancelled_reason for r in inquiry if r.status == Status.CANCELLED} == {
        CancelReason.LEFT_STAGE
    }
    booked = keys(journey, rule__stage=Stage.BOOKED)
    # No arrival date yet: the weekly check-in runs (bounded), the T-14/3/1 list waits.
    assert booked[0] == "booked_confirmation"
    assert set(booked) == {"booked_confirmation", "booked_reassurance"}
    assert booked.count("booked_reassurance") == 26


def test_planned_dates_schedule_the_pre_arrival_list_and_bound_the_weekly_check_in(
    journey: Journey, coordinator: User
) -> None:
    journey = advance(journey, Stage.BOOKED, actor=coordinator)
    journey.planned_arrival = timezone.localdate() + dt.timedelta(days=30)
    journey.save(update_fields=["planned_arrival"])
    messages_reschedule_for_dates(journey=journey)
    pending = rows(journey, status=Status.PENDING, rule__stage=Stage.BOOKED)
    names = [r.rule.key for r in pending]
    assert names.count("booked_reassurance") == 4  # days 7, 14, 21, 28 before day 30
    assert {"prearrival_14", "prearrival_3", "prearrival_1"} <= set(names)
    before = {(r.rule_id, r.occurrence, r.due_at) for r in pending}

    messages_reschedule_for_dates(journey=journey)  # again: nothing changes, no duplicates
    assert {
        (r.rule_id, r.occurrence, r.due_at)
        for r in rows(journey, status=Status.PENDING, rule__stage=Stage.BOOKED)
    } == before

    # The trip moves earlier: surplus check-ins cancel, the checklist moves with the date.
    old_t3 = rows(journey, rule__key="prearrival_3")[0].due_at
    journey.planned_arrival = timezone.localdate() + dt.timedelta(days=16)
    journey.save(update_fields=["planned_arrival"])
    messages_reschedule_for_dates(journey=journey)
    assert (
        keys(journey, status=Status.PENDING, rule__key="booked_reassurance")
        == ["booked_reassurance"] * 2
    )
    assert [
        r.cancelled_reason
        for r in rows(journey, rule__key="booked_reassurance", status=Status.CANCELLED)
    ] == [CancelReason.RESCHEDULED] * 24
    assert rows(journey, rule__key="prearrival_3")[0].due_at == old_t3 - dt.timedelta(days=14)


def test_a_checklist_date_long_past_when_planned_is_skipped(
    journey: Journey, coordinator: User
) -> None:
    journey = advance(journey, Stage.BOOKED, actor=coordinator)
    journey.planned_arrival = timezone.localdate() + dt.timedelta(days=5)
    journey.save(update_fields=["planned_arrival"])
    messages_reschedule_for_dates(journey=journey)
    assert "prearrival_14" not in keys(journey)
    assert {"prearrival_3", "prearrival_1"} <= set(keys(journey, status=Status.PENDING))


def test_coming_back_to_a_stage_never_resends_what_was_sent(
    journey: Journey, coordinator: User, manager: User
) -> None:
    journey = advance(journey, Stage.BOOKED, actor=coordinator)
    send_due(journey)
    first_stay = journey.stage_entered_at
    # The first weekly check-in went out during the first stay.
    ScheduledMessage.objects.filter(
        journey=journey, rule__key="booked_reassurance", occurrence=0
    ).update(due_at=timezone.now())
    assert send_due(journey) == ["sent"]
    journey = journey_move(
        journey_id=journey.pk, target=Stage.INQUIRY, actor=manager, reason="dates open again"
    )
    journey = advance(journey, Stage.BOOKED, actor=coordinator)
    assert journey.stage_entered_at > first_stay
    confirmations = rows(journey, rule__key="booked_confirmation")
    assert [r.status for r in confirmations] == [Status.SENT]  # not sent again
    weekly = rows(journey, rule__key="booked_reassurance", status=Status.PENDING)
    # The series restarts from the new entry and continues the numbering after the sent one.
    assert weekly[0].occurrence == 1
    assert weekly[0].due_at >= journey.stage_entered_at + dt.timedelta(days=7)
    assert ScheduledMessage.objects.filter(journey=journey).count() == len(
        set(ScheduledMessage.objects.filter(journey=journey).values_list("rule_id", "occurrence"))
    )


def test_a_reply_cancels_only_what_stops_on_reply(journey: Journey) -> None:
    send_due(journey)
    cancelled = messages_cancel_on_reply(journey_id=journey.pk, at=timezone.now())
    assert cancelled == 3
    assert {r.rule.key: r.cancelled_reason for r in rows(journey, status=Status.CANCELLED)} == {
        "inquiry_info_pack": CancelReason.REPLIED,
        "inquiry_nudge_1": CancelReason.REPLIED,
        "inquiry_nudge_2": CancelReason.REPLIED,
    }


def test_marketing_opt_out_cancels_marketing_but_not_care(
    journey: Journey, coordinator: User
) -> None:
    assert patient_opt_out_marketing(patient_id=journey.patient_id) is True
    assert patient_opt_out_marketing(patient_id=journey.patient_id) is False
    statuses = {r.rule.key: (r.status, r.cancelled_reason) for r in rows(journey)}
    assert statuses["inquiry_nudge_1"] == (Status.CANCELLED, CancelReason.OPTED_OUT)
    assert statuses["inquiry_nudge_2"] == (Status.CANCELLED, CancelReason.OPTED_OUT)
    assert statuses["inquiry_info_pack"] == (Status.PENDING, "")
    assert statuses["inquiry_ack"][0] == Status.CLAIMED


def test_losing_the_journey_cancels_everything_pending(journey: Journey, coordinator: User) -> None:
    journey_move(journey_id=journey.pk, target=Outcome.LOST, actor=coordinator, lost_reason="price")
    assert {r.status for r in rows(journey)} == {Status.CANCELLED}
    assert {r.cancelled_reason for r in rows(journey)} == {CancelReason.CLOSED}


def test_a_rolled_back_move_plans_nothing(journey: Journey, coordinator: User) -> None:
    before = list(ScheduledMessage.objects.filter(journey=journey).values_list("pk", "status"))

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        journey_move(journey_id=journey.pk, target=Stage.BOOKED, actor=coordinator)
        assert keys(journey, rule__stage=Stage.BOOKED)  # planned inside the transaction...
        raise Boom
    # ...and gone with it.
    assert (
        list(ScheduledMessage.objects.filter(journey=journey).values_list("pk", "status")) == before
    )


@pytest.mark.parametrize(
    ("now", "planned", "second_nudge"),
    [
        # Wednesday 10 June 2026, 12:00 in Berlin: info pack and nudges / the day-14 nudge
        # (the day-5 one went out yesterday) / nothing left.
        (dt.datetime(2026, 6, 10, 10, 0, tzinfo=dt.UTC), 3 + 1 + 0, []),
        # Sunday 29 November 2026, 13:00 in Berlin: the inquiry from Monday had its day-5
        # nudge on Saturday, outside the Mon-Fri window: it goes on Monday, still to come.
        (
            dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC),
            3 + 2 + 0,
            [dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)],  # Monday 09:00 in Berlin
        ),
    ],
    ids=["wednesday", "sunday"],
)
def test_seeded_journeys_only_get_future_messages(
    procedure: Procedure,
    coordinator: User,
    now: dt.datetime,
    planned: int,
    second_nudge: list[dt.datetime],
) -> None:
    journeys = [
        Journey.objects.create(
            patient=make_patient(),
            procedure=procedure,
            clinic=procedure.clinic,
            coordinator=coordinator,
            stage=Stage.INQUIRY,
            stage_entered_at=now - dt.timedelta(days=days),
            inquiry_received_at=now - dt.timedelta(days=days),
        )
        for days in (1, 6, 20)
    ]
    assert messages_plan_seeded(journey_ids=[j.pk for j in journeys], now=now) == planned
    assert not ScheduledMessage.objects.filter(due_at__lte=now).exists()
    assert not ScheduledMessage.objects.exclude(status=Status.PENDING).exists()
    assert keys(journeys[0]) == ["inquiry_info_pack", "inquiry_nudge_1", "inquiry_nudge_2"]
    assert [r.due_at for r in rows(journeys[1], rule__key="inquiry_nudge_1")] == second_nudge


def test_an_undeliverable_address_gets_no_plan(procedure: Procedure, coordinator: User) -> None:
    patient = make_patient(email_undeliverable_at=timezone.now())
    journey = journey_create(patient=patient, procedure=procedure, actor=coordinator)
    assert rows(journey) == []


def test_seeding_twice_plans_once(procedure: Procedure, coordinator: User) -> None:
    now = timezone.now()
    journey = Journey.objects.create(
        patient=make_patient(),
        procedure=procedure,
        clinic=procedure.clinic,
        stage=Stage.BOOKED,
        stage_entered_at=now - dt.timedelta(days=3),
        inquiry_received_at=now - dt.timedelta(days=20),
        planned_arrival=timezone.localdate() + dt.timedelta(days=40),
    )
    first = messages_plan_seeded(journey_ids=[journey.pk], now=now)
    assert messages_plan_seeded(journey_ids=[journey.pk], now=now) == 0
    assert ScheduledMessage.objects.filter(journey=journey).count() == first
    # Weekly check-ins on days 7..35 after entry (the one on day 42 is after arrival), and
    # the whole pre-arrival list; the confirmation was due at entry, three days ago: skipped.
    assert sorted(set(keys(journey))) == [
        "booked_reassurance",
        "prearrival_1",
        "prearrival_14",
        "prearrival_3",
    ]
