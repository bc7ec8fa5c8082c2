"""followups.inbound.webhook: the inbound webhook takes posts up to twice
INBOUND_MAX_MESSAGE_BYTES (the rest of the site keeps Django's 2.5 MB), keeps the ESP's own
bytes, answers before processing, and keeps what anymail itself cannot read.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from crm.models import Procedure
from followups import tasks
from followups.models import Attachment, Direction, MatchedBy, Message, RawEmail, RawStatus
from followups.tokens import reply_address
from journeys.models import Journey

from .hostile import (
    deep_multipart,
    folded_subject,
    hang_guard,
    many_lines,
    nested_divs,
    with_nul,
)
from .test_store import basic_auth, mailgun_signature, open_journey, process_received

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _inbound_settings(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INQUIRY_ADDRESS = "care@clinic.example"
    settings.INBOUND_ESP = ""
    settings.INBOUND_MAX_MESSAGE_BYTES = 25 * MB
    settings.INBOUND_MAX_ATTACHMENTS = 10
    settings.INBOUND_MAX_ATTACHMENT_BYTES = 10 * MB
    settings.INBOUND_AUTHSERV_ID = ""
    settings.INBOUND_REQUIRE_AUTH = False
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret", "MAILGUN_WEBHOOK_SIGNING_KEY": "mg-key"}


@pytest.fixture
def journey(procedure: Procedure, coordinator: User) -> Journey:
    return open_journey("anna@example.de", procedure=procedure, coordinator=coordinator)


# --- 20 MB with photos and X-rays, through each ESP's inbound format ---------------------

PHOTOS = {
    "xray.png": random.Random(1).randbytes(7 * MB),
    "photo.jpg": random.Random(2).randbytes(7 * MB),
}
TEXT = "Here are my X-ray and a photo of the tooth.\n"


def big_mime(journey: Journey) -> bytes:
    message = EmailMessage()
    message["From"] = "Anna <anna@example.de>"
    message["To"] = reply_address(journey.pk)
    message["Subject"] = "My X-ray"
    message["Message-ID"] = "<xray-1@example.de>"
    message.set_content(TEXT)
    for name, data in PHOTOS.items():
        maintype, subtype = ("image", name.rsplit(".", 1)[1].replace("jpg", "jpeg"))
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


@pytest.fixture(autouse=True)
def _every_inbound_esp_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about what arrives (sizes, formats, hostile mail) through each ESP's
    format; which ESP's door is open is tests/followups/test_webhooks.py's subject."""
    monkeypatch.setattr(
        "followups.webhooks.inbound_esps", lambda: frozenset({"mailgun", "sendgrid", "postmark"})
    )


def post_mailgun_parsed(client: Client, journey: Journey) -> Any:
    headers = [
        ["From", "Anna <anna@example.de>"],
        ["To", reply_address(journey.pk)],
        ["Subject", "My X-ray"],
        ["Message-Id", "<xray-1@example.de>"],
    ]
    data: dict[str, Any] = {
        "recipient": reply_address(journey.pk),
        "sender": "anna@example.de",
        "body-plain": TEXT,
        "message-headers": json.dumps(headers),
        "attachment-count": str(len(PHOTOS)),
        **mailgun_signature(),
    }
    for n, (name, content) in enumerate(PHOTOS.items(), start=1):
        upload = Path(client.tmp) / name  # type: ignore[attr-defined]
        upload.write_bytes(content)
        data[f"attachment-{n}"] = upload.open("rb")
    return client.post("/anymail/mailgun/inbound/", data=data, **basic_auth())


def post_mailgun_mime(client: Client, journey: Journey) -> Any:
    data = {
        "body-mime": big_mime(journey).decode("ascii"),
        "recipient": reply_address(journey.pk),
        **mailgun_signature(),
    }
    return client.post("/anymail/mailgun/inbound_mime/", data=data, **basic_auth())


def post_sendgrid_raw(client: Client, journey: Journey) -> Any:
    envelope = json.dumps({"to": [reply_address(journey.pk)], "from": "anna@example.de"})
    data = {"email": big_mime(journey).decode("ascii"), "envelope": envelope, "charsets": "{}"}
    return client.post("/anymail/sendgrid/inbound/", data=data, **basic_auth())


def post_postmark_json(client: Client, journey: Journey) -> Any:
    address = reply_address(journey.pk)
    payload = {
        "From": "anna@example.de",
        "FromFull": {"Email": "anna@example.de", "Name": "Anna"},
        "To": address,
        "ToFull": [{"Email": address, "Name": ""}],
        "OriginalRecipient": address,
        "Subject": "My X-ray",
        "TextBody": TEXT,
        "Headers": [{"Name": "Message-ID", "Value": "<xray-1@example.de>"}],
        "Attachments": [
            {
                "Name": name,
                "Content": base64.b64encode(content).decode(),
                "ContentType": "image/png" if name.endswith("png") else "image/jpeg",
                "ContentLength": len(content),
            }
            for name, content in PHOTOS.items()
        ],
    }
    return client.post(
        "/anymail/postmark/inbound/",
        data=json.dumps(payload),
        content_type="application/json",
        **basic_auth(),
    )


@pytest.mark.parametrize(
    "post",
    [post_mailgun_parsed, post_mailgun_mime, post_sendgrid_raw, post_postmark_json],
    ids=["mailgun", "mailgun-mime", "sendgrid-raw", "postmark"],
)
def test_a_20_mb_email_with_attachments_arrives_intact(
    post: Any, client: Client, journey: Journey, tmp_path: Path
) -> None:
    # Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) refused these with 400, keeping nothing.
    client.tmp = tmp_path  # type: ignore[attr-defined]
    response = post(client, journey)
    assert response.status_code == 200, response.content[:200]
    assert process_received() == ["stored"]
    message = Message.objects.get(direction=Direction.IN)
    assert (message.journey_id, message.matched_by) == (journey.pk, MatchedBy.TOKEN)
    assert message.text_reply == TEXT.strip()
    stored = {
        a.original_filename: hashlib.sha256(a.file.read()).hexdigest()
        for a in Attachment.objects.filter(message=message)
    }
    assert stored == {name: hashlib.sha256(data).hexdigest() for name, data in PHOTOS.items()}


def test_the_rest_of_the_site_keeps_djangos_limit(client: Client, db: None) -> None:
    big = {"username": "x", "password": "y" * (3 * MB)}
    assert client.post("/accounts/login/", data=big).status_code == 400


def test_a_post_over_the_inbound_limit_is_refused_with_413(
    client: Client, settings: Any, journey: Journey
) -> None:
    settings.INBOUND_MAX_MESSAGE_BYTES = MB  # the post limit is 2 x that + 1 MB
    data = {"body-mime": "x" * (4 * MB), **mailgun_signature()}
    response = client.post("/anymail/mailgun/inbound_mime/", data=data, **basic_auth())
    assert response.status_code == 413
    assert not RawEmail.objects.exists()


# --- Kept first, answered at once, processed by a worker ---------------------------------


def test_the_webhook_answers_before_processing_and_enqueues_on_commit(
    client: Client,
    journey: Journey,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    enqueued: list[tuple[int, ...]] = []
    monkeypatch.setattr(
        tasks.process_raw_email, "apply_async", lambda args, **kw: enqueued.append(args)
    )
    raw = many_lines(sender="anna@example.de")
    data = {"body-mime": raw.decode(), **mailgun_signature()}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/anymail/mailgun/inbound_mime/", data=data, **basic_auth())
    assert response.status_code == 200
    kept = RawEmail.objects.get()
    assert kept.status == RawStatus.RECEIVED and not Message.objects.exists()
    assert enqueued == [(kept.pk,)]
    assert kept.file.read() == raw  # Mailgun's bytes, not anymail's re-serialisation
    tasks.process_raw_email(kept.pk)  # what the worker runs
    assert Message.objects.get().journey_id == journey.pk


@pytest.mark.parametrize(
    "make",
    [
        many_lines,
        folded_subject,
        nested_divs,
        lambda **kw: deep_multipart(500, **kw),
        lambda **kw: deep_multipart(1000, **kw),
        with_nul,
    ],
    ids=["40k-lines", "folded-subject", "nested-divs", "500-deep", "1000-deep", "nul"],
)
def test_hostile_mail_through_the_webhook_lands_on_its_journey(
    make: Any, client: Client, journey: Journey
) -> None:
    # Each of these answered 500 and stored nothing (or ran past gunicorn's timeout).
    raw = make(sender="Anna <anna@example.de>")
    data = {"body-mime": raw.decode("latin-1"), **mailgun_signature()}
    with hang_guard():
        response = client.post("/anymail/mailgun/inbound_mime/", data=data, **basic_auth())
        assert response.status_code == 200
        assert process_received() == ["stored"]
    message = Message.objects.get(direction=Direction.IN)
    assert (message.journey_id, message.matched_by) == (journey.pk, MatchedBy.SENDER)


@pytest.mark.parametrize(
    ("subject", "text"),
    # (A megabyte-long Subject in parsed JSON fields costs minutes inside anymail's own
    # message builder, before our code runs; raw-MIME posts, above, have no such step.)
    [("word " * 20_000, "Please call me back."), ("Lines", "hello\n" * 40_000)],
    ids=["100-kb-subject", "40k-lines"],
)
def test_hostile_mail_in_parsed_json_fields(
    subject: str, text: str, client: Client, journey: Journey
) -> None:
    payload = {
        "From": "anna@example.de",
        "FromFull": {"Email": "anna@example.de", "Name": "Anna"},
        "To": "care@clinic.example",
        "Subject": subject,
        "TextBody": text,
        "Headers": [{"Name": "Message-ID", "Value": "<json-1@example.de>"}],
    }
    with hang_guard():
        response = client.post(
            "/anymail/postmark/inbound/",
            data=json.dumps(payload),
            content_type="application/json",
            **basic_auth(),
        )
        assert response.status_code == 200
        assert process_received() == ["stored"]
    assert Message.objects.get(direction=Direction.IN).journey_id == journey.pk


def test_a_post_anymail_cannot_read_is_kept_as_failed(
    client: Client, journey: Journey, monkeypatch: Any
) -> None:
    from anymail.webhooks.mailgun import MailgunInboundWebhookView

    def broken(self: Any, request: Any) -> Any:
        raise RuntimeError("the ESP library could not read it")

    monkeypatch.setattr(MailgunInboundWebhookView, "parse_events", broken)
    data = {"body-plain": "Hello", "message-headers": "[]", **mailgun_signature()}
    # Without our secret nothing is kept (refused before the body is read).
    assert client.post("/anymail/mailgun/inbound/", data=data).status_code == 401
    assert not RawEmail.objects.exists()
    response = client.post("/anymail/mailgun/inbound/", data=data, **basic_auth())
    assert response.status_code == 200
    kept = RawEmail.objects.get()
    assert kept.status == RawStatus.FAILED and "RuntimeError" in kept.detail
    assert b"body-plain" in kept.file.read()  # the ESP's post, as it came


def test_a_forged_sender_through_the_webhook_cancels_nothing(
    client: Client, journey: Journey, settings: Any
) -> None:
    settings.INBOUND_AUTHSERV_ID = "inbound.postmarkapp.com"
    payload = {
        "From": "anna@example.de",
        "FromFull": {"Email": "anna@example.de", "Name": "Anna"},
        "To": "care@clinic.example",
        "Subject": "Cancel my check-ins",
        "TextBody": "Please stop.",
        "Headers": [
            {"Name": "Message-ID", "Value": "<forged@example.de>"},
            {
                "Name": "Authentication-Results",
                "Value": "inbound.postmarkapp.com; spf=fail smtp.mailfrom=anna@example.de",
            },
        ],
    }
    response = client.post(
        "/anymail/postmark/inbound/",
        data=json.dumps(payload),
        content_type="application/json",
        **basic_auth(),
    )
    assert response.status_code == 200
    assert process_received() == ["triage"]
    assert not Message.objects.filter(direction=Direction.IN).exists()
