"""`make run` migrates and seeds the embedded SQLite database (no DATABASE_URL): every
migration and every demo seeder must work there too, not only on PostgreSQL, where the
rest of the suite runs. (A migration calling PostgreSQL's `now()` once broke `make run`
on a fresh clone while every other test passed.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str], environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", str(ROOT))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **environ},
        capture_output=True,
        text=True,
        timeout=600,  # every migration on SQLite, then 300 demo patients: a busy CI takes long
    )


def test_a_fresh_sqlite_database_migrates_and_takes_the_demo_data(tmp_path: Path) -> None:
    environ = {
        "DEBUG": "1",
        "SECRET_KEY": "make-run-sqlite-test-" + "x" * 40,
        "DATABASE_URL": "sqlite:///" + str(tmp_path / "db.sqlite3"),
        "VAR_DIR": str(tmp_path),
        "ENV_FILE": "",
    }
    migrate = run(["migrate", "--noinput", "-v0"], environ)
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    setup = run(["demo_setup"], environ)
    assert setup.returncode == 0, setup.stderr[-3000:]
    assert "Seeded 300 patients" in setup.stdout
