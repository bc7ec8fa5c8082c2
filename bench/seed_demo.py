"""Time `seed_demo` on a fresh PostgreSQL database and compare it with a baseline measured
in the same run. Prints figures; never asserts a timing.

    .venv/bin/python bench/seed_demo.py --patients 100000

Drops and recreates the database (default crm_bench_seed on the local server; see
--database-url), migrates it, then measures:

- baseline: COPY of N minimal patient rows, and a bare bulk_create of the same rows (both
  rolled back): what merely writing N patients costs on this machine;
- seed_demo: N patients with their journeys, events and interactions, split into
  generating rows, writing them, and the followups app's message planning.

The database is left in place for inspection; the next run drops it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/crm_bench_seed"


def recreate_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith("crm_bench"):
        # This script drops the database it is given: refuse anything but a bench one.
        sys.exit(f"Refusing to drop {name!r}: the database name must start with crm_bench.")
    admin = urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def baseline(patients: int) -> tuple[float, float]:
    """Seconds to COPY, then to bulk_create, N minimal patients (each rolled back)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from crm.models import Patient

    now = timezone.now()
    rows = [
        (f"Baseline Patient {i}", f"baseline.{i}@bench.example", "DE", "de", "Europe/Berlin")
        for i in range(patients)
    ]
    columns = ("full_name", "email", "country", "preferred_language", "timezone")
    with transaction.atomic():
        started = time.perf_counter()
        raw = connection.connection
        assert raw is not None
        copy_sql = (
            "COPY crm_patient (full_name, email, country, preferred_language, timezone, "
            "source, phone, notes, email_undeliverable_reason, created_at, updated_at) "
            "FROM STDIN"
        )
        with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row((*row, "website", "", "", "", now, now))
        copied = time.perf_counter() - started
        transaction.set_rollback(True)
    with transaction.atomic():
        started = time.perf_counter()
        Patient.objects.bulk_create(
            [Patient(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=5_000
        )
        created = time.perf_counter() - started
        transaction.set_rollback(True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE crm_patient")
    return copied, created


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--writer", choices=("auto", "copy", "orm"), default="auto")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument(
        "--without-followups",
        action="store_true",
        help="Skip the followups app's messages_plan_seeded hook, to time seeding alone.",
    )
    args = parser.parse_args()

    print(f"Recreating {urlsplit(args.database_url).path.lstrip('/')} ...", flush=True)
    recreate_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)

    import django

    django.setup()
    from django.core.management import call_command

    from crm import demo
    from crm.management.commands.seed_demo import Command, run_seed

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - started:.1f} s")

    copied, created = baseline(args.patients)
    print(
        f"baseline: COPY of {args.patients:,} minimal patients {copied:.2f} s, "
        f"bulk_create of the same {created:.2f} s"
    )

    if args.without_followups:
        demo.plan_followups_for_seeded = lambda journey_ids: None  # type: ignore[assignment]
    command = Command(stdout=StringIO(), stderr=sys.stderr)
    started = time.perf_counter()
    stats = run_seed(
        command,
        patients=args.patients,
        seed=demo.DEFAULT_SEED if args.seed is None else args.seed,
        batch_size=demo.DEFAULT_BATCH_SIZE,
        writer=args.writer,
    )
    wall = time.perf_counter() - started

    rows = stats.patients + stats.journeys + stats.events + stats.interactions
    timings = stats.timings
    print()
    print(f"seed_demo --patients {args.patients:,} ({stats.writer} writer, {dt.date.today()})")
    print(f"  patients       {stats.patients:>10,}")
    print(f"  journeys       {stats.journeys:>10,}")
    print(f"  events         {stats.events:>10,}")
    print(f"  interactions   {stats.interactions:>10,}")
    print(f"  coordinators   {stats.coordinators_created:>10,} added for realistic loads")
    print(f"  seconds        {wall:>10.1f}")
    print(f"    generating   {timings.get('generate', 0):>10.1f}  rows in Python")
    overlap = ", on a worker thread" if stats.writer == "copy" else ""
    print(f"    writing      {timings.get('write', 0):>10.1f}  {stats.writer}{overlap}")
    print(f"    waiting      {timings.get('wait', 0):>10.1f}  for writes to finish")
    followups = "skipped" if args.without_followups else "JOURNEYS_SEEDED: followups + care"
    print(f"    followups    {timings.get('followups', 0):>10.1f}  {followups}")
    print(f"    commit       {timings.get('commit', 0):>10.1f}  (deferred foreign key checks)")
    print(f"  patients/s     {stats.patients / wall:>10,.0f}")
    print(f"  rows/s         {rows / wall:>10,.0f}")
    print(f"  vs COPY of bare patients        {wall / copied:>6.1f}x")
    print(f"  vs bulk_create of bare patients {wall / created:>6.1f}x")
    print("  journeys by stage and outcome:")
    for (stage, outcome), count in sorted(stats.states.items()):
        print(f"    {stage:<10} {outcome:<10} {count:>8,}  {count / stats.journeys:6.1%}")


if __name__ == "__main__":
    main()
