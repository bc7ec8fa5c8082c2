from __future__ import annotations

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

TOKEN = "health-token-for-the-probe"


@pytest.fixture
def health_token(settings):
    settings.HEALTHZ_TOKEN = TOKEN
    return {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


def test_healthz_reports_database_and_broker_up(client, health_token):
    response = client.get("/healthz", **health_token)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True


def test_healthz_names_the_broker_when_it_is_down(client, health_token):
    # A port nothing listens on: a real failed connection, not a mock.
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        response = client.get("/healthz", **health_token)
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["broker"]
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is False


def test_healthz_names_the_database_when_it_is_down(client, monkeypatch, health_token):
    from django.db import connection

    def refuse(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    # Break the cursor, as a lost connection would; the view must answer, not raise.
    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz", **health_token)
    assert response.status_code == 503
    assert response.json()["down"] == ["database"]


def test_anonymous_callers_learn_only_up_or_down(client, health_token):
    assert client.get("/healthz").json() == {"status": "ok"}
    wrong = client.get("/healthz", HTTP_AUTHORIZATION="Bearer not-the-token")
    assert wrong.json() == {"status": "ok"}
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        down = client.get("/healthz")
    assert (down.status_code, down.json()) == (503, {"status": "down"})


def test_without_a_token_setting_no_header_opens_the_details(client, settings):
    settings.HEALTHZ_TOKEN = ""
    assert client.get("/healthz", HTTP_AUTHORIZATION="Bearer ").json() == {"status": "ok"}


def test_a_signed_in_manager_sees_the_details_a_coordinator_does_not(client, manager, coordinator):
    client.force_login(coordinator)
    assert client.get("/healthz").json() == {"status": "ok"}
    client.force_login(manager)
    assert client.get("/healthz").json()["database"]["ok"] is True
