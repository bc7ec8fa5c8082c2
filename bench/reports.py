"""Managers' reports at scale: prints figures and ratios, asserts nothing.

    .venv/bin/python bench/reports.py [--journeys 1000000] [--runs 40] [--reseed]

Seeds its own PostgreSQL database (crm_bench_reports on BENCH_PG, default
postgres://postgres@127.0.0.1:5432) with `seed_demo` until it holds --journeys journeys
(about two years of inquiries), VACUUM ANALYZEs it, and keeps it for the next run (seeding
a million journeys takes minutes; --reseed starts over). Then, in one process with DEBUG
off, for a 90-day and a two-year range ending today:

- bare: `SELECT stage, count(*) FROM journeys_journey WHERE inquiry_received_at in range
  GROUP BY stage` through Django's connection: the least a report over those rows costs;
- page: GET /reports/ (the funnel page, comparison with the previous period on, as a
  manager sees it by default): session, queries, tables, SVG chart, template;
- api: GET /api/v1/reports/funnel/ (same selector, JSON).

The cases run interleaved, round after round, so background load hits them alike. Prints
p50/p95 in ms and each one's ratio to the bare query of the same range. A second table
times other pages and breakdowns (fewer rounds) for information.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "crm_bench_reports"

os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "crm.settings",
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        # Production-like: DEBUG off (no query log), a throwaway key, the test client's host.
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "testserver",
        # The test client speaks plain http: no https redirect; mail is never sent here.
        "SECURE_SSL_REDIRECT": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }
)
sys.path.insert(0, str(BASE_DIR))


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def database_exists() -> bool:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
        return found.fetchone() is not None


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def journey_count() -> int:
    from journeys.models import Journey

    return Journey.objects.count()


def seed(journeys: int) -> None:
    """seed_demo until the database holds `journeys` journeys (about 1.2 per patient)."""
    from crm import demo

    # The follow-up schedule of a million demo journeys is not what is measured here,
    # and planning it takes longer than the seeding.
    demo.plan_followups_for_seeded = lambda journey_ids: None  # type: ignore[assignment]
    demo.ensure_demo_staff("bench-only-not-a-login")
    while (have := journey_count()) < journeys:
        patients = max(1_000, int((journeys - have) / 1.22))
        started = time.perf_counter()
        stats = demo.seed(patients=patients, writer="copy")
        print(
            f"  seed_demo: {stats.patients:,} patients, {stats.journeys:,} journeys "
            f"in {time.perf_counter() - started:.0f} s",
            flush=True,
        )


def manager():  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Group, User

    from crm.roles import MANAGER

    user, _ = User.objects.get_or_create(username="bench-manager", defaults={"is_staff": True})
    user.groups.add(Group.objects.get_or_create(name=MANAGER)[0])
    return user


def measure(cases: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Run every case once per round, interleaved; milliseconds per case."""
    for case in cases.values():  # warm caches and connections
        case()
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, case in cases.items():
            started = time.perf_counter()
            case()
            times[name].append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--journeys", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=40, help="Rounds of the main cases.")
    parser.add_argument("--reseed", action="store_true", help="Drop and re-seed the database.")
    args = parser.parse_args()

    if args.reseed or not database_exists():
        print(f"Creating {DB_NAME} ...", flush=True)
        recreate_database()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from journeys.models import Journey

    call_command("migrate", verbosity=0)
    if journey_count() < args.journeys * 0.98:
        print(f"Seeding to {args.journeys:,} journeys (minutes) ...", flush=True)
        seed(args.journeys)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    from crm.accounts.testing import mark_second_factor_done

    client = Client()
    boss = manager()
    client.force_login(boss)
    mark_second_factor_done(client, boss)  # managers sign in with a second factor
    today = timezone.localdate()
    ranges = {"90 days": 90, "2 years": 730}

    def bare(start: dt.datetime, end: dt.datetime) -> Callable[[], object]:
        def run() -> object:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT stage, count(*) FROM journeys_journey "
                    "WHERE inquiry_received_at >= %s AND inquiry_received_at < %s "
                    "GROUP BY stage",
                    [start, end],
                )
                return cursor.fetchall()

        return run

    def get(url: str, query: dict[str, str]) -> Callable[[], object]:
        def run() -> object:
            response = client.get(url, query)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return run

    from reports.params import Period

    main_cases: dict[str, Callable[[], object]] = {}
    extra_cases: dict[str, Callable[[], object]] = {}
    in_range: dict[str, int] = {}
    in_previous: dict[str, int] = {}
    for label, days in ranges.items():
        period = Period(start=today - dt.timedelta(days=days - 1), end=today)
        start, end = period.bounds()
        query = {"from": period.start.isoformat(), "to": period.end.isoformat()}
        before = period.previous().bounds()[0]
        in_range[label] = Journey.objects.filter(
            inquiry_received_at__gte=start, inquiry_received_at__lt=end
        ).count()
        in_previous[label] = Journey.objects.filter(
            inquiry_received_at__gte=before, inquiry_received_at__lt=start
        ).count()
        main_cases[f"bare {label}"] = bare(start, end)
        main_cases[f"page {label}"] = get("/reports/", query)
        main_cases[f"api {label}"] = get("/api/v1/reports/funnel/", query)
        extra_cases[f"page {label}, no comparison"] = get("/reports/", {**query, "compare": "0"})
        extra_cases[f"page {label}, by coordinator"] = get(
            "/reports/", {**query, "group_by": "coordinator"}
        )
        extra_cases[f"page {label}, by country"] = get(
            "/reports/", {**query, "group_by": "country"}
        )
        extra_cases[f"speed page {label}"] = get("/reports/speed/", query)
    extra_cases["load page"] = get("/reports/load/", {})

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]  # type: ignore[index]
    total = journey_count()
    zone = timezone.get_current_timezone_name()
    print(f"\nPostgreSQL {version}; {total:,} journeys; today {today} ({zone})")
    for label, count in in_range.items():
        print(
            f"  inquiries in the last {label}: {count:,}; "
            f"in the {label} before (the comparison): {in_previous[label]:,}"
        )
    for name in ("page 90 days", "api 90 days"):
        with CaptureQueriesContext(connection) as queries:
            main_cases[name]()
        print(f"  {name}: {len(queries)} queries per request (session, user, groups, funnel)")

    times = measure(main_cases, args.runs)
    print(f"\nFunnel page and API, {args.runs} interleaved rounds (ms)")
    print(f"  {'case':<16}{'p50':>9}{'p95':>9}   ratio to bare p50 / p95")
    for label in ranges:
        base = times[f"bare {label}"]
        for kind in ("bare", "page", "api"):
            name = f"{kind} {label}"
            values = times[name]
            p50, p95 = statistics.median(values), percentile(values, 95)
            ratio = ""
            if kind != "bare":
                ratio = (
                    f"   {p50 / statistics.median(base):5.2f}x / {p95 / percentile(base, 95):5.2f}x"
                )
            print(f"  {name:<16}{p50:>9.1f}{p95:>9.1f}{ratio}")

    rounds = max(3, args.runs // 4)
    times = measure(extra_cases, rounds)
    print(f"\nOther pages and breakdowns, {rounds} rounds (ms)")
    print(f"  {'case':<36}{'p50':>9}{'p95':>9}")
    for name, values in times.items():
        print(f"  {name:<36}{statistics.median(values):>9.1f}{percentile(values, 95):>9.1f}")


if __name__ == "__main__":
    main()
