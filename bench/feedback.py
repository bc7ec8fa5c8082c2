"""Feedback benchmark: the survey page on the patient's page and the Satisfaction report.
Prints, never asserts.

    .venv/bin/python bench/feedback.py [--sizes 1000000] [--requests 300]

Uses the kept demo database `crm_bench_demo_<size>` (bench/demo_db.py: seeded once,
migrated forward here). **It adds survey rows to that database**, idempotently, with the
demo seeder's own hook (feedback.demo.seed_feedback: answers, testimonials, review clicks,
referral codes, referrals and recovery cases for journeys past their procedure; a journey
already answered is skipped, so a second run adds nothing). Then, in a fresh process with
DEBUG off, through Django's full stack (test client):

- **baseline**: `/healthz`, what the stack itself costs here;
- **survey page (GET)**: N different journeys in follow-up, half answered (the thank-you
  page with its asks), half not (the form), opened by their signed links;
- **Satisfaction report**: `/reports/satisfaction/` as a manager, the default 90 days, in
  total and by clinic.

Aims (issue 13): the survey page p95 <= 30 ms and the Satisfaction report p95 <= 100 ms at
1,000,000 journeys.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from typing import Any

from demo_db import BASE_DIR, database_for, env_for, percentile, prepare


def _timed(client: Any, urls: list[str]) -> list[float]:
    timings = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
    return timings


def measure(size: int, requests: int, report_requests: int) -> None:
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from crm.accounts.testing import mark_second_factor_done
    from crm.roles import MANAGER
    from feedback.demo import seed_feedback
    from feedback.emails import survey_page_url
    from feedback.models import SurveyAnswer
    from journeys.models import Journey

    setup_test_environment()
    journeys = Journey.objects.count()
    started = time.perf_counter()
    ids = list(Journey.objects.filter(followup_at__isnull=False).values_list("pk", flat=True))
    before = SurveyAnswer.objects.count()
    seed_feedback(journey_ids=ids)
    after = SurveyAnswer.objects.count()
    print(
        f"\n== {journeys:,} journeys; survey rows: {after:,} ({after - before:,} added in "
        f"{time.perf_counter() - started:.0f} s; {len(ids):,} journeys past their procedure)",
        flush=True,
    )
    with connection.cursor() as cursor:
        for table in ("feedback_surveyanswer", "feedback_recoverycase", "feedback_referral"):
            cursor.execute(f"ANALYZE {table}")
    followup = Journey.objects.filter(stage="followup", outcome__in=["active", "completed"])
    answered = list(followup.filter(survey__isnull=False).order_by("?")[: requests // 2])
    fresh = list(followup.filter(survey__isnull=True).order_by("?")[: requests - len(answered)])
    urls = [survey_page_url(j).split("testserver")[-1] for j in answered + fresh]
    urls = [u[u.index("/care/") :] for u in urls]
    client = Client()
    _timed(client, ["/healthz"] * 20)
    base = _timed(client, ["/healthz"] * requests)
    base_p95 = percentile(base, 95)
    print(f"{'what':<40} {'p50 ms':>7} {'p95 ms':>7} {'queries':>7}  {'p95 / baseline':>14}")

    def row(name: str, timings: list[float], queries: int | str) -> None:
        p95 = percentile(timings, 95)
        print(
            f"{name:<40} {percentile(timings, 50):>7.1f} {p95:>7.1f} {queries!s:>7}  "
            f"{p95 / base_p95:>13.1f}x",
            flush=True,
        )

    row("baseline: /healthz", base, "-")
    _timed(client, urls[:10])
    timings = _timed(client, urls)
    with CaptureQueriesContext(connection) as captured:
        client.get(urls[0])
    row(f"survey page (GET, {len(answered)} answered)", timings, len(captured.captured_queries))

    boss, _ = User.objects.get_or_create(username="bench-manager", defaults={"is_staff": True})
    boss.groups.add(Group.objects.get(name=MANAGER))
    staff = Client()
    staff.force_login(boss)
    mark_second_factor_done(staff, boss)  # managers sign in with a second factor
    for query in ("", "?group_by=clinic"):
        url = f"/reports/satisfaction/{query}"
        _timed(staff, [url] * 3)
        timings = _timed(staff, [url] * report_requests)
        with CaptureQueriesContext(connection) as captured:
            staff.get(url)
        row(f"Satisfaction report {query or '(totals)'}", timings, len(captured.captured_queries))
    print(
        f"machine: {os.cpu_count()} CPUs, 1-minute load average {os.getloadavg()[0]:.1f} at the "
        "end (other work on the machine shows directly in these figures)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--report-requests", type=int, default=40)
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.requests, args.report_requests)
        return
    print(f"Feedback benchmark: {', '.join(f'{s:,}' for s in args.sizes)} patients")
    for size in args.sizes:
        prepare(size)
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--measure",
                str(size),
                "--requests",
                str(args.requests),
                "--report-requests",
                str(args.report_requests),
            ],
            env=env_for(database_for(size), debug=False),
            check=True,
            cwd=BASE_DIR,
        )
    print("\nServer-side times through Django's test client (no network, no browser).")


if __name__ == "__main__":
    main()
