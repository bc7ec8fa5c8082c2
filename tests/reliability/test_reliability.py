"""Real faults against real processes: PostgreSQL, a private Redis, Celery workers and beat.

Each test prints what it saw; the assertions are the guarantees in followups/README.md:
nothing is lost, nothing is sent twice except the messages in flight at a crash.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections import Counter

import pytest
import redis
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from crm.models import Clinic, Patient, Procedure
from followups.models import (
    CadenceRule,
    Message,
    MessageTemplate,
    ScheduledMessage,
    Status,
)
from followups.services import messages_dispatch_due
from journeys.models import Journey, Stage
from journeys.services import journey_move

from .conftest import Processes, RedisServer, assert_nothing_stuck, wait_for
from .mailbackend import read_log

pytestmark = [
    pytest.mark.reliability,
    # Celery worker and beat processes read the machine's clock: the test must agree with
    # them. Every rule here is "send any time" with due times relative to now, so the day
    # and hour do not matter.
    pytest.mark.real_clock,
    # One xdist worker runs them one after another: each starts several processes, and
    # two at once on a 2-core machine would only measure the machine.
    pytest.mark.xdist_group("followups-reliability"),
    # Committed rows, so the worker processes see them. Not serialized_rollback: other
    # transactional tests' flushes re-create content types, which it would then clash
    # with; each test makes the rules and templates it needs instead.
    pytest.mark.django_db(transaction=True),
]


def make_journey(stage: str = Stage.INQUIRY) -> Journey:
    tag = uuid.uuid4().hex[:8]
    clinic = Clinic.objects.create(
        name=f"Clinic {tag}", city="Istanbul", country="TR", timezone="Europe/Istanbul"
    )
    procedure = Procedure.objects.create(name="Implants", clinic=clinic)
    patient = Patient.objects.create(
        full_name="Anna Schmidt",
        email=f"anna-{tag}@example.de",
        country="DE",
        preferred_language="de",
        timezone="Europe/Berlin",
    )
    now = timezone.now()
    return Journey.objects.create(
        patient=patient,
        procedure=procedure,
        clinic=clinic,
        stage=stage,
        stage_entered_at=now,
        inquiry_received_at=now,
    )


def ensure_template() -> None:
    MessageTemplate.objects.get_or_create(
        key="reliability_note",
        language="en",
        defaults={
            "subject": "A note for {{ patient.first_name }}",
            "text": "Hello {{ patient.first_name }}",
            "html": "<p>Hello {{ patient.first_name }}</p>",
        },
    )


def make_due(count: int, *, due_at: dt.datetime) -> list[int]:
    """`count` scheduled rows of one simple rule, due at `due_at`, each for a patient of
    its own (one patient never gets two emails of one rule within 20 hours, and only the
    latest of a journey's series goes: followups/catch_up.py)."""
    tag = uuid.uuid4().hex[:8]
    clinic = Clinic.objects.create(
        name=f"Clinic {tag}", city="Istanbul", country="TR", timezone="Europe/Istanbul"
    )
    procedure = Procedure.objects.create(name="Implants", clinic=clinic)
    patients = Patient.objects.bulk_create(
        Patient(
            full_name=f"Anna Schmidt {i}",
            email=f"anna-{tag}-{i}@example.de",
            country="DE",
            preferred_language="de",
            timezone="Europe/Berlin",
        )
        for i in range(count)
    )
    now = timezone.now()
    journeys = Journey.objects.bulk_create(
        Journey(
            patient=patient,
            procedure=procedure,
            clinic=clinic,
            stage=Stage.INQUIRY,
            stage_entered_at=now,
            inquiry_received_at=now,
        )
        for patient in patients
    )
    ensure_template()
    rule = CadenceRule.objects.create(
        key=f"reliability-{tag}",
        template_key="reliability_note",
        stage=Stage.INQUIRY,
        send_any_time=True,
        stop_on_stage_exit=False,
        stop_on_close=False,
    )
    rows = ScheduledMessage.objects.bulk_create(
        ScheduledMessage(
            journey=journey,
            rule=rule,
            occurrence=0,
            due_at=due_at,
            stage_entered_at=journey.stage_entered_at,
            planned_at=now,
        )
        for journey in journeys
    )
    return [r.pk for r in rows]


def sent_count(ids: list[int]) -> int:
    return ScheduledMessage.objects.filter(pk__in=ids, status=Status.SENT).count()


def duplicates(log: list[int]) -> dict[int, int]:
    return {pk: n for pk, n in Counter(log).items() if n > 1}


def test_worker_killed_mid_batch_loses_nothing(processes: Processes, mail_log: str) -> None:
    ids = make_due(200, due_at=timezone.now())
    processes.beat()
    worker = processes.worker(RELIABILITY_MAIL_DELAY="0.02")
    wait_for(lambda: len(read_log(mail_log)) >= 40, 60, "the first 40 sends")

    processes.kill(worker)  # SIGKILL to the whole process group: no goodbye, no acks
    sent_before = len(read_log(mail_log))
    in_flight = ScheduledMessage.objects.filter(pk__in=ids, status=Status.SENDING).count()
    claimed = ScheduledMessage.objects.filter(pk__in=ids, status=Status.CLAIMED).count()

    processes.worker(RELIABILITY_MAIL_DELAY="0.02")
    wait_for(lambda: sent_count(ids) == 200, 60, "all 200 to be sent after the restart", 0.5)

    log = read_log(mail_log)
    doubles = duplicates(log)
    print(
        f"\nSIGKILL after {sent_before} sends: {in_flight} in flight, {claimed} claimed; "
        f"{len(log)} sends for 200 messages, sent twice: {len(doubles)} {sorted(doubles)}"
    )
    assert set(log) == set(ids)  # nothing lost
    assert len(doubles) <= in_flight  # at most the ones in flight at the kill
    assert all(n == 2 for n in doubles.values())
    assert Message.objects.filter(scheduled_message_id__in=ids).count() == 200
    assert_nothing_stuck(5)


def test_redis_restart_between_scheduling_and_sending_loses_nothing(
    processes: Processes,
    redis_server: RedisServer,
    mail_log: str,
    local_broker: None,
    settings: object,
) -> None:
    settings.FOLLOWUPS_CLAIM_TIMEOUT = 5  # type: ignore[attr-defined]
    now = timezone.now()
    first = make_due(50, due_at=now)
    later = make_due(50, due_at=now + dt.timedelta(seconds=3))
    client = redis.Redis(port=redis_server.port)

    # The dispatcher claims the due half and enqueues their sends: they sit in Redis...
    assert messages_dispatch_due().claimed == 50
    assert client.llen("celery") == 50
    # ...and Redis dies with them. Nothing is persisted.
    client.close()
    redis_server.stop()

    # While Redis is down the next tick still claims what fell due; enqueueing fails fast
    # and the rows wait in PostgreSQL.
    wait_for(
        lambda: timezone.now() >= now + dt.timedelta(seconds=3), 10, "the later half to fall due"
    )
    started = time.monotonic()
    assert messages_dispatch_due().claimed == 50
    print(f"\ndispatch with Redis down took {time.monotonic() - started:.2f}s")
    assert ScheduledMessage.objects.filter(status=Status.CLAIMED).count() == 100

    redis_server.start()  # empty
    assert redis.Redis(port=redis_server.port).llen("celery") == 0
    processes.beat()
    processes.worker()
    ids = first + later
    wait_for(lambda: sent_count(ids) == 100, 60, "all 100 to be sent after the restart", 0.5)
    log = read_log(mail_log)
    print(f"sends: {len(log)} for 100 messages, sent twice: {len(duplicates(log))}")
    assert sorted(log) == sorted(ids)  # each exactly once
    assert_nothing_stuck(5)


def test_rolled_back_stage_change_schedules_and_sends_nothing(
    processes: Processes, mail_log: str, local_broker: None
) -> None:
    from django.contrib.auth.models import User

    actor = User.objects.create_user("reliability-coordinator")
    journey = make_journey()
    # The booked stage's "at once" message, as the default cadences have it.
    ensure_template()
    CadenceRule.objects.filter(stage=Stage.BOOKED).update(active=False)
    confirmation_rule = CadenceRule.objects.create(
        key="reliability_booked_confirmation",
        template_key="reliability_note",
        stage=Stage.BOOKED,
        send_any_time=True,
    )
    processes.beat()
    processes.worker()

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        journey_move(journey_id=journey.pk, target=Stage.BOOKED, actor=actor)
        assert ScheduledMessage.objects.filter(journey=journey, status=Status.CLAIMED).exists()
        raise Abort
    time.sleep(4)  # four dispatcher ticks
    assert not ScheduledMessage.objects.filter(journey=journey).exists()
    assert read_log(mail_log) == []

    # The same move, committed: the booking confirmation goes out once, promptly.
    journey_move(journey_id=journey.pk, target=Stage.BOOKED, actor=actor)
    confirmation = ScheduledMessage.objects.get(journey=journey, rule=confirmation_rule)
    started = time.monotonic()
    wait_for(lambda: sent_count([confirmation.pk]) == 1, 30, "the booking confirmation")
    print(f"\ncommitted move -> confirmation sent in {time.monotonic() - started:.2f}s")
    time.sleep(2)
    assert read_log(mail_log) == [confirmation.pk]


def test_four_dispatchers_at_once_send_each_message_once(
    mail_log: str, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.FOLLOWUPS_BATCH_SIZE = 20  # type: ignore[attr-defined]
    monkeypatch.setenv("RELIABILITY_MAIL_DELAY", "0.001")
    ids = make_due(500, due_at=timezone.now())
    start = threading.Barrier(4)
    claimed: list[int] = [0, 0, 0, 0]
    errors: list[BaseException] = []

    def dispatcher(n: int) -> None:
        try:
            start.wait()
            while True:
                result = messages_dispatch_due(send_inline=True, max_batches=1)
                claimed[n] += result.claimed
                if not result.claimed:
                    break
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=dispatcher, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    log = read_log(mail_log)
    print(f"\nclaims per dispatcher: {claimed}; sends: {len(log)} for 500 messages")
    assert sorted(log) == sorted(ids)
    assert sum(claimed) == 500
    assert sum(1 for c in claimed if c) >= 2  # they really ran side by side
    assert Message.objects.filter(scheduled_message_id__in=ids).count() == 500


def test_message_due_in_a_week_is_sent_once_despite_a_short_visibility_timeout(
    processes: Processes, mail_log: str
) -> None:
    (pk,) = make_due(1, due_at=timezone.now() + dt.timedelta(days=7))
    # Redis redelivers unacknowledged tasks after 2 s; each send takes 3 s. An ETA task
    # would be redelivered again and again for a week; a row in PostgreSQL is not.
    processes.env_overrides = {"CELERY_VISIBILITY_TIMEOUT": "2", "RELIABILITY_MAIL_DELAY": "3"}
    processes.beat()
    processes.worker()
    time.sleep(4)
    assert ScheduledMessage.objects.get(pk=pk).status == Status.PENDING
    assert read_log(mail_log) == []

    # A week passes (time travel: the row falls due).
    ScheduledMessage.objects.filter(pk=pk).update(due_at=timezone.now())
    wait_for(lambda: sent_count([pk]) == 1, 30, "the message to be sent")
    time.sleep(8)  # several visibility timeouts and dispatcher ticks later...
    log = read_log(mail_log)
    print(f"\nsends of the week-old message: {len(log)}")
    assert log == [pk]
    assert Message.objects.filter(scheduled_message_id=pk).count() == 1
