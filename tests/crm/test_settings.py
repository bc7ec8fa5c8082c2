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
        "crm.mail_console.EmailBackend",
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


# --- The local .env file -----------------------------------------------------------------

SHOW = (
    "import crm.settings as s;"
    "print(s.DEBUG, s.SECRET_KEY, s.TIME_ZONE, s.SITE_URL, s.ENV_FILE, sep='\\n')"
)


def run_settings(
    tmp_path: Path, env_file: Path | str, *, module: str = "crm.settings", **overrides: str
) -> subprocess.CompletedProcess[str]:
    """Start the settings in a fresh interpreter with only `overrides` on top of a clean
    environment (none of DEBUG, SECRET_KEY, TIME_ZONE, SITE_URL, RUN_*) and ENV_FILE."""
    unset = {"DEBUG", "SECRET_KEY", "TIME_ZONE", "SITE_URL", "RUN_HOST", "RUN_PORT", "ENV_FILE"}
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in unset | {"DATABASE_URL", "CELERY_BROKER_URL"}
    }
    environ.update({"VAR_DIR": str(tmp_path / "var"), "ENV_FILE": str(env_file), **overrides})
    script = SHOW.replace("crm.settings", module)
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def write_env(tmp_path: Path, text: str) -> Path:
    path = tmp_path / ".env"
    path.write_text(text)
    return path


def test_settings_read_the_env_file(tmp_path):
    env_file = write_env(
        tmp_path,
        "# written by make\n\nDEBUG=1\nSECRET_KEY='from-the-file-0123456789'\n"
        'TIME_ZONE="Asia/Tokyo"\nRUN_PORT=8123\n',
    )
    result = run_settings(tmp_path, env_file)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "True",
        "from-the-file-0123456789",
        "Asia/Tokyo",
        "http://127.0.0.1:8123",  # links follow where `make run` serves
        str(env_file),
    ]


def test_the_environment_wins_over_the_env_file(tmp_path):
    env_file = write_env(tmp_path, "DEBUG=1\nSECRET_KEY=from-the-file\nTIME_ZONE=Asia/Tokyo\n")
    result = run_settings(
        tmp_path, env_file, TIME_ZONE="Europe/Berlin", SECRET_KEY="from-the-environment"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:3] == ["from-the-environment", "Europe/Berlin"]
    # Set but empty is still set: DEBUG=0 and an empty SECRET_KEY in the environment refuse
    # to start even though the file has both.
    refused = run_settings(tmp_path, env_file, DEBUG="0", SECRET_KEY="")
    assert refused.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in refused.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("DEBUG=1\nexport SECRET_KEY=hunter2-secret\n", "line 2: expected NAME=value"),
        ("DEBUG=1\n\njust-a-secret-value\n", "line 3: expected NAME=value"),
        ("DEBUG 1\n", "line 1: expected NAME=value"),
        ("DEBUG=1\nSECRET_KEY='hunter2-secret\n", "line 2: the value of SECRET_KEY opens a quote"),
        ("DEBUG=1\nDEBUG=0\n", "line 2: DEBUG is already set on line 1"),
    ],
)
def test_a_malformed_env_file_stops_start_up_naming_the_line(tmp_path, text, message):
    result = run_settings(tmp_path, write_env(tmp_path, text))
    assert result.returncode != 0
    assert f"{tmp_path / '.env'}, {message}" in result.stderr
    # The line may hold a secret: the message names its number, never its text.
    assert "hunter2" not in result.stderr
    assert "just-a-secret-value" not in result.stderr


def test_read_env_file_keeps_values_literally(tmp_path):
    env_file = write_env(
        tmp_path,
        "  SECRET_KEY = a#b=c $HOME  \nEMPTY=\nQUOTED=' spaced '\nDSN=\"postgres://u:p@h/db\"\n",
    )
    assert env.read_env_file(env_file) == {
        "SECRET_KEY": "a#b=c $HOME",
        "EMPTY": "",
        "QUOTED": " spaced ",
        "DSN": "postgres://u:p@h/db",
    }


def test_load_env_file_only_fills_what_is_unset(tmp_path, monkeypatch):
    default = tmp_path / ".env"
    monkeypatch.delenv("ENV_FILE", raising=False)
    monkeypatch.delenv("X_FROM_FILE", raising=False)
    monkeypatch.setenv("X_FROM_ENV", "environment")
    assert env.load_env_file(default) is None  # no file: nothing read, no error

    default.write_text("X_FROM_FILE=file\nX_FROM_ENV=file\n")
    assert env.load_env_file(default) == default
    assert os.environ["X_FROM_FILE"] == "file"
    assert os.environ["X_FROM_ENV"] == "environment"
    monkeypatch.delenv("X_FROM_FILE")

    monkeypatch.setenv("ENV_FILE", "")  # off
    assert env.load_env_file(default) is None
    assert "X_FROM_FILE" not in os.environ

    monkeypatch.setenv("ENV_FILE", str(tmp_path / "missing.env"))  # named: must exist
    with pytest.raises(ImproperlyConfigured, match=r"missing\.env'?: no such file"):
        env.load_env_file(default)


def test_production_without_env_file_or_secret_key_refuses_to_start(tmp_path):
    # No .env, DEBUG unset (off): exactly a production box missing its SECRET_KEY.
    result = run_settings(tmp_path, "")
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr
    # A .env cannot switch DEBUG on behind production's back when the environment says 0.
    env_file = write_env(tmp_path, "DEBUG=1\n")
    assert "SECRET_KEY is required" in run_settings(tmp_path, env_file, DEBUG="0").stderr
    assert (
        run_settings(
            tmp_path,
            "",
            SECRET_KEY="x" * 50,
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        ).returncode
        == 0
    )


def test_the_test_suite_ignores_a_developers_env_file(tmp_path, settings):
    # This very run: pytest-django loaded tests.settings, which turned the file off for
    # itself and for every process the tests start.
    assert settings.SETTINGS_MODULE == "tests.settings"
    assert settings.ENV_FILE is None
    assert os.environ["ENV_FILE"] == ""
    # Even pointed at a file that would change the suite, the test settings read nothing.
    env_file = write_env(tmp_path, "SECRET_KEY=from-the-file\nTIME_ZONE=Asia/Tokyo\n")
    result = run_settings(tmp_path, env_file, module="tests.settings", DEBUG="1")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1] != "from-the-file"
    assert lines[2:] == ["UTC", "http://127.0.0.1:8000", "None"]
    # ...while the app itself would have read it.
    assert run_settings(tmp_path, env_file, DEBUG="1").stdout.splitlines()[2] == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", "8000", "http://127.0.0.1:8000"),
        ("0.0.0.0", "8123", "http://127.0.0.1:8123"),  # noqa: S104 - every interface
        ("::", "9000", "http://[::1]:9000"),
        ("crm.local", "80", "http://crm.local:80"),
    ],
)
def test_run_address_and_the_url_a_browser_opens(monkeypatch, host, port, url):
    monkeypatch.setenv("RUN_HOST", host)
    monkeypatch.setenv("RUN_PORT", port)
    assert env.local_url(*env.run_address()) == url


@pytest.mark.parametrize(
    ("port", "message"),
    [("eighty", "RUN_PORT='eighty' is not an integer"), ("70000", "RUN_PORT=70000 is not")],
)
def test_a_bad_run_port_names_the_variable(monkeypatch, port, message):
    monkeypatch.setenv("RUN_PORT", port)
    with pytest.raises(ImproperlyConfigured, match=message):
        env.run_address()


def test_filesystem_broker_keeps_its_control_folder_under_var(tmp_path):
    # kombu's filesystem transport writes exchange tables to ./control in the working
    # directory unless told otherwise: a `control/celery.exchange` once landed in the repo.
    # Load the app and publish a task and a broadcast from an empty working directory.
    script = (
        "import django; django.setup();"
        "from crm.celery import app;"
        "app.send_task('followups.tasks.dispatch_due');"
        "app.control.broadcast('ping', reply=False)"
    )
    environ = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}
    }
    environ.update(
        {
            "VAR_DIR": str(tmp_path / "var"),
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "crm.settings",
            "PYTHONPATH": str(ROOT),
        }
    )
    work = tmp_path / "cwd"
    work.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=work,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert list(work.iterdir()) == []
    assert (tmp_path / "var" / "celery" / "control" / "celery.exchange").is_file()
    assert len(list((tmp_path / "var" / "celery" / "queue").iterdir())) == 1
