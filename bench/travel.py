"""Travel checklist benchmark (issue 14). Prints, never asserts.

    .venv/bin/python bench/travel.py [--size 1000000] [--requests 200]

Uses the kept demo database `crm_bench_demo_<size>` (bench/demo_db.py: seeded once,
migrated forward here). Its journeys were seeded before the travel checklist existed, so
the setup step ADDS demo checklists (care_travelitem, care_travelchecklist rows only, the
same generator as `make run`'s JOURNEYS_SEEDED hook) to every active booked, arrival and
procedure journey that has none yet: idempotent, a second run adds nothing. Then, with
DEBUG off, through Django's full stack:

- the transfer driver sheet for tomorrow, every clinic and one clinic, as the demo
  coordinator and the demo manager (p50/p95, queries);
- My day, the board and the patient page: bench/dashboard.py's measurement for the size
  (My day's "arriving soon" now joins each journey's checklist summary).

Aims: My day p95 <= 50 ms (README, "Performance"); the driver sheet has no aim of its own
(printed once a day), but is read-only and bounded (SHEET_LIMIT).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time

from demo_db import BASE_DIR, env_for, percentile, prepare

CHUNK = 20_000


def setup() -> None:
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.db import transaction

    from care.travel.demo import on_journeys_seeded
    from journeys.models import Journey, Outcome

    started = time.perf_counter()
    ids = list(
        Journey.objects.filter(
            outcome=Outcome.ACTIVE, stage__in=("booked", "arrival", "procedure"), travel=None
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    written = 0
    for start in range(0, len(ids), CHUNK):
        with transaction.atomic():
            written += on_journeys_seeded(journey_ids=ids[start : start + CHUNK])
    if written:
        # Fresh bulk-loaded rows: give the planner their statistics before measuring.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE care_travelitem")
            cursor.execute("ANALYZE care_travelchecklist")
    seconds = time.perf_counter() - started
    print(
        f"setup: {len(ids):,} journeys without a checklist, {written:,} items added "
        f"in {seconds:.1f} s",
        flush=True,
    )


def measure(requests: int) -> None:
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from crm.accounts.testing import mark_second_factor_done
    from crm.models import Clinic

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    clinic = Clinic.objects.order_by("pk").first()
    sheet = f"/care/travel/arrivals/?day={tomorrow.isoformat()}"
    urls = {"sheet, all": sheet, "sheet, one": f"{sheet}&clinic={clinic.pk if clinic else ''}"}
    print(f"{'user':<12} {'page':<11} {'p50 ms':>7} {'p95 ms':>7} {'queries':>7} {'rows':>5}")
    for username in ("coordinator", "manager"):
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        mark_second_factor_done(client, user)
        for name, url in urls.items():
            for _ in range(3):
                client.get(url)
            timings = []
            for _ in range(requests):
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            rows = max(0, response.content.decode().count("<tr") - 1)  # minus the header
            print(
                f"{username:<12} {name:<11} {percentile(timings, 50):>7.1f} "
                f"{percentile(timings, 95):>7.1f} {len(captured.captured_queries):>7} {rows:>5}",
                flush=True,
            )
    print(f"machine: {os.cpu_count()} CPUs, 1-minute load average {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--step", choices=["setup", "measure"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "setup":
        setup()
        return
    if args.step == "measure":
        measure(args.requests)
        return
    database = prepare(args.size)
    for step, debug in (("setup", True), ("measure", False)):
        subprocess.run(
            [sys.executable, __file__, "--step", step, "--requests", str(args.requests)],
            env=env_for(database, debug=debug),
            check=True,
            cwd=BASE_DIR,
        )
    print("\nMy day, the board and the patient page with the checklists in place:", flush=True)
    subprocess.run(
        [
            sys.executable,
            str(BASE_DIR / "bench" / "dashboard.py"),
            "--sizes",
            str(args.size),
            "--requests",
            str(args.requests),
        ],
        check=True,
        cwd=BASE_DIR,
    )


if __name__ == "__main__":
    main()
