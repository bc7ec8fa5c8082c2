"""Follow-up sending benchmark: prints figures and ratios, asserts nothing.

    .venv/bin/python bench/sends.py [--messages 2000] [--moves 200] [--concurrency 2]

1. Throughput: N due ScheduledMessages, one dispatcher pass (what the beat entry runs)
   claims them and enqueues one send task each; one Celery worker (prefork) renders,
   sends through Django's locmem backend and records them. Compared with N no-op tasks
   drained by the same worker in the same run: the ratio is what sending costs over
   Celery's own per-task overhead.
2. Latency: stage change -> acknowledgment enqueued (the move's transaction commits and
   its on_commit publishes the send task), p50/p95; and -> Message recorded by the worker.

Runs against its own PostgreSQL database (crm_bench_sends, dropped and re-created; set
BENCH_PG to change the server) and Redis db 8 (BENCH_REDIS), never the developer's data.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "crm_bench_sends"
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/8")

# The worker imports this module (-I bench.sends) for the no-op task: configure first.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
if __name__ == "__main__":
    os.environ.update(
        {
            "DATABASE_URL": f"{PG}/{DB_NAME}",
            "CELERY_BROKER_URL": REDIS,
            # Production-like: DEBUG off (no query log), a throwaway key.
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
            "ANYMAIL_WEBHOOK_SECRET": "bench:bench-only",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
        }
    )
sys.path.insert(0, str(BASE_DIR))

from crm.celery import app  # noqa: E402


@app.task(name="bench.noop", ignore_result=True)
def noop() -> None:
    """Nothing: Celery's own per-task overhead."""


def drained(broker) -> bool:  # type: ignore[no-untyped-def]
    # Tasks are acknowledged after they ran (acks_late): an empty queue and no unacked
    # deliveries mean every task has finished.
    return broker.llen("celery") == 0 and broker.hlen("unacked") == 0


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def drop_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def start_worker(concurrency: int) -> subprocess.Popen[bytes]:
    celery = Path(sys.executable).parent / "celery"
    # The default connection pool: Celery closes Django's connection after every task, and
    # with the pool that close hands it back instead of reconnecting to PostgreSQL.
    env = {**os.environ, "PYTHONPATH": str(BASE_DIR)}
    return subprocess.Popen(
        [
            str(celery),
            "-A",
            "crm",
            "worker",
            "-I",
            "bench.sends",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
            "--hostname=bench-sends@%h",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def wait(check, timeout: float, interval: float = 0.01) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    while not check():
        if time.perf_counter() - started > timeout:
            raise SystemExit("bench: timed out (is the worker running?)")
        time.sleep(interval)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--moves", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()

    recreate_database()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, check=True, env=os.environ
    )

    import django

    django.setup()
    import redis
    from django.contrib.auth.models import User
    from django.utils import timezone

    from crm.models import Clinic, Patient, Procedure
    from followups import services
    from followups.models import CadenceRule, Message, ScheduledMessage, Status
    from journeys.models import Journey, Stage
    from journeys.services import journey_create, journey_move

    broker = redis.Redis.from_url(REDIS)
    broker.flushdb()  # db 8 is the bench's own
    worker = start_worker(args.concurrency)
    try:
        clinic = Clinic.objects.create(
            name="Bench Clinic", city="Istanbul", country="TR", timezone="Europe/Istanbul"
        )
        procedure = Procedure.objects.create(name="Implants", clinic=clinic)
        coordinator = User.objects.create_user("bench-coordinator", email="c@clinic.example")

        def patient(n: int) -> Patient:
            return Patient.objects.create(
                full_name=f"Bench Patient {n}",
                email=f"bench{n}@example.de",
                country="DE",
                preferred_language="de",
                timezone="Europe/Berlin",
            )

        # Warm up: the worker's processes connect and import everything.
        for _ in range(20):
            noop.delay()
        wait(lambda: drained(broker), 60)

        # --- 1. No-op tasks drained by the worker.
        n = args.messages
        started = time.perf_counter()
        for _ in range(n):
            noop.delay()
        wait(lambda: drained(broker), 600)
        noop_rate = n / (time.perf_counter() - started)

        # --- 2. Due messages: one dispatcher pass claims them, the worker sends them.
        journey = Journey.objects.create(
            patient=patient(0),
            procedure=procedure,
            clinic=clinic,
            coordinator=coordinator,
            stage=Stage.INQUIRY,
            stage_entered_at=timezone.now(),
            inquiry_received_at=timezone.now(),
        )
        rule = CadenceRule.objects.get(key="inquiry_ack")
        now = timezone.now()
        ScheduledMessage.objects.bulk_create(
            ScheduledMessage(
                journey=journey,
                rule=rule,
                occurrence=i,
                due_at=now,
                stage_entered_at=journey.stage_entered_at,
                planned_at=now,
            )
            for i in range(n)
        )
        started = time.perf_counter()
        result = services.messages_dispatch_due(max_batches=n)
        dispatched = time.perf_counter() - started

        def all_sent() -> bool:
            return ScheduledMessage.objects.filter(journey=journey, status=Status.SENT).count() >= n

        wait(all_sent, 600, 0.05)
        send_rate = n / (time.perf_counter() - started)

        # --- 2b. The same work without Celery: `manage.py dispatch_due`'s in-process path,
        # one process. Separates the send service's own cost from the task overhead.
        inline_n = max(1, n // 4)
        now = timezone.now()
        ScheduledMessage.objects.bulk_create(
            ScheduledMessage(
                journey=journey,
                rule=rule,
                occurrence=n + i,
                due_at=now,
                stage_entered_at=journey.stage_entered_at,
                planned_at=now,
            )
            for i in range(inline_n)
        )
        started = time.perf_counter()
        inline = services.messages_dispatch_due(send_inline=True, max_batches=inline_n)
        inline_rate = inline.outcomes["sent"] / (time.perf_counter() - started)

        # --- 3. Stage change -> acknowledgment enqueued / recorded.
        enqueued_at: list[float] = []
        original = services.enqueue_sends

        def timed_enqueue(ids: list[int]) -> None:
            original(ids)
            enqueued_at.append(time.perf_counter())

        services.enqueue_sends = timed_enqueue  # type: ignore[assignment]
        to_enqueue: list[float] = []
        to_sent: list[float] = []
        for i in range(args.moves):
            created = journey_create(patient=patient(i + 1), procedure=procedure, actor=coordinator)
            moved_at = time.perf_counter()
            journey_move(journey_id=created.pk, target=Stage.BOOKED, actor=coordinator)
            to_enqueue.append(enqueued_at[-1] - moved_at)
            confirmation = Message.objects.filter(
                journey=created, template_key="booked_confirmation"
            )
            wait(confirmation.exists, 60, 0.002)
            to_sent.append(time.perf_counter() - moved_at)
        services.enqueue_sends = original  # type: ignore[assignment]

        ms = 1000
        load = os.getloadavg()[0]
        print(f"machine: {os.cpu_count()} CPUs, 1-minute load average {load:.1f} at the end")
        print(
            f"follow-up sends, one worker (prefork, concurrency {args.concurrency}), locmem email"
        )
        print(f"  no-op tasks:        {n} in {n / noop_rate:6.2f}s  = {noop_rate:8.1f} tasks/s")
        print(
            f"  due messages sent:  {n} in {n / send_rate:6.2f}s  = {send_rate:8.1f} sends/s"
            f"  (dispatch pass: {result.claimed} claimed in {dispatched:.2f}s)"
        )
        print(f"  ratio sends/no-op:  {send_rate / noop_rate:.2f}")
        print(
            f"  in-process sends (dispatch_due path, 1 process, no Celery): "
            f"{inline_rate:.1f} sends/s = {1000 / inline_rate:.1f} ms per send"
        )
        print(
            f"  stage change -> confirmation enqueued ({args.moves} moves): "
            f"p50 {statistics.median(to_enqueue) * ms:.1f} ms, "
            f"p95 {percentile(to_enqueue, 95) * ms:.1f} ms"
        )
        print(
            f"  stage change -> confirmation sent and recorded:        "
            f"p50 {statistics.median(to_sent) * ms:.1f} ms, "
            f"p95 {percentile(to_sent, 95) * ms:.1f} ms"
        )
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        from django.db import connections

        connections.close_all()
        broker.flushdb()
        if not args.keep:
            drop_database()


if __name__ == "__main__":
    main()
