"""Real processes for the reliability tests: a private redis-server (so stopping it hurts
nobody else), Celery workers and beat started with the pytest-django test database.

Every process starts in its own session and is killed by process group at teardown,
whatever the test did."""

from __future__ import annotations

import contextlib
import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(check: Callable[[], bool], timeout: float, what: str, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout:.0f}s waiting for {what}.")


def _kill_group(process: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def assert_nothing_stuck(timeout: int) -> None:
    """No row is claimed (or being sent) for longer than the reaper's timeout."""
    from followups.models import ScheduledMessage, Status
    from followups.services import db_now

    cutoff = db_now() - datetime.timedelta(seconds=timeout)
    stuck = ScheduledMessage.objects.filter(
        status__in=[Status.CLAIMED, Status.SENDING], claimed_at__lt=cutoff
    ).count()
    assert stuck == 0, f"{stuck} rows claimed past the reaper's timeout"


class RedisServer:
    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self.ping, 10, "redis-server to start")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """Kill it: nothing is persisted (--save "" --appendonly no), every queued task is gone."""
        if self.process is not None:
            _kill_group(self.process)
            self.process = None
        wait_for(lambda: not self.ping(), 10, "redis-server to stop")


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mail_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any) -> str:
    """The stand-in ESP's log, used by the workers and by this process alike."""
    path = str(tmp_path / "sent.log")
    monkeypatch.setenv("RELIABILITY_MAIL_LOG", path)
    settings.MAILERS = {"default": {"BACKEND": "tests.reliability.mailbackend.LogBackend"}}
    return path


def database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or "5432"
    # pool_max=0: worker processes fork; plain connections are simplest there.
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}?pool_max=0"


class Processes:
    """Starts celery workers and beat against the test database and the private Redis."""

    def __init__(self, tmp_path: Path, redis: RedisServer, mail_log: str) -> None:
        self.tmp_path = tmp_path
        self.redis = redis
        self.mail_log = mail_log
        self.running: list[subprocess.Popen[bytes]] = []
        self.env_overrides: dict[str, str] = {}
        self.database_url = ""  # another database than the test one (private_postgres)
        self.count = 0

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "crm.settings",
                "DEBUG": "1",
                "DATABASE_URL": self.database_url or database_url(),
                "CELERY_BROKER_URL": self.redis.url,
                "EMAIL_BACKEND": "tests.reliability.mailbackend.LogBackend",
                "RELIABILITY_MAIL_LOG": self.mail_log,
                "FOLLOWUPS_DISPATCH_INTERVAL": "1",
                "FOLLOWUPS_CLAIM_TIMEOUT": "5",
                # The stand-in ESP reports no events: an in-doubt send waits only briefly.
                "FOLLOWUPS_SEND_CONFIRM_WAIT": "2",
                "FOLLOWUPS_BATCH_SIZE": "50",
                "LOG_LEVEL": "WARNING",
                "VAR_DIR": str(self.tmp_path / "var"),
                "PYTHONPATH": str(BASE_DIR),
            }
        )
        env.update(self.env_overrides)
        env.update(extra)
        return env

    def _start(self, args: list[str], name: str, **extra: str) -> subprocess.Popen[bytes]:
        self.count += 1
        log = open(self.tmp_path / f"{name}-{self.count}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [str(BIN / "celery"), "-A", "crm", *args],
            cwd=BASE_DIR,
            env=self.env(**extra),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killpg reaches the children
        )
        self.running.append(process)
        return process

    def worker(self, concurrency: int = 2, **extra: str) -> subprocess.Popen[bytes]:
        return self._start(
            [
                "worker",
                "--pool=prefork",
                f"--concurrency={concurrency}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
                f"--hostname=reliability-{self.count}@%h",
            ],
            "worker",
            **extra,
        )

    def beat(self, **extra: str) -> subprocess.Popen[bytes]:
        return self._start(
            ["beat", f"--schedule={self.tmp_path / 'beat-schedule'}", "--loglevel=WARNING"],
            "beat",
            **extra,
        )

    def kill(self, process: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
        _kill_group(process, sig)

    def stop_all(self) -> None:
        for process in self.running:
            _kill_group(process)

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.tmp_path.glob("*.log"))
            if path.name != "sent.log"
        )


@pytest.fixture
def processes(
    tmp_path: Path, redis_server: RedisServer, mail_log: str, request: pytest.FixtureRequest
) -> Iterator[Processes]:
    procs = Processes(tmp_path, redis_server, mail_log)
    try:
        yield procs
    finally:
        procs.stop_all()
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            print(procs.logs())


class PrivatePostgres:
    """A PostgreSQL cluster of our own (initdb into a temporary directory, a free port),
    so that a test can restart or crash it without touching the shared server that other
    test runs use. Loaded with a copy of the test database (schema and rows)."""

    def __init__(self) -> None:
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not versions:
            pytest.skip("PostgreSQL server binaries (/usr/lib/postgresql/*/bin) not installed")
        self.bin = versions[-1].parent
        self.port = free_port()
        # Not under pytest's tmp_path: the server runs as `postgres` (initdb refuses root)
        # and must be able to reach its directory.
        self.dir = Path(tempfile.mkdtemp(prefix="crm-private-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.name = "crm_private"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        command = list(args)
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, timeout=120)

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--auth=trust", "--no-sync", "-E", "UTF8",
        )  # fmt: skip
        self.start()

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.dir} -c fsync=off"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
            "-o", options, "-w", "start",
        )  # fmt: skip

    def restart(self, mode: str = "immediate") -> None:
        """`immediate`: like a crash (no checkpoint, every connection cut, WAL recovery)."""
        self.shut_down(mode)
        self.start()

    def shut_down(self, mode: str = "fast") -> None:
        """Stop the server, keeping its data for `start()`. `fast` (an administrator's
        restart) ends every session; `immediate` is like a crash."""
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop",
        )  # fmt: skip

    def stop(self) -> None:
        if self.data.exists():
            self._run(
                str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop",
                check=False,
            )  # fmt: skip
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.name}?pool_max=0"

    def copy_of(self, settings_dict: dict[str, Any]) -> None:
        """This cluster gets a database with the test database's schema and rows."""
        self._run(
            str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
            "-U", "postgres", self.name,
        )  # fmt: skip
        env = dict(os.environ)
        if settings_dict.get("PASSWORD"):
            env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
        dump = subprocess.run(
            [
                str(self.bin / "pg_dump"), "--no-owner", "--no-privileges",
                "-h", str(settings_dict.get("HOST") or "127.0.0.1"),
                "-p", str(settings_dict.get("PORT") or "5432"),
                "-U", str(settings_dict.get("USER") or "postgres"),
                str(settings_dict["NAME"]),
            ],
            check=True, capture_output=True, env=env, timeout=120,
        )  # fmt: skip
        subprocess.run(
            [
                str(self.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                "-p", str(self.port), "-U", "postgres", "-d", self.name,
            ],
            input=dump.stdout, check=True, capture_output=True, timeout=120,
        )  # fmt: skip

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """One query on a fresh connection (the server may have restarted since)."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=self.name,
            connect_timeout=5, autocommit=True,
        ) as conn:  # fmt: skip
            return list(conn.execute(sql, params).fetchall())


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    try:
        server.init()
        yield server
    finally:
        server.stop()


@pytest.fixture
def local_broker(redis_server: RedisServer) -> Iterator[None]:
    """Point this process's Celery app at the private Redis (for enqueue-after-commit)."""
    from crm.celery import app

    # broker_write_url: the Django-namespaced broker_url key wins over a plain override,
    # but publishing uses the write URL when one is set.
    app.conf.update(broker_write_url=redis_server.url)
    app._pool = None  # rebuilt from the new URL on first use
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.update(broker_write_url=None)
        app._pool = None
        app.amqp._producer_pool = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
