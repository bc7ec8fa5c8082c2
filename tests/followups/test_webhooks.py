"""Only the configured ESP's webhooks are mounted, and without a secret (DEBUG off) every
post is refused at run time, before anymail reads it."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from followups.models import Message, RawEmail
from followups.webhooks import webhook_esps

pytestmark = pytest.mark.django_db

FORGED = {
    "From": "patient@example.de",
    "FromFull": {"Email": "patient@example.de", "Name": "A Patient"},
    "To": "care@clinic.example",
    "ToFull": [{"Email": "care@clinic.example", "Name": ""}],
    "Subject": "Re: your trip",
    "TextBody": "Please cancel everything.",
    "Headers": [],
    "MessageID": "forged-1",
}


def post(client: Client, url: str, **extra: Any):
    return client.post(url, data=json.dumps(FORGED), content_type="application/json", **extra)


def test_a_forged_inbound_post_without_a_secret_is_refused(client, settings):
    # The hole: DEBUG off, no ANYMAIL_WEBHOOK_SECRET, and the post was stored as a reply.
    settings.DEBUG = False
    settings.ANYMAIL = {}
    settings.INBOUND_ESP = "postmark"
    response = post(client, "/anymail/postmark/inbound/")
    assert response.status_code == 403
    assert b"ANYMAIL_WEBHOOK_SECRET is not set" in response.content
    assert post(client, "/anymail/postmark/tracking/").status_code == 403
    assert not RawEmail.objects.exists() and not Message.objects.exists()


def test_other_esps_webhooks_are_not_mounted(client, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret"}
    auth = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"hook:secret").decode()}
    settings.INBOUND_ESP = "postmark"
    assert post(client, "/anymail/mailgun/inbound/", **auth).status_code == 404
    assert post(client, "/anymail/sendgrid/tracking/", **auth).status_code == 404
    assert post(client, "/anymail/mandrill/", **auth).status_code == 404
    # Nothing configured: no webhook at all (mail comes in through receive_email).
    settings.INBOUND_ESP = ""
    assert webhook_esps() == frozenset()
    assert post(client, "/anymail/postmark/inbound/", **auth).status_code == 404


def test_the_outgoing_esp_and_the_inbound_esp_are_mounted(settings):
    settings.INBOUND_ESP = "postmark"
    settings.EMAIL_BACKEND_PATH = "anymail.backends.amazon_ses.EmailBackend"
    assert webhook_esps() == {"postmark", "amazon_ses"}
    # anymail's URL names still resolve (ESP dashboards are set up from them).
    assert reverse("anymail:postmark_inbound_webhook") == "/anymail/postmark/inbound/"


def test_the_sending_esp_takes_no_inbound_mail_unless_it_is_the_inbound_esp(client, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret"}
    auth = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"hook:secret").decode()}
    settings.INBOUND_ESP = ""
    settings.EMAIL_BACKEND_PATH = "anymail.backends.postmark.EmailBackend"
    assert post(client, "/anymail/postmark/inbound/", **auth).status_code == 404
    assert not RawEmail.objects.exists()
    # Its tracking events still come in.
    event = {"RecordType": "Delivery", "MessageID": "x", "Recipient": "a@example.de"}
    tracking = client.post(
        "/anymail/postmark/tracking/",
        data=json.dumps(event),
        content_type="application/json",
        **auth,
    )
    assert tracking.status_code == 200
