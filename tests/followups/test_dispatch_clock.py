"""Claims, the reaper and due times use the database's clock, not the worker's: a host
whose clock is days off (time-machine moves this process's clock; PostgreSQL's is the
real one) neither claims early, nor leaves claims stuck, nor reaps a live claim."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import time_machine
from django.db import OperationalError

from followups import tasks
from followups.models import ScheduledMessage, Status
from followups.services import db_now, messages_dispatch_due, messages_reap_stuck
from journeys.models import Journey

from .conftest import rows

pytestmark = pytest.mark.django_db


def test_a_worker_clock_days_ahead_neither_claims_early_nor_reaps_live_claims(
    journey: Journey,
) -> None:
    real = db_now()
    info = rows(journey, rule__key="inquiry_info_pack")[0]
    ScheduledMessage.objects.filter(pk=info.pk).update(due_at=real + dt.timedelta(days=1))
    ack = rows(journey, rule__key="inquiry_ack")[0]
    ScheduledMessage.objects.filter(pk=ack.pk).update(
        status=Status.SENDING, claimed_at=real - dt.timedelta(seconds=30)
    )
    with time_machine.travel(real + dt.timedelta(days=15), tick=True):
        result = messages_dispatch_due()
    assert (result.reaped, result.claimed) == (0, 0)
    info.refresh_from_db()
    ack.refresh_from_db()
    assert info.status == Status.PENDING
    assert (ack.status, ack.claimed_at) == (Status.SENDING, real - dt.timedelta(seconds=30))


def test_a_worker_clock_days_behind_still_claims_and_reaps(journey: Journey) -> None:
    real = db_now()
    info = rows(journey, rule__key="inquiry_info_pack")[0]
    ScheduledMessage.objects.filter(pk=info.pk).update(due_at=real - dt.timedelta(minutes=1))
    ack = rows(journey, rule__key="inquiry_ack")[0]
    ScheduledMessage.objects.filter(pk=ack.pk).update(
        status=Status.CLAIMED, claimed_at=real - dt.timedelta(minutes=10)
    )
    with time_machine.travel(real - dt.timedelta(days=3), tick=True):
        result = messages_dispatch_due()
    assert result.reaped == 1  # the 10-minute-old claim, by the database's clock
    info.refresh_from_db()
    assert info.status == Status.CLAIMED
    # claimed_at is the database's time, not the worker's three-days-ago.
    assert info.claimed_at is not None
    assert abs(info.claimed_at - db_now()) < dt.timedelta(minutes=1)


def test_an_explicit_as_of_moves_due_times_but_never_the_reaper(journey: Journey) -> None:
    real = db_now()
    ack = rows(journey, rule__key="inquiry_ack")[0]
    ScheduledMessage.objects.filter(pk=ack.pk).update(
        status=Status.CLAIMED, claimed_at=real - dt.timedelta(seconds=10)
    )
    info = rows(journey, rule__key="inquiry_info_pack")[0]
    ScheduledMessage.objects.filter(pk=info.pk).update(due_at=real + dt.timedelta(days=1))
    result = messages_dispatch_due(now=real + dt.timedelta(days=1, hours=1))
    assert result.reaped == 0  # a live claim stays claimed, whatever "as of" says
    assert result.claimed == 1  # the info pack, due by then
    # Six minutes later by the database: the live claim and the new one are stuck.
    assert messages_reap_stuck(now=real + dt.timedelta(minutes=6)) == (2, 0)


def test_database_outages_in_tasks_are_counted_not_traced(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def down(**kwargs: object) -> None:
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr("followups.services.messages_dispatch_due", down)
    monkeypatch.setattr("followups.services.message_send_scheduled", down)
    before = dict(tasks.DATABASE_OUTAGES)
    with caplog.at_level(logging.WARNING, logger="followups.tasks"):
        tasks.dispatch_due()
        tasks.dispatch_due()
        tasks.send_scheduled_message(1)
    assert tasks.DATABASE_OUTAGES["dispatch_due"] == before.get("dispatch_due", 0) + 2
    assert tasks.DATABASE_OUTAGES["send_scheduled_message"] == (
        before.get("send_scheduled_message", 0) + 1
    )
    # Ours only (the connection pool may add its own one-line notes about the connection).
    records = [r for r in caplog.records if r.name == "followups.tasks"]
    assert len(records) == 3
    assert all(r.exc_info is None for r in records)
    assert "OperationalError" in records[0].getMessage()
