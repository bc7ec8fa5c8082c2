"""Care benchmark: the patient's page and the escalation path. Prints, never asserts.

    .venv/bin/python bench/care.py [--sizes 20000 1000000] [--requests 300] [--reseed]

For each size, a PostgreSQL database `crm_bench_demo_<size>` is filled once with
`manage.py demo_setup` + `seed_demo --patients <size>` (about 1.2 journeys per patient) and
kept for the next run (--reseed rebuilds it; BENCH_PG names another server). Then, in a
fresh process per size, with DEBUG off, through Django's full stack (test client):

- **baseline**: `/healthz`, the cheapest page, to show what the stack itself costs here;
- **patient page (GET)**: N different journeys in the procedure or follow-up stage, each
  with its after-care plan written, opened through their signed links (the link from the
  comfort email, `?answer=fine`);
- **check-in (POST "I'm fine")**: one tap recorded, answered by the 303 redirect;
- **"I need help now" → coordinator's email sent**: the POST that opens an escalation,
  with Celery in eager mode, so the notice task runs right after the commit as a worker
  would (no broker hop): the time until the email has been handed to the mail backend.

Aims (issue 12): the page p95 <= 30 ms at 1,000,000 journeys; click to the coordinator's
email p95 <= 5 s with the worker running (here without the broker hop; bench/sends.py
measures Celery's own enqueue-to-send latency).
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
    from care.tokens import page_token
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

    def post(journey: Journey, answer: str) -> float:
        token = page_token(journey.pk, 0)
        data = {
            "token": token,
            "nonce": f"bench-{random.random()}",
            "action": "checkin",
            "answer": answer,
        }
        started = time.perf_counter()
        response = client.post(f"/care/{token}/", data)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 303:
            raise SystemExit(f"POST for journey {journey.pk} answered {response.status_code}")
        return elapsed

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 1_000_000])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--reseed", action="store_true", help="Rebuild the databases.")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.requests)
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
    print("\nServer-side times through Django's test client (no network, no browser).")


if __name__ == "__main__":
    main()
