"""Inbound email end to end: matching, storing, what a reply does, triage, the two doors
(receive_email and anymail's inbound webhooks), bad input and the odd-mail corpus.

The .eml files in tests/followups/mail/ are hand-written to look like what real clients
send. They carry a placeholder reply address and Message-ID; `mail()` swaps in a real
journey's signed reply address and the Message-ID of an email we sent it.
"""

# ruff: noqa: RUF001

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.checks import Error
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from crm.models import Patient, PatientSource, Procedure
from followups.checks import webhook_secret_required
from followups.inbound.store import TriageError, inbound_receive, raw_email_process
from followups.inbound.triage import (
    reply_notice_send,
    triage_attach,
    triage_create_inquiry,
    triage_dismiss,
)
from followups.models import (
    Attachment,
    CancelReason,
    Direction,
    InboundLabel,
    MatchedBy,
    Message,
    NotificationPreference,
    RawEmail,
    RawStatus,
    ScheduledMessage,
    Status,
    TriageItem,
    TriageStatus,
)
from followups.selectors import replies_waiting_for, triage_open
from followups.services import message_send_one_off, message_send_scheduled
from followups.tokens import reply_address
from journeys.models import Journey, Outcome, Stage
from journeys.services import interaction_log, journey_create

from ...conftest import make_patient
from ..conftest import rows

pytestmark = pytest.mark.django_db

MAIL = Path(__file__).parent.parent / "mail"
PLACEHOLDER_ADDRESS = b"reply+0-000000000000000000000000@reply.clinic.example"
PLACEHOLDER_ID = b"<176241450012.2211.9300000000000000001@reply.clinic.example>"


@pytest.fixture(autouse=True)
def _inbound_settings(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INQUIRY_ADDRESS = "care@clinic.example"
    settings.INQUIRY_AUTO_CREATE = True
    settings.INQUIRY_DEFAULT_PROCEDURE_ID = 0
    settings.INBOUND_ESP = ""
    settings.INBOUND_MAX_MESSAGE_BYTES = 2 * 1024 * 1024
    settings.INBOUND_MAX_ATTACHMENTS = 10
    settings.INBOUND_MAX_ATTACHMENT_BYTES = 1024 * 1024


def mail(name: str, *, journey: Journey | None = None, sent: Message | None = None) -> bytes:
    raw = (MAIL / name).read_bytes()
    if journey is not None:
        raw = raw.replace(PLACEHOLDER_ADDRESS, reply_address(journey.pk).encode())
    if sent is not None:
        raw = raw.replace(PLACEHOLDER_ID, sent.message_id.encode())
    return raw


def send_info_pack(journey: Journey) -> Message:
    """The check-in the patient answers: the info pack, sent now (its nudges stay pending)."""
    info = rows(journey, rule__key="inquiry_info_pack")[0]
    assert message_send_scheduled(scheduled_message_id=info.pk, now=info.due_at) == "sent"
    return Message.objects.get(scheduled_message=info)


def open_journey(
    email: str, *, language: str = "en", coordinator: User | None = None, procedure: Procedure
) -> Journey:
    patient = make_patient(email=email, full_name=email.split("@")[0], preferred_language=language)
    return journey_create(
        patient=patient,
        procedure=procedure,
        actor=coordinator,
        coordinator=coordinator,
        inquiry_received_at=timezone.now() - dt_hours(2),
    )


def dt_hours(n: int) -> Any:
    import datetime as dt

    return dt.timedelta(hours=n)


def nudges(journey: Journey) -> dict[str, tuple[str, str]]:
    return {
        r.rule.key: (r.status, r.cancelled_reason)
        for r in rows(journey)
        if r.rule.key in {"inquiry_nudge_1", "inquiry_nudge_2"}
    }


# --- Replies as real clients write them --------------------------------------------------

CLIENT_REPLIES = [
    # file, patient address, language, what the patient wrote, quoted, signature
    (
        "01-gmail-en-top-posted.eml",
        "emily.carter@example.co.uk",
        "en",
        "Could we\nbook the consultation for the week of 16 November?",
        "> Dear Emily,",
        "Best regards,\nEmily",
    ),
    (
        "02-outlook-en-top-posted.eml",
        "jobrien@example.ie",
        "en",
        "I’d like the all-on-4 option we discussed – please send the quote in euro.",
        "Sent: Tuesday, November 3, 2026 9:15 AM",
        "Kind regards\nJames O’Brien",
    ),
    (
        "03-apple-mail-iphone-de.eml",
        "anna.schmidt@example.de",
        "de",
        "Passt der 16. November für die Erstuntersuchung?",
        "> Liebe Frau Schmidt,",
        "Viele Grüße\nAnna\n\nVon meinem iPhone gesendet",
    ),
    (
        "04-gmail-es.eml",
        "lucia.fernandez@example.es",
        "es",
        "Sí, el martes 17 me viene bien.",
        "> Estimada Lucía:",
        "Un saludo,\nLucía",
    ),
    (
        "05-gmail-tr.eml",
        "mehmet.yilmaz@example.com.tr",
        "tr",
        "Kasım sonu benim için uygun",
        "> Sayın Mehmet Bey,",
        "Saygılarımla\nMehmet Yılmaz",
    ),
    (
        "06-gmail-ar.eml",
        "ahmed.almansouri@example.ae",
        "ar",
        "يناسبني موعد الاستشارة يوم الثلاثاء 17 نوفمبر",
        "> Dear Ahmed,",
        "مع خالص التحيات\nأحمد المنصوري",
    ),
    (
        "07-iphone-en-phone.eml",
        "emily.carter@example.co.uk",
        "en",
        "Is that normal?",
        "> Dear Emily,",
        "Sent from my iPhone",
    ),
    (
        "25-outlook-tr.eml",
        "mehmet.yilmaz@example.com.tr",
        "tr",
        "15 Kasım'da geliyorum, havalimanı transferi lazım.",
        "Kimden: Clinic Care",
        "",
    ),
    (
        "26-samsung-android-en.eml",
        "emily.carter@example.co.uk",
        "en",
        "Passport is fine, flight booked: BA 676 on the 15th.",
        "-------- Original message --------",
        "Sent from my Galaxy",
    ),
    (
        "31-gmail-ru.eml",
        "olga.ivanova@example.ru",
        "ru",
        "Здравствуйте! Да, 16 ноября мне подходит.",
        "> Dear Olga,",
        "",
    ),
]


@pytest.mark.parametrize(
    ("name", "address", "language", "wrote", "quoted", "signature"),
    CLIENT_REPLIES,
    ids=[c[0].removesuffix(".eml") for c in CLIENT_REPLIES],
)
def test_a_client_reply_lands_on_its_journey_and_stops_the_nudges(
    name: str,
    address: str,
    language: str,
    wrote: str,
    quoted: str,
    signature: str,
    procedure: Procedure,
    coordinator: User,
) -> None:
    journey = open_journey(address, language=language, coordinator=coordinator, procedure=procedure)
    sent = send_info_pack(journey)
    result = inbound_receive(raw=mail(name, journey=journey, sent=sent), source="test")

    assert result.outcome == "stored", result.detail
    message = Message.objects.get(pk=result.message_id)
    assert (message.journey_id, message.direction) == (journey.pk, Direction.IN)
    assert message.matched_by == MatchedBy.TOKEN
    assert message.label == InboundLabel.REPLY and message.counts_as_reply
    assert not message.sender_mismatch
    assert wrote in message.text_reply
    assert quoted in message.text_quoted and wrote not in message.text_quoted
    assert message.signature == signature
    assert nudges(journey) == {
        "inquiry_nudge_1": (Status.CANCELLED, CancelReason.REPLIED),
        "inquiry_nudge_2": (Status.CANCELLED, CancelReason.REPLIED),
    }
    journey.refresh_from_db()
    assert journey.awaiting_reply_since == message.sent_at
    assert journey.first_patient_reply_at == message.sent_at
    assert list(replies_waiting_for(coordinator)) == [journey]


def test_in_reply_to_finds_the_thread_without_the_token(
    procedure: Procedure, coordinator: User
) -> None:
    journey = open_journey("jobrien@example.ie", procedure=procedure, coordinator=coordinator)
    sent = send_info_pack(journey)
    raw = mail("08-thunderbird-inline.eml", sent=sent).replace(
        PLACEHOLDER_ADDRESS, b"care@x.example"
    )
    result = inbound_receive(raw=raw, source="test")
    message = Message.objects.get(pk=result.message_id)
    assert (message.journey_id, message.matched_by) == (journey.pk, MatchedBy.IN_REPLY_TO)
    # Inline answers: the whole text is the reply, nothing is hidden as "quoted".
    assert message.quote_style == "inline"
    assert "TK 1976, landing 14:35 on the 15th." in message.text_reply
    assert message.text_quoted == ""


def test_the_sender_finds_the_most_recent_active_journey(
    procedure: Procedure, clinic: Any, coordinator: User
) -> None:
    journey = open_journey("jobrien@example.ie", procedure=procedure, coordinator=coordinator)
    later = journey_create(
        patient=journey.patient,
        procedure=Procedure.objects.create(name="Veneers", clinic=clinic),
        actor=coordinator,
    )
    raw = (
        mail("08-thunderbird-inline.eml")
        .replace(PLACEHOLDER_ADDRESS, b"care@x.example")
        .replace(PLACEHOLDER_ID, b"<unknown@elsewhere.example>")
    )
    result = inbound_receive(raw=raw, source="test")
    assert (result.journey_id, result.matched_by) == (later.pk, MatchedBy.SENDER)


def test_a_forward_from_the_patient_is_a_reply_with_its_attachment(
    procedure: Procedure, coordinator: User
) -> None:
    journey = open_journey(
        "lucia.fernandez@example.es", procedure=procedure, coordinator=coordinator
    )
    result = inbound_receive(raw=mail("09-forwarded-flight.eml", journey=journey), source="test")
    message = Message.objects.get(pk=result.message_id)
    assert message.quote_style == "forward" and message.counts_as_reply
    assert "IB 3210" in message.text_reply
    [attachment] = message.attachments.all()
    assert (attachment.filename, attachment.content_type) == (
        "E-ticket_ABC123.pdf",
        "application/pdf",
    )
    assert attachment.file.read().startswith(b"%PDF-1.4")
    assert attachment.file.name.startswith("inbound/")


# --- Auto-replies and bounces --------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["10-out-of-office-outlook.eml", "11-out-of-office-de-subject-only.eml"]
)
def test_out_of_office_is_stored_and_labelled_but_is_no_reply(
    name: str, procedure: Procedure, coordinator: User
) -> None:
    address = "jobrien@example.ie" if "outlook" in name else "anna.schmidt@example.de"
    journey = open_journey(address, procedure=procedure, coordinator=coordinator)
    sent = send_info_pack(journey)
    result = inbound_receive(raw=mail(name, journey=journey, sent=sent), source="test")
    message = Message.objects.get(pk=result.message_id)
    assert message.journey_id == journey.pk
    assert message.label == InboundLabel.AUTO_REPLY and not message.counts_as_reply
    assert {status for status, _ in nudges(journey).values()} == {Status.PENDING}
    journey.refresh_from_db()
    assert journey.awaiting_reply_since is None and journey.first_patient_reply_at is None
    # Nor does it stop a nudge at send time.
    nudge = rows(journey, rule__key="inquiry_nudge_1")[0]
    assert message_send_scheduled(scheduled_message_id=nudge.pk, now=nudge.due_at) == "sent"


def test_a_dsn_bounce_marks_the_address_undeliverable(
    procedure: Procedure, coordinator: User
) -> None:
    journey = open_journey("anna.schmidt@example.de", procedure=procedure, coordinator=coordinator)
    sent = send_info_pack(journey)
    result = inbound_receive(raw=mail("12-dsn-bounce-postfix.eml", sent=sent), source="test")
    message = Message.objects.get(pk=result.message_id)
    assert (message.matched_by, message.label) == (MatchedBy.BOUNCED_MESSAGE, InboundLabel.BOUNCE)
    patient = Patient.objects.get(pk=journey.patient_id)
    assert patient.email_undeliverable_at is not None
    assert "5.1.1" in patient.email_undeliverable_reason
    assert nudges(journey)["inquiry_nudge_1"] == (Status.CANCELLED, CancelReason.UNDELIVERABLE)
    journey.refresh_from_db()
    assert journey.awaiting_reply_since is None


def test_a_plain_text_bounce_is_matched_by_the_failed_address(
    procedure: Procedure, coordinator: User
) -> None:
    journey = open_journey("jobrien@example.ie", procedure=procedure, coordinator=coordinator)
    result = inbound_receive(raw=mail("29-qmail-bounce.eml"), source="test")
    assert (result.journey_id, result.matched_by) == (journey.pk, MatchedBy.BOUNCED_RECIPIENT)
    assert Patient.objects.get(pk=journey.patient_id).email_undeliverable_at is not None


# --- Exactly once -----------------------------------------------------------------------------


def test_the_same_message_delivered_twice_is_stored_once(
    procedure: Procedure, coordinator: User
) -> None:
    journey = open_journey(
        "emily.carter@example.co.uk", procedure=procedure, coordinator=coordinator
    )
    raw = mail("01-gmail-en-top-posted.eml", journey=journey)
    first = inbound_receive(raw=raw, source="test")
    second = inbound_receive(raw=raw, source="test")
    assert (first.outcome, second.outcome) == ("stored", "duplicate")
    assert second.message_id == first.message_id
    assert Message.objects.filter(direction=Direction.IN).count() == 1
    assert RawEmail.objects.get(pk=second.raw_email_id).status == RawStatus.DUPLICATE
    # Without a Message-ID the bytes themselves identify the delivery.
    no_id = b"From: x@stranger.example\nTo: y@clinic.example\nSubject: hi\n\nhello\n"
    assert inbound_receive(raw=no_id, source="test").outcome == "triage"
    assert inbound_receive(raw=no_id, source="test").outcome == "duplicate"


# --- New inquiries and triage -----------------------------------------------------------------


def test_an_email_to_the_inquiry_address_from_a_stranger_opens_an_inquiry(
    procedure: Procedure, django_capture_on_commit_callbacks: Any, outbox: list[Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = inbound_receive(raw=mail("13-new-inquiry.eml"), source="test")
    assert result.outcome == "inquiry", result.detail
    journey = Journey.objects.select_related("patient").get(pk=result.journey_id)
    patient = journey.patient
    assert (patient.email, patient.full_name, patient.country) == (
        "sofia.rossi@example.it",
        "Sofia Rossi",
        "IT",
    )
    assert (patient.preferred_language, patient.source) == ("it", PatientSource.EMAIL)
    assert (journey.stage, journey.procedure_id, journey.coordinator_id) == (
        Stage.INQUIRY,
        procedure.pk,
        None,
    )
    message = Message.objects.get(pk=result.message_id)
    assert message.label == InboundLabel.INQUIRY and not message.counts_as_reply
    # The acknowledgment is claimed at once and its send task goes out right after commit.
    ack = rows(journey, rule__key="inquiry_ack")[0]
    assert ack.status == Status.CLAIMED and ack.due_at <= timezone.now()
    assert callbacks, "the send is enqueued after commit"
    assert message_send_scheduled(scheduled_message_id=ack.pk) == "sent"
    assert [m.to for m in outbox] == [["sofia.rossi@example.it"]]
    # The info pack is not stopped by the inquiry email itself.
    assert rows(journey, rule__key="inquiry_info_pack")[0].status == Status.PENDING
    assert list(replies_waiting_for(None)) == []  # nobody signed in sees nothing


def test_spam_to_the_inquiry_address_opens_no_inquiry(procedure: Procedure) -> None:
    raw = mail("13-new-inquiry.eml").replace(
        b"Subject: Informazioni",
        b"X-Spam-Flag: YES\nX-Spam-Status: Yes, score=9.1\nSubject: Informazioni",
    )
    result = inbound_receive(raw=raw, source="test")
    assert result.outcome == "triage"
    assert TriageItem.objects.get(pk=result.triage_item_id).reason.startswith("Marked as spam")
    assert not Patient.objects.exists()


def test_without_a_procedure_an_inquiry_waits_in_triage(db: None) -> None:
    result = inbound_receive(raw=mail("13-new-inquiry.eml"), source="test")
    assert result.outcome == "triage"
    item = TriageItem.objects.get(pk=result.triage_item_id)
    assert "no procedure" in item.reason


def test_unmatched_mail_goes_to_triage_and_a_coordinator_attaches_it(
    procedure: Procedure, coordinator: User
) -> None:
    journey = open_journey("travel.agent@example.org", procedure=procedure, coordinator=coordinator)
    result = inbound_receive(raw=mail("14-unmatched-stranger.eml"), source="test")
    assert result.outcome == "triage"
    item = triage_open(coordinator).get()
    assert (item.pk, item.from_email, item.status) == (
        result.triage_item_id,
        "travel.agent@example.net",
        TriageStatus.OPEN,
    )
    assert "group rate" in item.snippet

    message = triage_attach(item_id=item.pk, journey_id=journey.pk, actor=coordinator)
    assert (message.journey_id, message.matched_by) == (journey.pk, MatchedBy.TRIAGE)
    assert message.counts_as_reply and message.sender_mismatch  # a person vouched for it
    assert nudges(journey)["inquiry_nudge_1"] == (Status.CANCELLED, CancelReason.REPLIED)
    item.refresh_from_db()
    assert (item.status, item.journey_id, item.resolved_by) == (
        TriageStatus.ATTACHED,
        journey.pk,
        coordinator,
    )
    assert not triage_open(coordinator).exists()
    with pytest.raises(TriageError, match="already handled"):
        triage_attach(item_id=item.pk, journey_id=journey.pk, actor=coordinator)


def test_triage_can_create_an_inquiry_or_dismiss(procedure: Procedure, coordinator: User) -> None:
    agent = inbound_receive(raw=mail("14-unmatched-stranger.eml"), source="test")
    journey = triage_create_inquiry(
        item_id=agent.triage_item_id, procedure_id=procedure.pk, actor=coordinator
    )
    assert journey.patient.email == "travel.agent@example.net"
    assert journey.patient.full_name == "Marco Travel"
    assert rows(journey, rule__key="inquiry_ack")[0].status == Status.CLAIMED
    assert Message.objects.get(journey=journey).label == InboundLabel.INQUIRY

    newsletter = inbound_receive(raw=mail("23-newsletter.eml"), source="test")
    assert newsletter.label == InboundLabel.AUTO_REPLY  # not an inquiry, though to care@
    triage_dismiss(item_id=newsletter.triage_item_id, actor=coordinator)
    assert TriageItem.objects.get(pk=newsletter.triage_item_id).status == TriageStatus.DISMISSED

    no_sender = inbound_receive(raw=mail("17-no-from.eml"), source="test")
    with pytest.raises(TriageError, match="no sender address"):
        triage_create_inquiry(
            item_id=no_sender.triage_item_id, procedure_id=procedure.pk, actor=coordinator
        )


# --- Security ------------------------------------------------------------------------------


def test_a_token_from_another_address_is_stored_but_flagged(
    procedure: Procedure, coordinator: User
) -> None:
    journey = open_journey("anna.schmidt@example.de", procedure=procedure, coordinator=coordinator)
    result = inbound_receive(raw=mail("30-reply-from-spouse.eml", journey=journey), source="test")
    message = Message.objects.get(pk=result.message_id)
    assert (message.journey_id, message.matched_by) == (journey.pk, MatchedBy.TOKEN)
    assert message.sender_mismatch and not message.counts_as_reply
    assert "flagged" in result.detail
    # Not trusted silently: the coordinator sees it, the automation does not act on it.
    assert {status for status, _ in nudges(journey).values()} == {Status.PENDING}
    waiting = replies_waiting_for(coordinator).get()
    assert waiting == journey and waiting.latest_reply_flagged is True
    journey.refresh_from_db()
    assert journey.first_patient_reply_at is None


def test_a_forged_or_moved_token_does_not_match(procedure: Procedure, coordinator: User) -> None:
    mine = open_journey("emily.carter@example.co.uk", procedure=procedure, coordinator=coordinator)
    other = open_journey("someone@example.org", procedure=procedure, coordinator=coordinator)
    mac = reply_address(other.pk).partition("@")[0].split("-")[1]  # its signature...
    forged = f"reply+{mine.pk + 1000}-{mac}".encode()  # ...on a journey id of our choice
    raw = mail("01-gmail-en-top-posted.eml").replace(
        PLACEHOLDER_ADDRESS, forged + b"@reply.clinic.example"
    )
    result = inbound_receive(raw=raw, source="test")
    # Falls through to the sender: Emily's own journey, with a warning about the token.
    assert (result.journey_id, result.matched_by) == (mine.pk, MatchedBy.SENDER)
    assert any(
        "does not verify" in w for w in Message.objects.get(pk=result.message_id).parse_warnings
    )


def test_production_requires_the_webhook_secret(settings: Any) -> None:
    settings.DEBUG = False
    settings.ANYMAIL = {}
    errors = webhook_secret_required()
    assert [e.id for e in errors] == ["followups.E001"] and isinstance(errors[0], Error)
    settings.ANYMAIL = {"WEBHOOK_SECRET": "user:pass"}
    assert webhook_secret_required() == []
    settings.DEBUG, settings.ANYMAIL = True, {}
    assert webhook_secret_required() == []


# --- The coordinator's queue, answers, notifications --------------------------------------------


def test_the_queue_is_scoped_and_oldest_first(
    procedure: Procedure, coordinator: User, other_coordinator: User, manager: User
) -> None:
    import datetime as dt

    mine = open_journey("a@example.de", procedure=procedure, coordinator=coordinator)
    theirs = open_journey("b@example.de", procedure=procedure, coordinator=other_coordinator)
    nobody = open_journey("c@example.de", procedure=procedure)
    now = timezone.now()
    for journey, minutes in ((mine, 5), (theirs, 30), (nobody, 60)):
        Journey.objects.filter(pk=journey.pk).update(
            awaiting_reply_since=now - dt.timedelta(minutes=minutes)
        )
    assert list(replies_waiting_for(coordinator)) == [nobody, mine]
    assert list(replies_waiting_for(manager)) == [nobody, theirs, mine]
    assert list(replies_waiting_for(AnonymousUser())) == []


def test_an_answer_takes_the_journey_out_of_the_queue(
    procedure: Procedure, coordinator: User
) -> None:
    journey = open_journey(
        "emily.carter@example.co.uk", procedure=procedure, coordinator=coordinator
    )
    inbound_receive(raw=mail("01-gmail-en-top-posted.eml", journey=journey), source="test")
    assert list(replies_waiting_for(coordinator)) == [journey]
    message_send_one_off(journey_id=journey.pk, actor=coordinator, subject="Re: dates", text="Yes!")
    assert list(replies_waiting_for(coordinator)) == []

    inbound_receive(raw=mail("07-iphone-en-phone.eml", journey=journey), source="test")
    assert list(replies_waiting_for(coordinator)) == [journey]
    interaction_log(journey_id=journey.pk, kind="call", summary="Called back", by=coordinator)
    assert list(replies_waiting_for(coordinator)) == []


def test_the_coordinator_is_notified_when_they_want_it(
    procedure: Procedure, coordinator: User, other_coordinator: User, outbox: list[Any]
) -> None:
    journey = open_journey(
        "emily.carter@example.co.uk", procedure=procedure, coordinator=coordinator
    )
    result = inbound_receive(raw=mail("01-gmail-en-top-posted.eml", journey=journey), source="test")
    assert reply_notice_send(message_id=result.message_id) == 0  # off by default
    NotificationPreference.objects.create(user=coordinator, notify_on_reply=True)
    NotificationPreference.objects.create(user=other_coordinator, notify_on_reply=True)
    assert reply_notice_send(message_id=result.message_id) == 1
    [notice] = outbox
    assert notice.to == ["carmen@clinic.example"]
    assert notice.subject == f"Reply from emily.carter (journey #{journey.pk})"
    # The dashboard, never the admin (the admin is for managers only).
    assert f"/journeys/{journey.pk}/" in notice.body and "/admin/" not in notice.body
    assert "consultation" not in notice.body  # the patient's words stay in the CRM
    assert notice.alternatives and "Open the journey" in str(notice.alternatives[0][0])


# --- The pipe: receive_email -------------------------------------------------------------------


def pipe(raw: bytes, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("receive_email", *args, stdin=io.BytesIO(raw), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_end_to_end_a_reply_to_a_check_in_through_the_pipe(
    procedure: Procedure, coordinator: User
) -> None:
    journey = open_journey("anna.schmidt@example.de", procedure=procedure, coordinator=coordinator)
    bystander = open_journey("someone@example.org", procedure=procedure, coordinator=coordinator)
    sent = send_info_pack(journey)
    out, _ = pipe(
        mail("03-apple-mail-iphone-de.eml", journey=journey, sent=sent),
        "--recipient",
        reply_address(journey.pk),
    )
    assert out.startswith("stored: message #") and f"on journey #{journey.pk}" in out
    assert "2 pending messages cancelled" in out
    assert nudges(journey) == {
        "inquiry_nudge_1": (Status.CANCELLED, CancelReason.REPLIED),
        "inquiry_nudge_2": (Status.CANCELLED, CancelReason.REPLIED),
    }
    assert {status for status, _ in nudges(bystander).values()} == {Status.PENDING}
    first = replies_waiting_for(coordinator).first()
    assert first == journey and first is not None
    assert "Ihre Zahnimplantate" in (first.latest_reply_subject or "")
    raw = RawEmail.objects.get()
    assert (raw.source, raw.status, raw.envelope_recipient) == (
        "pipe",
        RawStatus.STORED,
        reply_address(journey.pk),
    )


@pytest.mark.parametrize(
    ("name", "warning"),
    [
        ("15-html-only.eml", "No plain-text part"),
        ("16-attachment-only.eml", "No text, only 1 attachment"),
        ("17-no-from.eml", "No usable From address"),
        ("18-unknown-charset.eml", "unknown charset 'x-mac-unknown'"),
        ("19-wrong-charset.eml", "text is not valid utf-8; read as cp1254"),
        ("20-malformed-mime.eml", "Malformed MIME"),
        ("22-no-headers-text.eml", "No headers at all"),
        ("27-8bit-headers.eml", "raw 8-bit bytes"),
    ],
)
def test_bad_input_is_stored_with_a_parse_warning(name: str, warning: str, db: None) -> None:
    out, err = pipe(mail(name))
    assert err == ""
    assert out.startswith(("stored:", "triage:")), out
    stored = Message.objects.first() or TriageItem.objects.get()
    assert any(warning in w for w in stored.parse_warnings), stored.parse_warnings


def test_the_text_of_bad_input_is_still_readable(procedure: Procedure, coordinator: User) -> None:
    lucia = open_journey("lucia.fernandez@example.es", procedure=procedure, coordinator=coordinator)
    mehmet = open_journey("mehmet.yilmaz@example.com.tr", procedure=procedure)
    james = open_journey("jobrien@example.ie", procedure=procedure)
    anna = open_journey("anna.schmidt@example.de", procedure=procedure)
    for name, journey, text in [
        ("18-unknown-charset.eml", lucia, "¿el hotel está incluido? Gracias, Lucía"),
        ("19-wrong-charset.eml", mehmet, "Merhaba, teşekkürler. Kasım sonu için otel"),
        ("20-malformed-mime.eml", james, "The quote looks fine."),
        ("15-html-only.eml", anna, "ich habe die Röntgenbilder gestern"),
    ]:
        result = inbound_receive(raw=mail(name, journey=journey), source="test")
        message = Message.objects.get(pk=result.message_id)
        assert message.journey_id == journey.pk, name
        assert text in message.text_reply, (name, message.text_reply)
    html = Message.objects.get(journey=anna).html
    assert "<script" not in html and "onclick" not in html and "<img" not in html
    assert "<b>Röntgenbilder</b>" in html
    [pdf] = Message.objects.get(journey=james).attachments.all()
    assert pdf.filename == "passwd_script_.pdf"


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        ((MAIL / "21-binary-blob.eml").read_bytes(), "not an email: 3,016 bytes of binary data"),
        (b"", "empty input"),
        (b"\n\n  \n", "empty input"),
    ],
)
def test_input_that_is_no_email_is_refused_with_one_line(raw: bytes, line: str, db: None) -> None:
    with pytest.raises(CommandError) as refused:
        pipe(raw)
    assert refused.value.returncode == 65
    message = str(refused.value)
    assert message.startswith("refused: ") and line in message and "\n" not in message
    kept = RawEmail.objects.get()
    assert kept.status == RawStatus.REFUSED and kept.file.read() == raw


def test_a_huge_message_is_refused_and_its_start_kept(settings: Any, db: None) -> None:
    settings.INBOUND_MAX_MESSAGE_BYTES = 1024
    raw = b"From: a@x.example\nSubject: scans\n\n" + b"x" * 5000
    with pytest.raises(CommandError) as refused:
        pipe(raw)
    assert refused.value.returncode == 65
    assert "message is 4.9 KB, over the 1.0 KB limit (INBOUND_MAX_MESSAGE_BYTES)" in str(
        refused.value
    )
    kept = RawEmail.objects.get()
    assert (kept.size, kept.truncated, kept.status) == (len(raw), True, RawStatus.REFUSED)
    assert kept.file.read() == raw[:2048]


def test_a_crash_while_reading_keeps_the_message(monkeypatch: Any, db: None) -> None:
    def broken(raw: bytes) -> None:
        raise RuntimeError("parser bug")

    monkeypatch.setattr("followups.inbound.store.parse_email", broken)
    raw = mail("01-gmail-en-top-posted.eml")
    with pytest.raises(CommandError) as failed:
        pipe(raw)
    assert failed.value.returncode == 70
    assert "RuntimeError: parser bug" in str(failed.value)
    kept = RawEmail.objects.get()
    assert kept.status == RawStatus.FAILED and kept.file.read() == raw


def test_the_database_away_asks_the_mta_to_retry(monkeypatch: Any, db: None) -> None:
    def down(**kwargs: Any) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr("followups.inbound.store.raw_email_keep", down)
    with pytest.raises(CommandError) as retry:
        pipe(mail("01-gmail-en-top-posted.eml"))
    assert retry.value.returncode == 75
    assert "retry later" in str(retry.value)


def test_attachments_beyond_the_limits_stay_in_the_raw_message(
    settings: Any, procedure: Procedure
) -> None:
    settings.INBOUND_MAX_ATTACHMENTS = 1
    settings.INBOUND_MAX_ATTACHMENT_BYTES = 100
    journey = open_journey("emily.carter@example.co.uk", procedure=procedure)
    parts = "".join(
        f"--b\nContent-Type: application/pdf\nContent-Disposition: attachment; "
        f'filename="{name}"\nContent-Transfer-Encoding: base64\n\n'
        f"{base64.b64encode(b'%PDF' + b'x' * size).decode()}\n"
        for name, size in (("small.pdf", 10), ("second.pdf", 10), ("big.pdf", 500))
    )
    raw = (
        f"From: emily.carter@example.co.uk\nTo: {reply_address(journey.pk)}\nSubject: scans\n"
        f'Message-ID: <att@example.co.uk>\nContent-Type: multipart/mixed; boundary="b"\n\n'
        f"--b\nContent-Type: text/plain\n\nMy scans.\n{parts}--b--\n"
    ).encode()
    result = inbound_receive(raw=raw, source="test")
    message = Message.objects.get(pk=result.message_id)
    assert list(message.attachments.values_list("filename", flat=True)) == ["small.pdf"]
    assert any("'second.pdf' is over the limit of 1" in w for w in message.parse_warnings)
    assert any("'big.pdf' (0.5 KB) is over the 0.1 KB limit" in w for w in message.parse_warnings)
    assert Attachment.objects.count() == 1


# --- The odd-mail corpus -----------------------------------------------------------------------

REFUSED_IN_CORPUS = {"21-binary-blob.eml", "28-empty.eml"}


def test_every_message_in_the_corpus_is_stored_or_refused_and_none_is_lost(
    procedure: Procedure, coordinator: User
) -> None:
    open_journey("emily.carter@example.co.uk", procedure=procedure, coordinator=coordinator)
    open_journey("anna.schmidt@example.de", procedure=procedure, coordinator=coordinator)
    files = sorted(str(p) for p in MAIL.glob("*.eml"))
    assert len(files) >= 30
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as summary:
        call_command("receive_email", *files, stdout=out, stderr=err)
    assert summary.value.returncode == 65
    assert str(summary.value).startswith(f"{len(REFUSED_IN_CORPUS)} of {len(files)} messages")
    stored_lines = out.getvalue().splitlines()
    refused_lines = err.getvalue().splitlines()
    assert len(stored_lines) + len(refused_lines) == len(files)
    assert {Path(line.split(": ")[0]).name for line in refused_lines} == REFUSED_IN_CORPUS
    assert all(": refused: " in line for line in refused_lines)
    for line in stored_lines:
        assert line.split(": ", 1)[1].startswith(("stored:", "new inquiry:", "triage:")), line
    # Every file's bytes are kept, whatever happened to it.
    assert RawEmail.objects.count() == len(files)
    assert set(RawEmail.objects.values_list("sha256", flat=True)) == {
        hashlib.sha256(Path(f).read_bytes()).hexdigest() for f in files
    }
    assert not RawEmail.objects.filter(status__in=[RawStatus.RECEIVED, RawStatus.FAILED]).exists()


# --- The webhook: anymail's own parsing, two ESPs ------------------------------------------------


@pytest.fixture
def webhook_secret(settings: Any) -> None:
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret", "MAILGUN_WEBHOOK_SIGNING_KEY": "mg-key"}


def basic_auth() -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"hook:secret").decode()}


def process_received() -> list[str]:
    """What the worker does after a webhook answered: process every kept raw email."""
    return [
        result.outcome if result else "claimed elsewhere"
        for pk in RawEmail.objects.filter(status=RawStatus.RECEIVED).values_list("pk", flat=True)
        for result in [raw_email_process(raw_email_id=pk)]
    ]


def mailgun_signature() -> dict[str, str]:
    timestamp, token = "1762167737", "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0"
    signature = hmac.new(b"mg-key", f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {"timestamp": timestamp, "token": token, "signature": signature}


def test_mailgun_inbound_fully_parsed(
    client: Client, webhook_secret: None, settings: Any, procedure: Procedure, coordinator: User
) -> None:
    settings.INBOUND_ESP = "mailgun"  # only the configured ESP's webhook is mounted
    journey = open_journey(
        "lucia.fernandez@example.es", procedure=procedure, coordinator=coordinator
    )
    sent = send_info_pack(journey)
    address = reply_address(journey.pk)
    headers = [
        ["Received", "by mxa.mailgun.example with SMTP id 1234"],
        ["From", "Lucía Fernández <lucia.fernandez@example.es>"],
        ["To", f"Clinic Care <{address}>"],
        ["Subject", "Re: Información sobre sus implantes dentales"],
        ["Date", "Tue, 3 Nov 2026 13:05:31 +0100"],
        ["Message-Id", "<CAJh7pX0Lq+mailgun@mail.gmail.example>"],
        ["In-Reply-To", sent.message_id],
        ["Mime-Version", "1.0"],
    ]
    body = (
        "Sí, el martes 17 me viene bien.\n\nEl mar, 3 nov 2026 a las 10:15, Clinic Care "
        f"(<{address}>) escribió:\n> Estimada Lucía:\n"
    )
    data = {
        "recipient": address,
        "sender": "lucia.fernandez@example.es",
        "from": "Lucía Fernández <lucia.fernandez@example.es>",
        "subject": "Re: Información sobre sus implantes dentales",
        "body-plain": body,
        "stripped-text": "Sí, el martes 17 me viene bien.",
        "message-headers": json.dumps(headers),
        **mailgun_signature(),
    }
    response = client.post("/anymail/mailgun/inbound/", data=data, **basic_auth())
    assert response.status_code == 200
    assert RawEmail.objects.get().status == RawStatus.RECEIVED  # answered before processing
    assert process_received() == ["stored"]
    message = Message.objects.get(direction=Direction.IN)
    assert (message.journey_id, message.matched_by) == (journey.pk, MatchedBy.TOKEN)
    assert message.text_reply == "Sí, el martes 17 me viene bien."
    assert message.from_name == "Lucía Fernández"
    assert RawEmail.objects.get().source == "webhook:mailgun"
    # The ESP retries: answered 200, stored once.
    again = client.post("/anymail/mailgun/inbound/", data=data, **basic_auth())
    assert again.status_code == 200
    assert process_received() == ["duplicate"]
    assert Message.objects.filter(direction=Direction.IN).count() == 1


def test_mailgun_inbound_raw_mime_and_a_bad_signature(
    client: Client, webhook_secret: None, settings: Any, procedure: Procedure, coordinator: User
) -> None:
    settings.INBOUND_ESP = "mailgun"  # only the configured ESP's webhook is mounted
    journey = open_journey(
        "emily.carter@example.co.uk", procedure=procedure, coordinator=coordinator
    )
    raw = mail("01-gmail-en-top-posted.eml", journey=journey).decode()
    data = {"body-mime": raw, "recipient": reply_address(journey.pk), **mailgun_signature()}
    response = client.post("/anymail/mailgun/inbound_mime/", data=data, **basic_auth())
    assert response.status_code == 200
    assert process_received() == ["stored"]
    assert RawEmail.objects.get().file.read() == raw.encode()  # Mailgun's bytes, as they came
    assert Message.objects.get(direction=Direction.IN).journey_id == journey.pk
    forged = {**data, "signature": "0" * 64}
    assert (
        client.post("/anymail/mailgun/inbound_mime/", data=forged, **basic_auth()).status_code
        == 400
    )


def postmark_payload(journey: Journey, sent: Message, **extra: Any) -> dict[str, Any]:
    address = reply_address(journey.pk)
    return {
        "FromName": "James O'Brien",
        "MessageStream": "inbound",
        "From": "jobrien@example.ie",
        "FromFull": {"Email": "jobrien@example.ie", "Name": "James O'Brien", "MailboxHash": ""},
        "To": f"Clinic Care <{address}>",
        "ToFull": [{"Email": address, "Name": "Clinic Care", "MailboxHash": ""}],
        "Cc": "",
        "CcFull": [],
        "OriginalRecipient": address,
        "Subject": "RE: Your dental implants information pack",
        "MessageID": "22c74902-a0c1-4511-804f-341342852c90",
        "ReplyTo": "",
        "MailboxHash": "",
        "Date": "Wed, 4 Nov 2026 08:41:49 +0000",
        "TextBody": "Yes, the 16th suits me.\n\nFrom: Clinic Care <x@y.example>\n"
        "Sent: Tuesday, November 3, 2026 9:15 AM\nTo: James\nSubject: pack\n\nDear James\n",
        "HtmlBody": "<p>Yes, the 16th suits me.</p><script>alert(1)</script>",
        "StrippedTextReply": "Yes, the 16th suits me.",
        "Tag": "",
        "Headers": [
            {"Name": "Return-Path", "Value": "<jobrien@example.ie>"},
            {"Name": "X-Spam-Status", "Value": "No"},
            {"Name": "Message-ID", "Value": "<AM6PR05MB6120-postmark@outlook.example>"},
            {"Name": "In-Reply-To", "Value": sent.message_id},
        ],
        "Attachments": [
            {
                "Name": "passport scan.pdf",
                "Content": base64.b64encode(b"%PDF-1.4 scan").decode(),
                "ContentType": "application/pdf",
                "ContentLength": 13,
            }
        ],
        **extra,
    }


def test_postmark_inbound_parsed_json(
    client: Client, webhook_secret: None, settings: Any, procedure: Procedure, coordinator: User
) -> None:
    settings.INBOUND_ESP = "postmark"  # only the configured ESP's webhook is mounted
    journey = open_journey("jobrien@example.ie", procedure=procedure, coordinator=coordinator)
    sent = send_info_pack(journey)
    payload = postmark_payload(journey, sent)
    response = client.post(
        "/anymail/postmark/inbound/",
        data=json.dumps(payload),
        content_type="application/json",
        **basic_auth(),
    )
    assert response.status_code == 200
    assert process_received() == ["stored"]
    message = Message.objects.get(direction=Direction.IN)
    assert message.journey_id == journey.pk and message.counts_as_reply
    assert message.text_reply == "Yes, the 16th suits me."
    assert "<script" not in message.html
    assert message.attachments.get().filename == "passport_scan.pdf"
    assert nudges(journey)["inquiry_nudge_1"] == (Status.CANCELLED, CancelReason.REPLIED)
    raw = RawEmail.objects.get()
    assert (raw.source, raw.envelope_recipient) == ("webhook:postmark", reply_address(journey.pk))


def test_postmark_inbound_with_raw_email_and_the_doors_it_keeps_shut(
    client: Client, webhook_secret: None, settings: Any, procedure: Procedure
) -> None:
    journey = open_journey("emily.carter@example.co.uk", procedure=procedure)
    sent = send_info_pack(journey)
    raw = mail("07-iphone-en-phone.eml", journey=journey, sent=sent).decode()
    payload = json.dumps(postmark_payload(journey, sent, RawEmail=raw))
    # Another ESP than the configured one: not even mounted.
    settings.INBOUND_ESP = "mailgun"
    assert (
        client.post(
            "/anymail/postmark/inbound/",
            data=payload,
            content_type="application/json",
            **basic_auth(),
        )
    ).status_code == 404
    settings.INBOUND_ESP = "postmark"
    # No credentials: refused before the body is read.
    assert (
        client.post("/anymail/postmark/inbound/", data=payload, content_type="application/json")
    ).status_code == 401
    assert not RawEmail.objects.exists()
    response = client.post(
        "/anymail/postmark/inbound/", data=payload, content_type="application/json", **basic_auth()
    )
    assert response.status_code == 200
    assert process_received() == ["stored"]
    message = Message.objects.get(direction=Direction.IN)
    assert "Is that normal?" in message.text_reply and message.signature == "Sent from my iPhone"


# --- Admin: usable before the dashboard lands ---------------------------------------------------


def test_the_admin_resolves_triage_and_serves_attachments_as_downloads(
    client: Client, procedure: Procedure, coordinator: User, manager: User
) -> None:
    journey = open_journey(
        "lucia.fernandez@example.es", procedure=procedure, coordinator=coordinator
    )
    client.force_login(manager)
    item = TriageItem.objects.get(
        pk=inbound_receive(raw=mail("14-unmatched-stranger.eml"), source="test").triage_item_id
    )
    page = client.get(f"/admin/followups/triageitem/{item.pk}/resolve/")
    assert page.status_code == 200 and "group rate" in page.content.decode()
    response = client.post(
        f"/admin/followups/triageitem/{item.pk}/resolve/", {"journey": journey.pk}
    )
    assert response.status_code == 302
    assert TriageItem.objects.get(pk=item.pk).status == TriageStatus.ATTACHED

    forward = inbound_receive(raw=mail("09-forwarded-flight.eml", journey=journey), source="test")
    attachment = Message.objects.get(pk=forward.message_id).attachments.get()
    download = client.get(f"/admin/followups/message/attachment/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment;")
    assert client.get(f"/admin/followups/message/{forward.message_id}/change/").status_code == 200
    assert client.get("/admin/followups/rawemail/").status_code == 200
    client.logout()
    assert client.get(f"/admin/followups/message/attachment/{attachment.pk}/").status_code == 302


def test_lost_journeys_still_receive_replies(procedure: Procedure, coordinator: User) -> None:
    from journeys.services import journey_move

    journey = open_journey(
        "emily.carter@example.co.uk", procedure=procedure, coordinator=coordinator
    )
    journey_move(journey_id=journey.pk, target="lost", actor=coordinator, lost_reason="no_reply")
    result = inbound_receive(raw=mail("01-gmail-en-top-posted.eml", journey=journey), source="test")
    assert result.journey_id == journey.pk
    assert Journey.objects.get(pk=journey.pk).outcome == Outcome.LOST
    assert list(replies_waiting_for(coordinator)) == [journey]
    assert ScheduledMessage.objects.filter(journey=journey, status=Status.PENDING).count() == 0


def test_each_person_keeps_their_own_notification_preference(
    client: Client, coordinator: User, other_coordinator: User, manager: User
) -> None:
    NotificationPreference.objects.create(user=other_coordinator, notify_on_reply=True)
    client.force_login(coordinator)
    # Coordinators set their own in the dashboard (the admin is not theirs).
    assert client.get("/admin/followups/notificationpreference/").status_code == 302
    page = client.get("/settings/")
    assert page.status_code == 200 and "omar" not in page.content.decode()
    assert client.post("/settings/", {"notify_on_reply": "on"}).status_code == 302
    mine = NotificationPreference.objects.get(user=coordinator)
    assert mine.notify_on_reply
    client.post("/settings/", {})
    mine.refresh_from_db()
    assert not mine.notify_on_reply
    assert NotificationPreference.objects.get(user=other_coordinator).notify_on_reply
    client.force_login(manager)
    assert "omar" in client.get("/admin/followups/notificationpreference/").content.decode()


def test_the_triage_admin_pages_render(client: Client, manager: User, db: None) -> None:
    result = inbound_receive(raw=mail("15-html-only.eml"), source="test")
    client.force_login(manager)
    assert client.get("/admin/followups/triageitem/").status_code == 200
    page = client.get(f"/admin/followups/triageitem/{result.triage_item_id}/change/")
    assert page.status_code == 200 and "Attach or create inquiry" in page.content.decode()
    raw = client.get(f"/admin/followups/rawemail/{result.raw_email_id}/download/")
    assert raw.status_code == 200 and raw["Content-Type"] == "application/octet-stream"


def test_a_manager_processes_a_failed_email_again(
    client: Client, monkeypatch: Any, manager: User, procedure: Procedure
) -> None:
    journey = open_journey("emily.carter@example.co.uk", procedure=procedure)
    raw = mail("01-gmail-en-top-posted.eml", journey=journey)
    with monkeypatch.context() as patched:
        patched.setattr(
            "followups.inbound.store.parse_email",
            lambda raw: (_ for _ in ()).throw(RuntimeError("parser bug")),
        )
        failed = inbound_receive(raw=raw, source="test")
    assert failed.outcome == "failed"
    client.force_login(manager)
    response = client.post(
        "/admin/followups/rawemail/",
        {"action": "process_again", "_selected_action": [failed.raw_email_id]},
    )
    assert response.status_code == 302
    assert RawEmail.objects.get(pk=failed.raw_email_id).status == RawStatus.STORED
    assert Message.objects.get(direction=Direction.IN).journey_id == journey.pk
