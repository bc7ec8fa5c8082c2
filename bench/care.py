"""Care benchmark: the patient's page and the escalation path. Prints, never asserts.

    .venv/bin/python bench/care.py [--sizes 20000 1000000] [--requests 300] [--reseed]

For each size, a PostgreSQL database `crm_bench_demo_<size>` is filled once with
`manage.py demo_setup` + `seed_demo --patients <size>` (about 1.2 journeys per patient) and
kept for the next run (--reseed rebuilds it; BENCH_PG names another server). Then, in a
fresh process per size, with DEBUG off, through Django's full stack (test client):

- **baseline**: `/healthz`, the cheapest page, to show what the stack itself costs here;
- **patient page (GET)**: N different journeys in the procedure or follow-up stage, each
  with its after-care plan written, opened through their signed links (the link from the
  comfort email, `?answer=fine`), then the same N again (warm cache);
- **check-in (POST "I'm fine")**: one tap recorded, answered by the 303 redirect;
- **"I need help now" → coordinator's email sent, in-process**: the POST that opens an
  escalation, with Celery in eager mode, so the notice task runs right after the commit
  (no broker hop): the time until the email has been handed to the mail backend.
- **"I need help now" → coordinator's email sent, with a worker**: a real Celery worker
  (prefork, bench/workers.py) on Redis (BENCH_REDIS, default redis://127.0.0.1:6379/9,
  flushed: give the bench a db of its own) and the same database. From the POST's start
  until the worker has sent the notice and recorded it (its EscalationNotice row "sent":
  the worker's mail backend is in its own process, the row is what can be seen from here).
  Then the managers' path: with an escalation's deadline passed, one dispatch pass (what
  care's beat entry runs every CARE_DISPATCH_INTERVAL seconds) until every manager's
  notice is sent (add up to one interval for the beat's own timing).

Writes to the kept database (idempotent, its own rows only): the after-care steps of the
journeys it opens and their check-ins; the escalations it opens are deleted at the end.

Aims (issue 12): the page p95 <= 30 ms at 1,000,000 journeys; click to the coordinator's
email p95 <= 5 s with the worker running.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from typing import Any

from demo_db import BASE_DIR, database_for, env_for, percentile, prepare

REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/9")


def database(size: int) -> str:
    return database_for(size)


def _timed(client: Any, urls: list[str]) -> list[float]:
    timings = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code not in (200, 303):
            raise SystemExit(f"GET {url} answered {response.status_code}")
    return timings


def _post_answer(client: Any, journey: Any, answer: str) -> None:
    """One tap on the patient's page, as its form sends it."""
    from care.tokens import page_token

    token = page_token(journey.pk, 0)
    data = {
        "token": token,
        "nonce": f"bench-{random.random()}",
        "action": "checkin",
        "answer": answer,
    }
    response = client.post(f"/care/{token}/", data)
    if response.status_code != 303:
        raise SystemExit(f"POST for journey {journey.pk} answered {response.status_code}")


def measure(size: int, requests: int) -> None:
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core import mail
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from care.links import page_url
    from care.models import Escalation
    from care.services import plan_instantiate
    from crm.celery import app
    from journeys.models import Journey

    setup_test_environment()  # locmem mail outbox
    journeys = Journey.objects.count()
    candidates = list(
        Journey.objects.filter(stage__in=["procedure", "followup"], outcome="active")
        .select_related("patient", "procedure")
        .order_by("?")[: requests * 2]
    )
    if len(candidates) < requests * 2:
        raise SystemExit("Not enough journeys in procedure/follow-up: seed a larger size.")
    for journey in candidates:
        plan_instantiate(journey=journey)
    Escalation.objects.filter(journey__in=candidates).delete()
    print(f"\n== {journeys:,} journeys; {requests} requests each", flush=True)
    print(f"{'what':<38} {'p50 ms':>7} {'p95 ms':>7} {'queries':>7}  {'p95 / baseline':>14}")
    client = Client()
    base = _timed(client, ["/healthz"] * 20)  # warm-up
    base = _timed(client, ["/healthz"] * requests)
    base_p95 = percentile(base, 95)

    def row(name: str, timings: list[float], queries: int | str) -> None:
        p95 = percentile(timings, 95)
        print(
            f"{name:<38} {percentile(timings, 50):>7.1f} {p95:>7.1f} {queries!s:>7}  "
            f"{p95 / base_p95:>13.1f}x",
            flush=True,
        )

    row("baseline: /healthz", base, "-")
    pages = [page_url(j, "fine").split("testserver")[-1] for j in candidates[:requests]]
    pages = [u[u.index("/care/") :] for u in pages]
    _timed(client, pages[:10])
    cpu_started = time.process_time()
    timings = _timed(client, pages)
    cpu = (time.process_time() - cpu_started) * 1000 / len(pages)
    with CaptureQueriesContext(connection) as captured:
        client.get(pages[0])
    row("patient page (GET, ?answer=fine)", timings, len(captured.captured_queries))
    print(f"  ({cpu:.1f} ms of this process's CPU per page: less disturbed by a busy machine)")
    # The same pages again: their rows are in PostgreSQL's cache now. The difference from
    # the first pass is reading a million-journey database's pages from disk.
    row("  the same pages again (warm cache)", _timed(client, pages), "-")

    def post(journey: Journey, answer: str) -> float:
        started = time.perf_counter()
        _post_answer(client, journey, answer)
        return (time.perf_counter() - started) * 1000

    timings = [post(journey, "fine") for journey in candidates[:requests]]
    row("check-in POST (I'm fine)", timings, "-")

    app.conf.task_always_eager = True
    help_journeys = candidates[requests:]
    timings = []
    sent = 0
    for journey in help_journeys:
        before = len(mail.outbox)
        timings.append(post(journey, "help"))
        sent += len(mail.outbox) > before
    row("I need help now -> coordinator emailed", timings, "-")
    print(
        f"  ({sent} of {len(help_journeys)} escalations emailed their coordinator in the request)"
    )
    Escalation.objects.filter(journey__in=help_journeys).delete()
    print(
        f"machine: {os.cpu_count()} CPUs, 1-minute load average {os.getloadavg()[0]:.1f} at the "
        "end (other work on the machine shows directly in these figures)."
    )


def measure_with_worker(escalations: int, concurrency: int) -> None:
    """'I need help now' through the broker to a real worker; see the module docstring."""
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    import redis
    from django.conf import settings
    from django.db.models import Q
    from django.test import Client
    from django.utils import timezone
    from workers import start_worker, stop_worker, wait

    from care.models import Escalation, EscalationNotice, NoticeKind, NoticeStatus
    from care.services import care_dispatch_due, plan_instantiate
    from journeys.models import Journey

    broker = redis.Redis.from_url(REDIS)
    broker.flushdb()
    candidates = list(
        Journey.objects.filter(
            stage__in=["procedure", "followup"],
            outcome="active",
            coordinator__is_active=True,
        )
        .exclude(coordinator__email="")
        .select_related("patient", "procedure")
        .order_by("?")[: escalations + 5]
    )
    if len(candidates) < escalations + 5:
        raise SystemExit("Not enough journeys in procedure/follow-up: seed a larger size.")
    for journey in candidates:
        plan_instantiate(journey=journey)
    Escalation.objects.filter(journey__in=candidates).delete()
    notices = EscalationNotice.objects.filter(escalation__journey__in=candidates)
    worker = start_worker(concurrency=concurrency, hostname="bench-care@%h")
    client = Client()
    try:
        # Anything already due in this database (after-care emails of today) goes first,
        # so the passes timed below send only the bench's own notices.
        while sum(vars(care_dispatch_due()).values()):
            pass

        def sent(journey: Journey, kind: str) -> Any:
            rows = notices.filter(escalation__journey=journey, kind=kind)
            return lambda: not rows.filter(~Q(status=NoticeStatus.SENT)).exists()

        def tap(journey: Journey) -> tuple[float, float]:
            started = time.perf_counter()
            _post_answer(client, journey, "help")
            answered = time.perf_counter() - started
            wait(sent(journey, NoticeKind.COORDINATOR), 60, 0.005)
            return answered * 1000, (time.perf_counter() - started) * 1000

        for journey in candidates[:5]:  # warm-up: the worker's processes connect and import
            tap(journey)
        measured = [tap(journey) for journey in candidates[5:]]
        posts = [m[0] for m in measured]
        emailed = [m[1] for m in measured]
        coordinator_notices = notices.filter(kind=NoticeKind.COORDINATOR, status="sent")
        print(
            f"\n== with a Celery worker (prefork, concurrency {concurrency}, broker {REDIS}); "
            f"{len(measured)} taps",
            flush=True,
        )
        print(f"{'what':<46} {'p50 ms':>7} {'p95 ms':>7}")

        def row(name: str, timings: list[float]) -> None:
            print(
                f"{name:<46} {percentile(timings, 50):>7.1f} {percentile(timings, 95):>7.1f}",
                flush=True,
            )

        row("POST 'I need help now' answered (303)", posts)
        row("click -> coordinator's email sent (worker)", emailed)
        print(
            f"  ({coordinator_notices.count()} coordinator notices sent and recorded; "
            f"aim p95 <= 5,000 ms: {'met' if percentile(emailed, 95) <= 5000 else 'MISSED'})"
        )

        # The managers: nobody acknowledged; once the deadline has passed, the beat's next
        # dispatch pass claims the managers' notices and the worker sends them.
        to_managers = []
        for journey in candidates[5 : 5 + min(30, escalations)]:
            pending = notices.filter(escalation__journey=journey, kind=NoticeKind.MANAGER)
            if not pending.exists():
                continue
            pending.update(due_at=timezone.now())
            started = time.perf_counter()
            care_dispatch_due()
            wait(sent(journey, NoticeKind.MANAGER), 60, 0.005)
            to_managers.append((time.perf_counter() - started) * 1000)
        if to_managers:
            row("deadline passed: dispatch -> managers emailed", to_managers)
            print(
                f"  ({len(to_managers)} escalations; the beat runs that pass every "
                f"{settings.CARE_DISPATCH_INTERVAL} s, so add up to that much)"
            )
    finally:
        stop_worker(worker)
        Escalation.objects.filter(journey__in=candidates).delete()
        broker.flushdb()
    print(
        f"machine: {os.cpu_count()} CPUs, 1-minute load average {os.getloadavg()[0]:.1f} at the "
        "end (other work on the machine shows directly in these figures)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 1_000_000])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--reseed", action="store_true", help="Rebuild the databases.")
    parser.add_argument(
        "--escalations",
        type=int,
        default=100,
        help="'I need help now' taps measured with the worker running (0: skip).",
    )
    parser.add_argument("--concurrency", type=int, default=2, help="The worker's processes.")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure-worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.requests)
        return
    if args.measure_worker:
        measure_with_worker(args.escalations, args.concurrency)
        return
    print(f"Care benchmark: {', '.join(f'{s:,}' for s in args.sizes)} patients")
    for size in args.sizes:
        prepare(size, reseed=args.reseed)
        subprocess.run(
            [sys.executable, __file__, "--measure", str(size), "--requests", str(args.requests)],
            env=env_for(database(size), debug=False),
            check=True,
            cwd=BASE_DIR,
        )
        if args.escalations:
            worker_run = [sys.executable, __file__, "--measure-worker", str(size)]
            worker_run += ["--escalations", str(args.escalations)]
            worker_run += ["--concurrency", str(args.concurrency)]
            subprocess.run(
                worker_run,
                env={**env_for(database(size), debug=False), "CELERY_BROKER_URL": REDIS},
                check=True,
                cwd=BASE_DIR,
            )
    print("\nServer-side times through Django's test client (no network, no browser).")


if __name__ == "__main__":
    main()
