"""Start the web server, a Celery worker and Celery beat together; Ctrl-C stops all three.

Used by `make run`. Each process keeps its own output, prefixed with its name, so a
coordinator testing locally can see the web requests, the sends and the beat ticks at once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

HOST = os.environ.get("RUN_HOST", "127.0.0.1")
PORT = os.environ.get("RUN_PORT", "8000")
PY = sys.executable

PROCESSES = {
    "web": [PY, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"],
    "worker": [PY, "-m", "celery", "-A", "crm", "worker", "--loglevel=INFO", "--concurrency=2"],
    "beat": [PY, "-m", "celery", "-A", "crm", "beat", "--loglevel=INFO"],
}


def _pump(name: str, stream: object) -> None:
    for line in iter(stream.readline, ""):  # type: ignore[attr-defined]
        sys.stdout.write(f"{name:>6} | {line}")
        sys.stdout.flush()


def main() -> int:
    children: dict[str, subprocess.Popen[str]] = {}
    stopping = threading.Event()

    def stop(*_: object) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for name, cmd in PROCESSES.items():
        # Own process group: the terminal's Ctrl-C reaches us once, and we stop the
        # children in order instead of each dying mid-write on its own.
        child = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            start_new_session=True,
        )
        children[name] = child
        threading.Thread(target=_pump, args=(name, child.stdout), daemon=True).start()
    print(f"Serving on http://{HOST}:{PORT}/ with a Celery worker and beat. Ctrl-C stops all.")

    exit_code = 0
    while not stopping.is_set():
        for name, child in children.items():
            if child.poll() is not None:
                print(f"{name} exited with code {child.returncode}; stopping the others.")
                exit_code = child.returncode or 1
                stopping.set()
        time.sleep(0.3)

    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for name, child in children.items():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"{name} did not stop in time; killing it.")
            child.kill()
            child.wait()
    print("Stopped web, worker and beat.")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
