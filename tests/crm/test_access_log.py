"""A real gunicorn with the project's config: a search term never reaches the access log."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from crm.logfilters import StripQueryString

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_search_terms_stay_out_of_gunicorns_access_log(tmp_path):
    port = free_port()
    environ = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}
    }
    environ.update({"DEBUG": "1", "VAR_DIR": str(tmp_path)})
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "crm.wsgi",
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/accounts/login/?next=/search/%3Fq%3DAnnaSchmidt&q=Anna+Schmidt"
        request = urllib.request.Request(
            url, headers={"Referer": f"http://127.0.0.1:{port}/search/?q=Anna+Schmidt"}
        )
        for _ in range(100):
            try:
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                    assert response.status == 200
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("gunicorn did not start")
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    access = [line for line in output.splitlines() if '"GET /accounts/login/' in line]
    assert len(access) == 1, output
    assert "Anna" not in output and "Schmidt" not in output
    assert '"GET /accounts/login/ HTTP/1.1" 200' in access[0]


def test_djangos_request_log_holds_no_query_or_body(client, caplog, db):
    # django.request logs "Not Found: <path>" for every 404 (and errors likewise): the path
    # only, never the query string or the posted body.
    with caplog.at_level("DEBUG"):
        client.get("/no-such-page/", {"q": "Anna Schmidt"})
        client.post("/no-such-page/", {"note": "Anna Schmidt, HIV test result"})
    assert "Not Found: /no-such-page/" in caplog.text
    assert "Anna" not in caplog.text and "HIV" not in caplog.text


def test_runservers_request_lines_lose_their_query_string(caplog):
    # What `make run` prints per request (django.server), through the configured filter.
    logger = logging.getLogger("django.server")
    assert any(
        isinstance(f, StripQueryString) for handler in logger.handlers for f in handler.filters
    )
    record = logger.makeRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /search/?q=Anna+Schmidt HTTP/1.1", "200", "512"),
        None,
    )
    for handler in logger.handlers:
        for f in handler.filters:
            f.filter(record)
    assert record.getMessage() == '"GET /search/ HTTP/1.1" 200 512'
