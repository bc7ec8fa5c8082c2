"""CSV import benchmark: a file of N rows (default 100,000) checked (dry run) and applied
as historical rows, then applied again (every row merges). Prints, never asserts.

    .venv/bin/python bench/imports.py [--rows 100000] [--live 1000] [--keep]

Runs in its own PostgreSQL database `crm_bench_import` (created, migrated, and dropped at
the end unless --keep; BENCH_PG names another server), never in the kept demo databases.
The file has the template's columns, 5% bad rows and 10% duplicates, three clinics and
six procedures. With DEBUG off, in a fresh process, through `transfer.imports.import_csv`
(what both the dashboard's page and `manage.py import_inquiries` call).

--live N also applies N rows as live inquiries (journey_create one by one: the follow-up
planning and any JOURNEY_CREATED listener run per row) to show the per-row price of that
path next to the bulk historical one.

Aim (issue 15): importing 100,000 rows <= 60 s.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import subprocess
import sys
import time

from demo_db import BASE_DIR, PG, env_for

DATABASE = "crm_bench_import"


def make_file(rows: int, *, prefix: str, dated: bool) -> bytes:
    sys.path.insert(0, str(BASE_DIR))
    from transfer.csvfile import COLUMNS

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    procedures = [
        ("Dental implants", "Dentalpoint Istanbul"),
        ("Veneers", "Dentalpoint Istanbul"),
        ("Hair transplant", "Estetica Antalya"),
        ("Rhinoplasty", "Estetica Antalya"),
        ("Knee replacement", "Ortho Budapest"),
        ("Hip replacement", "Ortho Budapest"),
    ]
    for i in range(rows):
        n = i
        if i % 10 == 3 and i > 20:
            n = i - 13  # a duplicate of an earlier good row
        name, clinic = procedures[n % len(procedures)]
        row = [
            f"Patient {prefix}{n}",
            f"{prefix}{n}@example.org",
            f"+49 170 {n:08d}",
            "DE",
            "de",
            name,
            clinic,
            "Imported from the old CRM",
            "email",
            "yes",
            "no",
            "google",
            "cpc",
            "spring",
            "",
            "website",
            f"2025-{1 + n % 12:02d}-{1 + n % 28:02d} 10:00" if dated else "",
            "",
        ]
        if i % 20 == 7:
            row[1] = "not-an-address"  # a bad row
        writer.writerow(row)
    return out.getvalue().encode()


def measure(rows: int, live: int) -> None:
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from crm.models import Clinic, Patient, Procedure
    from journeys.models import Journey
    from transfer.imports import import_csv

    for clinic_name, city, procedures in (
        ("Dentalpoint Istanbul", "Istanbul", ["Dental implants", "Veneers"]),
        ("Estetica Antalya", "Antalya", ["Hair transplant", "Rhinoplasty"]),
        ("Ortho Budapest", "Budapest", ["Knee replacement", "Hip replacement"]),
    ):
        clinic, _ = Clinic.objects.get_or_create(
            name=clinic_name, city=city, defaults={"country": "TR", "timezone": "Europe/Istanbul"}
        )
        for name in procedures:
            Procedure.objects.get_or_create(name=name, clinic=clinic)

    data = make_file(rows, prefix="h", dated=True)
    print(f"file: {rows:,} rows, {len(data) / 1e6:.1f} MB")

    def timed(label: str, **kwargs: object) -> None:
        started, cpu = time.perf_counter(), time.process_time()
        result = import_csv(stream=io.BytesIO(data), actor=None, **kwargs)  # type: ignore[arg-type]
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        s = result.summary()
        print(
            f"{label:<28} {took:7.1f} s wall ({cpu:5.1f} s Python CPU)  {rows / took:7,.0f} "
            f"rows/s   create {s['created']:,}, merge {s['merged']:,}, refused {s['refused']:,}"
        )

    timed("dry run", apply=False, historical=True)
    timed("apply (historical, bulk)", apply=True, historical=True)
    timed("apply again (all merge)", apply=True, historical=True)
    print(f"  database: {Patient.objects.count():,} patients, {Journey.objects.count():,} journeys")
    if live:
        data = make_file(live, prefix="l", dated=False)
        started = time.perf_counter()
        import_csv(stream=io.BytesIO(data), actor=None, apply=True, historical=False)
        took = time.perf_counter() - started
        print(
            f"{'apply live rows (' + format(live, ',') + ', per row)':<34} {took:7.1f} s  "
            f"{live / took:8,.0f} rows/s   ({took / live * 1000:.1f} ms a row)"
        )
    print(
        f"machine: {os.cpu_count()} CPUs, 1-minute load average {os.getloadavg()[0]:.1f} at the "
        "end (other work on the machine shows directly in these figures)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--live", type=int, default=1_000)
    parser.add_argument("--keep", action="store_true", help="keep crm_bench_import")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.rows, args.live)
        return
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    try:
        manage = [sys.executable, str(BASE_DIR / "manage.py")]
        subprocess.run(
            [*manage, "migrate", "--noinput", "-v0"],
            env=env_for(DATABASE, debug=True),
            check=True,
            cwd=BASE_DIR,
        )
        print(f"CSV import benchmark ({DATABASE}, dropped at the end unless --keep)")
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--measure",
                "--rows",
                str(args.rows),
                "--live",
                str(args.live),
            ],
            env=env_for(DATABASE, debug=False),
            check=True,
            cwd=BASE_DIR,
        )
    finally:
        if not args.keep:
            with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


if __name__ == "__main__":
    main()
