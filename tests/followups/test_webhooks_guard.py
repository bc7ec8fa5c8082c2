"""anymail's routes, guarded (followups/webhooks.py): an ESP we do not use is a 404, a post
its parser cannot read a 400, and an error in our own receiver is still a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous() -> Client:
    return Client(raise_request_exception=False)


def test_an_unconfigured_esp_is_not_found(anonymous: Client, settings: Any) -> None:
    settings.ANYMAIL = {}
    for url in ("/anymail/mailgun/inbound/", "/anymail/brevo/inbound/", "/anymail/mandrill/"):
        response = anonymous.post(url, {"anything": "x"})
        assert response.status_code == 404, url


def test_an_unreadable_post_is_a_bad_request(anonymous: Client, settings: Any) -> None:
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret"}
    settings.INBOUND_ESP = "postmark"
    auth = {"HTTP_AUTHORIZATION": "Basic aG9vazpzZWNyZXQ="}  # hook:secret
    for url in ("/anymail/postmark/inbound/", "/anymail/postmark/tracking/"):
        response = anonymous.post(url, "not json", content_type="application/json", **auth)
        assert response.status_code == 400, url
        assert b"could not be read" in response.content


def test_an_error_in_our_receiver_stays_a_500(
    anonymous: Client, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from followups import receivers

    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret"}
    settings.INBOUND_ESP = "postmark"

    def broken(**kwargs: Any) -> None:
        raise KeyError("a bug of ours")

    monkeypatch.setattr("followups.inbound.store.inbound_receive", broken)
    payload = '{"RawEmail": "From: a@example.org\\r\\nSubject: x\\r\\n\\r\\nhi"}'
    response = anonymous.post(
        "/anymail/postmark/inbound/",
        payload,
        content_type="application/json",
        HTTP_AUTHORIZATION="Basic aG9vazpzZWNyZXQ=",
    )
    assert response.status_code == 500
    assert receivers  # imported so the monkeypatch target is loaded
