"""A PostgreSQL restart under a live web server (gunicorn, the production connection pool,
a private cluster): a signed-in coordinator keeps opening dashboard pages while the
database stops and starts again. Every answer is a page (200) or "back in a moment" (503
with Retry-After), never a 500; the session survives; the log has no traceback
(crm/unavailable.py).
"""

from __future__ import annotations

import http.cookiejar
import re
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.db import connection

from journeys.models import Journey

from .conftest import BASE_DIR, BIN, PrivatePostgres, Processes, _kill_group, free_port, wait_for

pytestmark = [
    pytest.mark.reliability,
    # The web server reads the machine's clock (tests/reliability/test_reliability.py).
    pytest.mark.real_clock,
    pytest.mark.xdist_group("followups-reliability"),
    pytest.mark.django_db(transaction=True),
]

Answer = tuple[float, str, int, str | None]  # (when, path, status, Retry-After)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer to look at (a lost session sends to the sign-in page)."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Browser:
    """One signed-in person: a cookie jar shared by the threads that open pages."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.cookies = http.cookiejar.CookieJar()

    def _opener(self) -> urllib.request.OpenerDirector:
        return urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def get(self, path: str, timeout: float = 40) -> tuple[int, str | None, bytes]:
        try:
            with self._opener().open(self.base + path, timeout=timeout) as response:
                return response.status, response.headers.get("Retry-After"), response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Retry-After"), error.read()

    def answers(self) -> bool:
        try:
            self.get("/healthz", timeout=2)
        except OSError:
            return False
        return True

    def sign_in(self, username: str, password: str) -> None:
        status, _, body = self.get("/accounts/login/")
        assert status == 200, status
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        assert token is not None
        data = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": username,
                "password": password,
                "next": "/",
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
            self.base + "/accounts/login/", data=data, headers={"Referer": self.base + "/"}
        )
        try:
            self._opener().open(request, timeout=40)
            raise AssertionError("signing in did not redirect")
        except urllib.error.HTTPError as error:
            assert error.code == 302 and error.headers["Location"] == "/", error.code


@pytest.fixture
def web(
    processes: Processes, private_postgres: PrivatePostgres, journey: Journey
) -> Iterator[Browser]:
    """gunicorn as in production (sync workers, 30 s timeout, the default connection pool)
    on a copy of the test database (the coordinator and the journey) in the private cluster."""
    private_postgres.copy_of(connection.settings_dict)
    # The production pool (no pool_max=0): the dead connections a restart leaves in it are
    # what the next requests get.
    processes.database_url = private_postgres.url.replace("?pool_max=0", "")
    port = free_port()
    with open(processes.tmp_path / "gunicorn.log", "wb") as log:
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "crm.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                "--workers=2",
                "--timeout=30",
            ],
            cwd=BASE_DIR,
            env=processes.env(
                # DEBUG off, as in production: with DEBUG on Django answers any error with
                # its technical 500 page and never calls handler500.
                DEBUG="0",
                SECRET_KEY="reliability-" + "x" * 40,
                ANYMAIL_WEBHOOK_SECRET="hook:reliability-secret",
                ALLOWED_HOSTS="127.0.0.1",
                # Plain http on 127.0.0.1: no TLS redirect, cookies without Secure.
                SECURE_SSL_REDIRECT="0",
                SESSION_COOKIE_SECURE="0",
                CSRF_COOKIE_SECURE="0",
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    processes.running.append(process)
    browser = Browser(port)
    try:
        wait_for(browser.answers, 30, "gunicorn to answer", interval=0.3)
        yield browser
    finally:
        _kill_group(process)


def test_a_postgresql_restart_mid_request_answers_503_and_keeps_the_session(
    web: Browser,
    processes: Processes,
    private_postgres: PrivatePostgres,
    coordinator: User,
    journey: Journey,
) -> None:
    pages = ["/", "/board/", f"/journeys/{journey.pk}/"]
    web.sign_in(coordinator.username, "pw-" + coordinator.username)
    for path in pages:
        assert web.get(path)[0] == 200, path

    answers: list[Answer] = []
    lock = threading.Lock()
    done = threading.Event()

    def keep_opening(offset: int) -> None:
        # Bounded: at most 400 requests a thread, whatever happens.
        for n in range(400):
            if done.is_set():
                return
            path = pages[(n + offset) % len(pages)]
            status, retry_after, _ = web.get(path)
            with lock:
                answers.append((time.monotonic(), path, status, retry_after))
            time.sleep(0.05)

    # Two at a time: both gunicorn workers have requests in flight when the server stops.
    threads = [threading.Thread(target=keep_opening, args=(i,), daemon=True) for i in (0, 1)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.5)
        down = time.monotonic()
        private_postgres.shut_down("fast")  # an administrator's restart: every session ends
        time.sleep(2)
        private_postgres.start()
        up = time.monotonic()

        def every_page_back() -> bool:
            with lock:
                return {
                    path for when, path, status, _ in answers if when > up and status == 200
                } == set(pages)

        # The pool reconnects with a backoff and waits up to 10 s for a connection.
        wait_for(every_page_back, 45, "every page to answer 200 again", interval=0.3)
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=60)

    log = (processes.tmp_path / "gunicorn.log").read_text(errors="replace")
    statuses = [status for _, _, status, _ in answers]
    summary = {status: statuses.count(status) for status in sorted(set(statuses))}
    print(
        f"\nPostgreSQL down for {up - down:.1f}s; {len(answers)} requests answered {summary}; "
        f"{log.count('Database unavailable')} quiet outage lines in gunicorn's log"
    )
    # Never a 500 (nor a redirect to the sign-in page: the session outlives the restart).
    assert set(statuses) <= {200, 503}, (summary, log[-3000:])
    unavailable = [answer for answer in answers if answer[2] == 503]
    assert unavailable, "no request met the outage"
    assert all(retry_after == "30" for _, _, _, retry_after in unavailable)
    # After the restart, the same session opens every page again (one last round to be sure).
    for path in pages:
        assert web.get(path)[0] == 200, path
    assert "Database unavailable" in log
    assert "Traceback" not in log, log[-3000:]
