"""Downtime and crashes with real processes: a dispatcher stopped for fifteen days, a
worker killed mid-batch while the ESP's tracking events come in, a PostgreSQL crash
mid-dispatch (on a private cluster). Each prints what it saw; the assertions are the
guarantees in followups/README.md."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.db import connection
from django.utils import timezone

from crm.models import Clinic, Patient, Procedure
from followups.models import CancelReason, Message, MessageEvent, ScheduledMessage, Status
from followups.services import db_now, messages_reschedule_for_dates
from journeys.models import Journey, Stage

from .conftest import BASE_DIR, PrivatePostgres, Processes, assert_nothing_stuck, wait_for
from .mailbackend import read_log, read_sends
from .test_reliability import duplicates, make_due, sent_count

pytestmark = [
    pytest.mark.reliability,
    # Worker processes read the machine's clock (tests/reliability/test_reliability.py).
    pytest.mark.real_clock,
    pytest.mark.xdist_group("followups-reliability"),
    pytest.mark.django_db(transaction=True),
]

ZONES = ["Europe/Berlin", "America/Mexico_City", "Asia/Seoul", "Europe/London"]


def journeys_in_every_stage(count: int, *, start: dt.datetime) -> list[Journey]:
    """`count` journeys entering inquiry, booked, arrival, procedure and follow-up at
    `start`, planned as of then; a tenth of the patients have two journeys."""
    tag = uuid.uuid4().hex[:6]
    clinic = Clinic.objects.create(
        name=f"Clinic {tag}", city="Istanbul", country="TR", timezone="Europe/Istanbul"
    )
    procedures = [Procedure.objects.create(name=f"Procedure {n}", clinic=clinic) for n in range(2)]
    stages = itertools.cycle(
        [Stage.INQUIRY, Stage.BOOKED, Stage.ARRIVAL, Stage.PROCEDURE, Stage.FOLLOWUP]
    )
    today = timezone.now().date()
    pick = random.Random(9)
    journeys: list[Journey] = []
    patient: Patient | None = None
    for n in range(count):
        second = patient is not None and n % 10 == 1  # the previous patient's other journey
        if not second:
            patient = Patient.objects.create(
                full_name=f"Patient {tag} {n}",
                email=f"p-{tag}-{n}@example.de",
                country="DE",
                preferred_language=pick.choice(["en", "de", "es"]),
                timezone=ZONES[n % len(ZONES)],
            )
        assert patient is not None
        stage = Stage.PROCEDURE if second else next(stages)
        journey = Journey.objects.create(
            patient=patient,
            procedure=procedures[1 if second else 0],
            clinic=clinic,
            stage=stage,
            stage_entered_at=start - dt.timedelta(hours=pick.randint(0, 30)),
            inquiry_received_at=start - dt.timedelta(days=20),
            planned_arrival=today + dt.timedelta(days=pick.randint(1, 4)),
            planned_procedure=(start - dt.timedelta(days=2)).date()
            if stage == Stage.FOLLOWUP
            else today + dt.timedelta(days=5),
        )
        messages_reschedule_for_dates(journey=journey, now=start)
        journeys.append(journey)
    # What was due at once was claimed for a task the outage lost: the table has it.
    ScheduledMessage.objects.filter(status=Status.CLAIMED).update(
        status=Status.PENDING, claimed_at=None
    )
    return journeys


def test_fifteen_days_without_a_dispatcher_send_at_most_one_per_patient_and_rule(
    processes: Processes, mail_log: str, local_broker: None
) -> None:
    now = db_now()
    start = now - dt.timedelta(days=15)
    planning = time.monotonic()
    journeys = journeys_in_every_stage(200, start=start)
    rows = ScheduledMessage.objects.filter(journey__in=journeys)
    due = set(rows.filter(due_at__lte=now).values_list("pk", flat=True))
    print(
        f"\n{len(journeys)} journeys planned 15 days ago in {time.monotonic() - planning:.1f}s: "
        f"{len(due)} messages fell due while the dispatcher was stopped"
    )
    assert set(rows.filter(pk__in=due).values_list("journey__stage", flat=True)) == set(
        Stage.values
    )

    processes.beat()
    processes.worker(concurrency=2)
    started = time.monotonic()

    def settled() -> bool:
        return not rows.filter(
            status__in=[Status.PENDING, Status.CLAIMED, Status.SENDING], due_at__lte=db_now()
        ).exists()

    wait_for(settled, 90, "the backlog to be worked off", 0.5)
    took = time.monotonic() - started

    log = read_log(mail_log)
    owner = dict(
        ScheduledMessage.objects.filter(pk__in=log).values_list("pk", "journey__patient_id")
    )
    rule_of = dict(ScheduledMessage.objects.filter(pk__in=log).values_list("pk", "rule__key"))
    per_patient_rule = Counter((owner[pk], rule_of[pk]) for pk in log)
    outcome = Counter(rows.filter(pk__in=due).values_list("status", "cancelled_reason").order_by())
    deferred = rows.filter(status=Status.PENDING, pk__in=due).count()
    print(
        f"worked off in {took:.1f}s: {len(log)} emails, "
        f"{outcome[(Status.CANCELLED, CancelReason.MISSED)]} skipped as missed, "
        f"{deferred} deferred (20 h per patient and rule); by rule: "
        f"{dict(sorted(Counter(rule_of.values()).items()))}"
    )
    assert log, "nothing was sent at all"
    assert max(per_patient_rule.values()) == 1, per_patient_rule.most_common(3)
    assert not duplicates(log)
    # Every row that was due is sent, skipped with its reason, or waiting out the 20 h.
    for (status, reason), _n in outcome.items():
        assert status in (Status.SENT, Status.CANCELLED, Status.PENDING), status
        if status == Status.CANCELLED:
            assert reason == CancelReason.MISSED
    assert not rows.filter(status=Status.CANCELLED, cancelled_reason="").exists()
    comfort = rows.filter(rule__key="procedure_comfort", pk__in=due)
    assert (
        comfort.filter(status=Status.SENT).count() <= comfort.values("journey").distinct().count()
    )
    assert_nothing_stuck(5)


def test_worker_killed_mid_batch_with_tracking_events_replayed_sends_nothing_twice(
    processes: Processes, mail_log: str
) -> None:
    ids = make_due(200, due_at=timezone.now())
    # Long enough that an in-doubt row is resent only if no event came.
    processes.env_overrides = {"FOLLOWUPS_SEND_CONFIRM_WAIT": "5"}
    processes.beat()
    # Most of each send's time is after the ESP accepted it: the kill lands there.
    worker = processes.worker(RELIABILITY_MAIL_DELAY_AFTER="0.05")
    wait_for(lambda: len(read_log(mail_log)) >= 40, 60, "the first 40 sends")
    processes.kill(worker)
    accepted = read_sends(mail_log)
    in_doubt = ScheduledMessage.objects.filter(pk__in=ids, status=Status.SENDING).count()
    unrecorded = [
        pk
        for pk, _ in accepted
        if not ScheduledMessage.objects.filter(pk=pk, status=Status.SENT).exists()
    ]

    # The ESP's webhook reports every accepted message (anymail's tracking signal, as the
    # webhook view sends it), including the ones the killed worker never recorded.
    for pk, message_id in accepted:
        tracking.send(
            sender=object,
            event=AnymailTrackingEvent(
                event_type="delivered",
                timestamp=timezone.now(),
                event_id=f"ev-{pk}",
                message_id=f"esp-{pk}",
                metadata={"crm_message_id": message_id, "crm_scheduled_message_id": str(pk)},
            ),
            esp_name="Postmark",
        )
    processes.worker()
    wait_for(lambda: sent_count(ids) == 200, 60, "all 200 to be sent after the restart", 0.5)

    log = read_log(mail_log)
    assert unrecorded, "the kill never landed between the ESP's answer and the commit"
    print(
        f"\nSIGKILL after {len(accepted)} sends: {in_doubt} in doubt, of which "
        f"{len(unrecorded)} had reached the ESP; {len(log)} sends for 200 messages, "
        f"sent twice: {len(duplicates(log))}"
    )
    assert sorted(log) == sorted(ids)  # each exactly once
    confirmed = Message.objects.filter(scheduled_message_id__in=unrecorded)
    assert confirmed.count() == len(unrecorded)  # recorded from the events
    assert MessageEvent.objects.filter(message__isnull=True).count() == 0
    assert_nothing_stuck(5)


def test_postgresql_crash_mid_dispatch_loses_nothing_and_logs_no_traceback(
    processes: Processes, mail_log: str, private_postgres: PrivatePostgres
) -> None:
    ids = make_due(150, due_at=timezone.now())
    private_postgres.copy_of(connection.settings_dict)
    processes.database_url = private_postgres.url
    processes.beat()
    processes.worker(concurrency=2, RELIABILITY_MAIL_DELAY="0.03")
    wait_for(lambda: len(read_log(mail_log)) >= 40, 60, "the first 40 sends")

    sent_before = len(read_log(mail_log))
    in_flight = private_postgres.query(
        "SELECT count(*) FROM followups_scheduledmessage WHERE status = 'sending'"
    )[0][0]
    down = time.monotonic()
    private_postgres.restart("immediate")  # a crash: connections cut, WAL recovery
    restarted = time.monotonic() - down

    def sent() -> int:
        return int(
            private_postgres.query(
                "SELECT count(*) FROM followups_scheduledmessage "
                "WHERE id = ANY(%s) AND status = 'sent'",
                (ids,),
            )[0][0]
        )

    wait_for(lambda: sent() == 150, 60, "all 150 to be sent after the crash", 0.5)
    log = read_log(mail_log)
    doubles = duplicates(log)
    worker_logs = processes.logs()
    quiet = worker_logs.count("Database unavailable")
    print(
        f"\nPostgreSQL crashed after {sent_before} sends ({in_flight} in flight) and "
        f"was back in {restarted:.1f}s; {len(log)} sends for 150 messages, sent twice: "
        f"{len(doubles)}; {quiet} quiet database-outage lines in the worker log"
    )
    assert set(log) == set(ids)  # nothing lost
    assert len(doubles) <= 2  # at most the sends in flight (one per worker process)
    assert quiet >= 1
    assert "Traceback" not in worker_logs, worker_logs[-3000:]
    stuck = private_postgres.query(
        "SELECT count(*) FROM followups_scheduledmessage WHERE status IN ('claimed', 'sending') "
        "AND claimed_at < statement_timestamp() - interval '5 seconds'"
    )[0][0]
    assert stuck == 0


@pytest.mark.parametrize("hours", [15 * 24, -72])
def test_a_process_with_a_wrong_clock_claims_and_reaps_by_the_databases_clock(
    processes: Processes, tmp_path: Path, hours: int
) -> None:
    """`manage.py dispatch_due` in a process whose clock is 15 days ahead or 3 days behind
    (time-machine, started from a sitecustomize): it sends what is due by PostgreSQL's
    clock, leaves tomorrow's message alone, does not reap a claim made a moment ago, and
    does reap one made ten minutes ago."""
    tomorrow, due, live, stuck = make_due(4, due_at=db_now())
    ScheduledMessage.objects.filter(pk=tomorrow).update(due_at=db_now() + dt.timedelta(days=1))
    ScheduledMessage.objects.filter(pk=live).update(status=Status.CLAIMED, claimed_at=db_now())
    ScheduledMessage.objects.filter(pk=stuck).update(
        status=Status.CLAIMED, claimed_at=db_now() - dt.timedelta(minutes=10)
    )
    shim = tmp_path / "clock-shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(
        "import datetime, os\n"
        "import time_machine\n"
        "hours = float(os.environ['CLOCK_SHIFT_HOURS'])\n"
        "now = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=hours)\n"
        "time_machine.travel(now, tick=True).start()\n"
    )
    env = processes.env(
        PYTHONPATH=f"{shim}{os.pathsep}{processes.env()['PYTHONPATH']}",
        CLOCK_SHIFT_HOURS=str(hours),
        FOLLOWUPS_CLAIM_TIMEOUT="60",
    )
    script = "import datetime; print(datetime.datetime.now(datetime.UTC).date())"
    shifted = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert shifted == str((timezone.now() + dt.timedelta(hours=hours)).date())
    done = subprocess.run(
        [sys.executable, "manage.py", "dispatch_due"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    print(f"\nclock {hours:+d} h: {done.stdout.strip()}")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "reaped 1, gave up 0, claimed 2: sent 2"
    status = dict(
        ScheduledMessage.objects.filter(pk__in=[tomorrow, due, live, stuck]).values_list(
            "pk", "status"
        )
    )
    assert status == {
        tomorrow: Status.PENDING,
        due: Status.SENT,
        live: Status.CLAIMED,
        stuck: Status.SENT,
    }
