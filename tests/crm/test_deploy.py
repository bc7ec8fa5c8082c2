"""The production settings of .env.example pass `check --deploy`, and the web process
refuses to start when a security check fails (gunicorn runs no checks of its own)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


def run(args: list[str], environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", str(ROOT))}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **environ},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_production_settings_of_env_example(tmp_path, db):
    environ = env_example()
    assert environ["DEBUG"] == "0"
    # The model checks connect to the database: the test database this run created (the
    # name in DATABASE_URL need not exist on a fresh server, as in CI).
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        port = f":{db['PORT']}" if db["PORT"] else ""
        environ["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}{port}/{db['NAME']}"
    else:
        environ["DATABASE_URL"] = "sqlite:///" + str(tmp_path / "deploy.sqlite3")
    environ["VAR_DIR"] = str(tmp_path)
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], environ)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_web_process_refuses_to_start_without_the_webhook_secret(tmp_path):
    environ = {
        "DEBUG": "0",
        "SECRET_KEY": "k" * 20 + "-a-long-enough-production-secret-value-0123456789",
        "ALLOWED_HOSTS": "crm.example.com",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "VAR_DIR": str(tmp_path),
    }
    refused = run(["-c", "import crm.wsgi"], environ)
    assert refused.returncode != 0
    assert "The web process refuses to start" in refused.stderr
    assert "followups.E001" in refused.stderr
    assert run(["-c", "import crm.asgi"], environ).returncode != 0

    environ["ANYMAIL_WEBHOOK_SECRET"] = "hook:a-long-random-password"
    started = run(["-c", "import crm.wsgi"], environ)
    assert started.returncode == 0, started.stderr
