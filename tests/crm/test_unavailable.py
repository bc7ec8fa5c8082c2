"""A database outage answers 503 with Retry-After and one log line, no traceback
(crm/unavailable.py)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


def _down(*args: Any, **kwargs: Any) -> Any:
    raise OperationalError("connection to server at 127.0.0.1 failed: server closed")


@pytest.fixture
def signed_in(coordinator) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)
    return client


def _records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name in ("django.request", "crm.unavailable")]


def test_a_view_that_loses_the_database_answers_503(
    signed_in: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from crm.dashboard import selectors

    monkeypatch.setattr(selectors, "my_day", _down)
    with caplog.at_level(logging.INFO):
        response = signed_in.get("/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert b"briefly unavailable" in response.content
    records = _records(caplog)
    assert [r.getMessage() for r in records] == [
        "Database unavailable: GET / answered 503 (OperationalError)"
    ]
    assert not any(r.exc_info for r in caplog.records)


def test_a_session_that_cannot_be_read_answers_503_as_json_when_asked(
    signed_in: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    def lost(*args: Any, **kwargs: Any) -> None:
        raise InterfaceError("connection already closed")

    # Reading the session (to know who is signed in) is the first query of a request.
    monkeypatch.setattr(SessionStore, "load", lost)
    with caplog.at_level(logging.INFO):
        response = signed_in.post("/board/move/", {}, HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert response.json()["ok"] is False
    assert not any(r.exc_info for r in caplog.records)


def test_other_errors_are_still_500_with_their_traceback(
    signed_in: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from crm.dashboard import selectors

    def bug(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(selectors, "my_day", bug)
    response = signed_in.get("/")
    assert response.status_code == 500
    assert any(r.exc_info for r in caplog.records if r.name == "django.request")
