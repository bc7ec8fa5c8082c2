"""Strict settings: a bad value stops start-up with a message naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from crm import env

ROOT = Path(__file__).resolve().parents[2]


def start(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter, as `manage.py` would at start-up."""
    environ = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}
    }
    environ.update({"VAR_DIR": str(tmp_path), "DEBUG": "1", **overrides})
    return subprocess.run(
        [sys.executable, "-c", "import crm.settings"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG='maybe' is not a boolean"),
        ("EMAIL_PORT", "twenty-five", "EMAIL_PORT='twenty-five' is not an integer"),
        ("TIME_ZONE", "Mars/Olympus", "TIME_ZONE='Mars/Olympus' is not an IANA timezone"),
        ("DATABASE_URL", "mysql://x/y", "DATABASE_URL='mysql://x/y': unsupported scheme"),
        (
            "DATABASE_URL",
            "postgres://h:5432/",
            "DATABASE_URL='postgres://h:5432/' names no database",
        ),
        ("CELERY_BROKER_URL", "kafka://x", "CELERY_BROKER_URL='kafka://x': unsupported broker"),
        ("DEFAULT_FROM_EMAIL", "not-an-address", "DEFAULT_FROM_EMAIL='not-an-address'"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL='LOUD' is not a logging level"),
    ],
)
def test_bad_values_stop_start_up_naming_the_variable(tmp_path, variable, value, message):
    if variable == "EMAIL_PORT":
        extra = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"}
    else:
        extra = {}
    result = start(tmp_path, **{variable: value}, **extra)
    assert result.returncode != 0
    assert message in result.stderr


def test_secret_key_required_when_debug_is_off(tmp_path):
    result = start(tmp_path, DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    assert start(tmp_path, DEBUG="0", SECRET_KEY="x" * 50, EMAIL_BACKEND=smtp).returncode == 0


def test_the_console_mail_backend_is_never_a_silent_default_in_production(tmp_path):
    # The console backend logs whole emails; with DEBUG off it must be chosen, not defaulted.
    result = start(tmp_path, DEBUG="0", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "EMAIL_BACKEND is required when DEBUG is off" in result.stderr


def test_embedded_defaults_need_no_servers(tmp_path):
    script = (
        "import crm.settings as s;"
        "print(s.DATABASES['default']['ENGINE']);"
        "print(s.CELERY_BROKER_URL);"
        "print(s.MAILERS['default']['BACKEND'])"
    )
    environ = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}
    }
    environ.update({"VAR_DIR": str(tmp_path), "DEBUG": "1"})
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert out.stdout.split() == [
        "django.db.backends.sqlite3",
        "filesystem://",
        "django.core.mail.backends.console.EmailBackend",
    ]
    assert (tmp_path / "celery" / "queue").is_dir()


def test_postgres_url_uses_djangos_connection_pool(tmp_path):
    db = env.database_from_url(
        "UNSET_DATABASE_URL",
        "postgres://crm:s%40cret@db.internal:6432/crm?pool_max=20",
        base_dir=tmp_path,
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "crm",
        "crm",
        "s@cret",
        "db.internal",
        "6432",
    )
    assert db["OPTIONS"] == {"pool": {"min_size": 1, "max_size": 20, "timeout": 10}}


def test_file_backend_reads_email_file_path(tmp_path):
    script = "import crm.settings as s; print(s.MAILERS['default']['OPTIONS']['file_path'])"
    environ = {
        **os.environ,
        "VAR_DIR": str(tmp_path),
        "DEBUG": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "outbox"),
    }
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert out.stdout.strip() == str(tmp_path / "outbox")


def test_env_helpers_directly(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    assert env.env_bool("X_BOOL") is True
    monkeypatch.setenv("X_INT", "3")
    with pytest.raises(ImproperlyConfigured, match="X_INT=3 is below the minimum of 5"):
        env.env_int("X_INT", 10, minimum=5)
    monkeypatch.setenv("X_LIST", "a.example, b.example,,")
    assert env.env_list("X_LIST") == ["a.example", "b.example"]
