"""What the benchmarks that measure pages over demo data share: a kept PostgreSQL database
seeded through the product's own commands (demo_setup + seed_demo), the environment a
measuring process runs with, and the percentile they all print. Imported by the bench
scripts as a sibling module (`python bench/<script>.py` puts bench/ on the path)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def env_for(database: str, *, debug: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"{PG}/{database}",
            "DJANGO_SETTINGS_MODULE": "crm.settings",
            "DEBUG": "1" if debug else "0",
            "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            # The test client speaks plain http: no https redirect.
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def patients_in(database: str) -> int | None:
    """Patients in a kept database, or None when it does not exist yet."""
    import psycopg

    try:
        with psycopg.connect(f"{PG}/{database}") as conn:
            row = conn.execute("SELECT count(*) FROM crm_patient").fetchone()
            return int(row[0]) if row else 0
    except psycopg.Error:
        return None


def database_for(size: int) -> str:
    """The one kept demo database of a size, shared by every page benchmark (seeding
    1,000,000 patients takes about 20 minutes on 2 cores: do it once, not per script)."""
    return f"crm_bench_demo_{size}"


def prepare(size: int, *, reseed: bool = False) -> str:
    """The kept database of `size` patients, seeded if missing or smaller, else migrated
    forward (a newer checkout may add tables); returns its name."""
    database = database_for(size)
    have = patients_in(database)
    if reseed or have is None or have < size:
        print(f"Seeding {size:,} patients into {database} (kept for later runs)…", flush=True)
        seed(database, size)
    else:
        subprocess.run(
            [sys.executable, str(BASE_DIR / "manage.py"), "migrate", "--noinput", "-v0"],
            env=env_for(database, debug=True),
            check=True,
            cwd=BASE_DIR,
        )
    return database


def seed(database: str, size: int) -> None:
    """(Re)create `database` with the demo logins and `size` patients, then analyse it."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')
    env = env_for(database, debug=True)
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    started = time.perf_counter()
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=BASE_DIR)
    # demo_setup makes the printed logins (coordinator, manager) and a few hundred
    # patients; seed_demo adds the rest.
    subprocess.run([*manage, "demo_setup"], env=env, check=True, cwd=BASE_DIR)
    have = patients_in(database) or 0
    if have < size:
        seed_more = [*manage, "seed_demo", "--patients", str(size - have)]
        subprocess.run(seed_more, env=env, check=True, cwd=BASE_DIR)
    with psycopg.connect(f"{PG}/{database}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"  seeded {database} in {time.perf_counter() - started:.0f} s", flush=True)
