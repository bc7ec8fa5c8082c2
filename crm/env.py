"""Strict readers for settings that come from the environment.

Every helper names the variable in its error, so a bad value stops start-up with a message
an operator can act on instead of a traceback from deep inside Django.
"""

from __future__ import annotations

import os
import re
import zoneinfo
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def read_env_file(path: Path) -> dict[str, str]:
    """Parse a .env file: `NAME=value` lines, blank lines and `#` comment lines, nothing else.

    A value is taken literally to the end of the line (no inline comments, no `$VAR`
    expansion); one wrapped in matching single or double quotes loses the quotes. Anything
    else stops start-up naming the file and line, but never echoing the line: it may hold
    a secret."""
    values: dict[str, str] = {}
    seen_on: dict[str, int] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        name, equals, value = stripped.partition("=")
        name = name.strip()
        if not equals or not _ENV_NAME.fullmatch(name):
            raise ImproperlyConfigured(
                f"{path}, line {number}: expected NAME=value (a comment line starts with #)."
            )
        if name in seen_on:
            raise ImproperlyConfigured(
                f"{path}, line {number}: {name} is already set on line {seen_on[name]}."
            )
        value = value.strip()
        if value[:1] in {'"', "'"}:
            if len(value) < 2 or value[-1] != value[0]:
                raise ImproperlyConfigured(
                    f"{path}, line {number}: the value of {name} opens a quote it does not close."
                )
            value = value[1:-1]
        seen_on[name] = number
        values[name] = value
    return values


def load_env_file(default: Path) -> Path | None:
    """Put a local .env file's values into the process environment, under what is set there.

    ENV_FILE names the file (default: `default`, read only if it exists); ENV_FILE= (empty)
    reads none, as the test suite does. Variables already in the environment win, even when
    empty, so `DEBUG=0 manage.py ...` overrides the file. The values go into os.environ so
    the processes `make run` starts and every helper below see the same settings. Returns
    the file read, if any."""
    named = os.environ.get("ENV_FILE")
    if named is not None and not named.strip():
        return None
    path = Path(named.strip()) if named is not None else default
    if not path.is_file():
        if named is not None:
            raise ImproperlyConfigured(f"ENV_FILE={named!r}: no such file.")
        return None
    for name, value in read_env_file(path).items():
        os.environ.setdefault(name, value)
    return path


def run_address() -> tuple[str, int]:
    """Where `make run` (bin/run_all.py) serves: RUN_HOST and RUN_PORT."""
    host = env_str("RUN_HOST", "127.0.0.1")
    port = env_int("RUN_PORT", 8000, minimum=1)
    if port > 65535:
        raise ImproperlyConfigured(f"RUN_PORT={port} is not a TCP port (1-65535).")
    return host, port


def local_url(host: str, port: int) -> str:
    """The address a browser on this machine uses for a server bound to host:port."""
    if host in {"", "0.0.0.0"}:  # noqa: S104 - a bind-all address, not a binding
        host = "127.0.0.1"
    elif host == "::":
        host = "[::1]"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum of {minimum}.")
    return number


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = _raw(name)
    if value is None or value == "":
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_timezone(name: str, default: str) -> str:
    value = env_str(name, default)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name}={value!r} is not an IANA timezone (e.g. Europe/Istanbul)."
        ) from None
    return value


def env_email_address(name: str, default: str) -> str:
    value = env_str(name, default)
    local, _, domain = value.rpartition("@")
    if not local or "." not in domain or " " in value:
        raise ImproperlyConfigured(f"{name}={value!r} is not an email address.")
    return value


def database_from_url(name: str, default: str, *, base_dir: Path) -> dict[str, object]:
    """Parse DATABASE_URL: postgres://user:pass@host:port/db?pool_max=10 or sqlite:///path."""
    url = env_str(name, default)
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///var/db.sqlite3 is relative to the project; sqlite:////abs/path is absolute.
        path = parts.path[1:] if parts.path.startswith("/") else parts.path
        if not path:
            raise ImproperlyConfigured(f"{name}={url!r} names no SQLite file.")
        file = Path(path) if Path(path).is_absolute() else base_dir / path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(file),
            # The web server, the worker and beat share one file: WAL lets readers go on
            # while one writes, and IMMEDIATE makes a writer wait for the lock up front
            # instead of failing half-way with "database is locked".
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        db_name = unquote(parts.path.lstrip("/"))
        if not db_name:
            raise ImproperlyConfigured(f"{name}={url!r} names no database.")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"{name}={url!r} has an invalid port.") from None
        pool_max = query.pop("pool_max", "")
        options: dict[str, object] = {}
        if pool_max != "0":
            # Django's own connection pool (psycopg 3): connections are reused across
            # requests instead of opened per request.
            try:
                max_size = int(pool_max or 8)
            except ValueError:
                raise ImproperlyConfigured(
                    f"{name}: pool_max={pool_max!r} is not an integer."
                ) from None
            options["pool"] = {"min_size": 1, "max_size": max_size, "timeout": 10}
        options.update(query)
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": db_name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "OPTIONS": options,
            "TEST": {"NAME": f"test_{db_name}"},
        }
    raise ImproperlyConfigured(
        f"{name}={url!r}: unsupported scheme {parts.scheme!r}; use postgres:// or sqlite:///."
    )


def broker_from_url(name: str, default: str) -> str:
    url = env_str(name, default)
    scheme = urlsplit(url).scheme
    if scheme not in {"redis", "rediss", "filesystem", "memory", "amqp", "pyamqp"}:
        raise ImproperlyConfigured(
            f"{name}={url!r}: unsupported broker {scheme!r}; use redis://host:6379/0 "
            "or leave it unset for the embedded filesystem transport."
        )
    return url
