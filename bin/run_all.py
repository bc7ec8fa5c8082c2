"""Start the web server, a Celery worker and Celery beat together; Ctrl-C stops all three.

Used by `make run`. Each process keeps its own output, prefixed with its name, so a
coordinator testing locally can see the web requests, the sends and the beat ticks at once.
The web server listens on RUN_HOST:RUN_PORT (default 127.0.0.1:8000), read like every other
setting: from the environment, else from the local .env.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crm.env import load_env_file, local_url, run_address  # noqa: E402 - needs ROOT on the path

load_env_file(ROOT / ".env")
HOST, PORT = run_address()
PY = sys.executable
# runserver takes an IPv6 address in brackets.
ADDRESS = f"[{HOST}]:{PORT}" if ":" in HOST else f"{HOST}:{PORT}"

PROCESSES = {
    "web": [PY, "manage.py", "runserver", ADDRESS, "--noreload"],
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
    print(f"Serving on {local_url(HOST, PORT)}/ with a Celery worker and beat. Ctrl-C stops all.")

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
