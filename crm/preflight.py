"""`python -m crm.preflight`: say plainly which server the test suite cannot reach.

`make test` runs it first so a stopped PostgreSQL or Redis is one clear line, not a wall
of tracebacks from every test.
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/crm"
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"


def check_postgres(url: str) -> str | None:
    import psycopg

    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        return f"DATABASE_URL={url} is not PostgreSQL; the test suite needs PostgreSQL."
    try:
        # The maintenance database: the test database does not exist yet.
        psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or None,
            password=parts.password or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return (
            f"PostgreSQL is unreachable at {parts.hostname}:{parts.port or 5432} ({first}). "
            "Start it or point DATABASE_URL at a running server."
        )
    return None


def check_redis(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        return (
            f"Redis is unreachable at {url} ({type(exc).__name__}: {exc}). "
            "Start it or point CELERY_BROKER_URL at a running server."
        )
    return None


def main() -> int:
    db = os.environ.get("DATABASE_URL") or DEFAULT_DB
    broker = os.environ.get("CELERY_BROKER_URL") or DEFAULT_BROKER
    problems = [p for p in (check_postgres(db), check_redis(broker)) if p]
    for problem in problems:
        print(f"make test: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
