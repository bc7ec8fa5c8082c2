"""A real Celery worker for the benchmarks that measure through the broker (bench/care.py;
bench/sends.py still starts its own the same way): started as its own process group on
the bench's Redis db, stopped with its children, and a polling wait for what it writes to
PostgreSQL (its mail backend is in another process: the rows are what a bench can see)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def start_worker(
    *,
    concurrency: int,
    hostname: str,
    env: Mapping[str, str] | None = None,
    imports: Sequence[str] = (),
) -> subprocess.Popen[bytes]:
    """`celery -A crm worker` (prefork) with `env` (default: this process's environment,
    which must name DATABASE_URL and CELERY_BROKER_URL). `imports`: extra modules the
    worker loads (-I), e.g. a bench's own no-op task."""
    celery = Path(sys.executable).parent / "celery"
    # The default connection pool: Celery closes Django's connection after every task, and
    # with the pool that close hands it back instead of reconnecting to PostgreSQL.
    worker_env = {**(env if env is not None else os.environ), "PYTHONPATH": str(BASE_DIR)}
    command = [str(celery), "-A", "crm", "worker"]
    for module in imports:
        command += ["-I", module]
    command += [
        "--pool=prefork",
        f"--concurrency={concurrency}",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=WARNING",
        f"--hostname={hostname}",
    ]
    return subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env=worker_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # Its own process group: stop_worker ends the prefork children with it.
        start_new_session=True,
    )


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()


def wait(check: Callable[[], object], timeout: float, interval: float = 0.01) -> float:
    """Poll `check` until it is true; the seconds it took. Exits the bench on timeout."""
    started = time.perf_counter()
    while not check():
        if time.perf_counter() - started > timeout:
            raise SystemExit("bench: timed out (is the worker running?)")
        time.sleep(interval)
    return time.perf_counter() - started
