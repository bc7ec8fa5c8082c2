"""Inbound mail of any shape is kept and processed (issue 10), forged senders cancel
nothing and attacker text is not written back (issue 11): through `receive_email`, the
worker's service (claims, the reaper, the failed state) and what people see."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core import mail as django_mail
from django.db.models import F
from django.test import Client

from crm.models import Procedure
from followups import tasks
from followups.inbound.store import inbound_receive, raw_email_process, raw_emails_reap
from followups.models import (
    CancelReason,
    Direction,
    MatchedBy,
    Message,
    RawEmail,
    RawStatus,
    Status,
    TriageItem,
)
from followups.services import message_send_scheduled
from followups.tokens import reply_address
from journeys.models import Journey

from ..conftest import rows
from .hostile import (
    deep_multipart,
    folded_subject,
    hang_guard,
    headers,
    long_sender,
    many_lines,
    nested_divs,
    with_nul,
)
from .test_store import nudges, open_journey, pipe

pytestmark = pytest.mark.django_db

OURS = "mx.clinic.example"


@pytest.fixture(autouse=True)
def _inbound_settings(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INQUIRY_ADDRESS = "care@clinic.example"
    settings.INQUIRY_AUTO_CREATE = True
    settings.INQUIRY_DEFAULT_PROCEDURE_ID = 0
    settings.INBOUND_ESP = ""
    settings.INBOUND_MAX_MESSAGE_BYTES = 25 * 1024 * 1024
    settings.INBOUND_CLAIM_TIMEOUT = 300
    settings.INBOUND_MAX_ATTEMPTS = 3
    settings.INBOUND_AUTHSERV_ID = OURS
    settings.INBOUND_REQUIRE_AUTH = False


@pytest.fixture
def journey(procedure: Procedure, coordinator: User) -> Journey:
    return open_journey("anna@example.de", procedure=procedure, coordinator=coordinator)


# --- Any shape, through the pipe ------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        many_lines,
        folded_subject,
        nested_divs,
        lambda **kw: deep_multipart(500, **kw),
        lambda **kw: deep_multipart(1000, **kw),
    ],
    ids=["40k-lines", "folded-subject", "nested-divs", "500-deep", "1000-deep"],
)
def test_hostile_mail_through_the_pipe_lands_on_its_journey(make: Any, journey: Journey) -> None:
    # 40,000 lines took 49 s; nested divs over 180 s; 1,000-deep raised RecursionError.
    with hang_guard():
        out, err = pipe(make())
    assert out.startswith("stored: message #"), (out, err)
    message = Message.objects.get(direction=Direction.IN)
    assert (message.journey_id, message.matched_by) == (journey.pk, MatchedBy.SENDER)
    assert RawEmail.objects.get().status == RawStatus.STORED


def test_nul_characters_no_longer_fail_the_message(journey: Journey) -> None:
    # PostgreSQL refused the NULs (DataError): the message failed.
    out, _ = pipe(with_nul())
    assert out.startswith("stored:"), out
    message = Message.objects.get(direction=Direction.IN)
    assert message.subject == "Hello there" and message.text_reply == "My reply."
    assert message.attachments.get().original_filename == "scan.pdf"
    assert any("NUL characters were removed" in w for w in message.parse_warnings)


def test_an_over_long_sender_address_goes_to_triage_with_a_warning(db: None) -> None:
    out, _ = pipe(long_sender())
    assert out.startswith("triage:"), out
    item = TriageItem.objects.get()
    assert item.from_email == ""
    assert any("No usable From address" in w for w in item.parse_warnings)


def test_an_over_long_sender_to_the_inquiry_address_opens_no_patient(
    procedure: Procedure,
) -> None:
    # The Patient row (email max 254) raised DataError.
    result = inbound_receive(raw=long_sender(to="care@clinic.example"), source="test")
    assert result.outcome == "triage", result.detail


# --- Claimed once, retried by the reaper, failed for a person ---------------------------------


def kept(raw: bytes) -> int:
    result = inbound_receive(raw=raw, source="webhook:test", defer=True)
    assert result.outcome == "received"
    assert result.raw_email_id is not None
    return result.raw_email_id


def test_a_kept_email_is_processed_once(journey: Journey) -> None:
    pk = kept(many_lines(count=3))
    first = raw_email_process(raw_email_id=pk)
    assert first is not None and first.outcome == "stored"
    assert raw_email_process(raw_email_id=pk) is None  # a redelivered task: a no-op
    tasks.process_raw_email(pk)
    assert Message.objects.filter(direction=Direction.IN).count() == 1
    assert RawEmail.objects.get(pk=pk).attempts == 1


def age(pk: int, *, created: int = 0, claimed: int | None = None, attempts: int = 0) -> None:
    """Make a kept row look `created`/`claimed` seconds old (the reaper uses the
    database's clock)."""
    changes: dict[str, Any] = {"attempts": attempts}
    changes["created_at"] = F("created_at") - dt.timedelta(seconds=created)
    if claimed is not None:
        changes["claimed_at"] = F("created_at") - dt.timedelta(seconds=claimed)
    RawEmail.objects.filter(pk=pk).update(**changes)


def test_the_reaper_enqueues_lost_and_stuck_emails_and_fails_hopeless_ones(
    journey: Journey, monkeypatch: Any
) -> None:
    enqueued: list[int] = []
    monkeypatch.setattr(
        tasks.process_raw_email, "apply_async", lambda args, **kw: enqueued.append(args[0])
    )
    fresh = kept(many_lines(count=3, message_id="<fresh@example.de>"))
    lost = kept(many_lines(count=3, message_id="<lost@example.de>"))
    stuck = kept(many_lines(count=3, message_id="<stuck@example.de>"))
    hopeless = kept(many_lines(count=3, message_id="<hopeless@example.de>"))
    age(lost, created=120)  # its enqueue never reached the broker
    age(stuck, created=900, claimed=600, attempts=1)  # its worker died
    age(hopeless, created=3600, claimed=600, attempts=3)  # died three times
    assert raw_emails_reap() == (2, 1)
    assert sorted(enqueued) == sorted([lost, stuck])  # not the fresh one, still on its way
    failed = RawEmail.objects.get(pk=hopeless)
    assert failed.status == RawStatus.FAILED and "gave up after 3 attempts" in failed.detail
    # The worker takes the stuck one again although it is still marked claimed.
    again = raw_email_process(raw_email_id=stuck)
    assert again is not None and again.outcome == "stored"
    assert RawEmail.objects.get(pk=fresh).status == RawStatus.RECEIVED
    entry = django_settings.CELERY_BEAT_SCHEDULE["followups-inbound-reap"]
    assert entry["task"] == "followups.tasks.inbound_reap" and entry["schedule"] == 60.0


def test_a_nul_in_the_envelope_is_kept_without_it(journey: Journey) -> None:
    result = inbound_receive(
        raw=many_lines(count=3), source="pipe", envelope_sender="anna\x00@example.de"
    )
    assert result.outcome == "stored"
    assert RawEmail.objects.get().envelope_sender == "anna@example.de"


def test_failed_inbound_mail_shows_to_managers(
    client: Client, manager: User, coordinator: User, journey: Journey
) -> None:
    pk = kept(many_lines(count=3))
    age(pk, created=3600, claimed=600, attempts=3)
    raw_emails_reap()
    client.force_login(manager)
    page = client.get("/inbox/").content.decode()
    assert "1 email could not be processed" in page
    admin = client.get("/admin/followups/rawemail/?status__exact=failed").content.decode()
    assert "gave up after 3 attempts" in admin
    client.force_login(coordinator)
    assert "could not be processed" not in client.get("/inbox/").content.decode()


# --- Forged senders (issue 11, hole 4) ---------------------------------------------------------


def forged(result: str, **kw: str) -> bytes:
    auth = f"Authentication-Results: {OURS}; {result}\r\n".encode()
    return headers(sender="Anna <anna@example.de>", extra=auth, **kw) + b"\r\nCancel it all.\r\n"


def test_a_forged_sender_cancels_nothing_and_waits_in_triage(journey: Journey) -> None:
    before = nudges(journey)
    out, _ = pipe(forged("spf=fail smtp.mailfrom=anna@example.de; dmarc=fail"))
    assert out.startswith("triage:"), out
    item = TriageItem.objects.get()
    assert "did not pass authentication" in item.reason and "possibly forged" in item.reason
    assert item.sender_patient_id == journey.patient_id
    assert nudges(journey) == before and not Message.objects.filter(direction=Direction.IN)
    assert Journey.objects.get(pk=journey.pk).awaiting_reply_since is None


def test_a_forger_cannot_vouch_for_himself_below_our_header(journey: Journey) -> None:
    # Headers that came with the message sit below the one our MTA added on top, even one
    # written in our MTA's name: only the top-most of ours is read.
    extra = (
        f"Authentication-Results: {OURS}; dmarc=fail\r\n"
        f"Authentication-Results: {OURS}; dmarc=pass\r\n"
        "Authentication-Results: mx.evil.example; dmarc=pass\r\n"
    ).encode()
    raw = headers(sender="anna@example.de", extra=extra) + b"\r\nCancel it all.\r\n"
    assert pipe(raw)[0].startswith("triage:")


def test_an_authenticated_sender_still_matches(journey: Journey) -> None:
    out, _ = pipe(forged("dmarc=pass header.from=example.de"))
    assert out.startswith("stored:"), out
    assert nudges(journey)["inquiry_nudge_1"] == (Status.CANCELLED, CancelReason.REPLIED)


def test_a_token_or_thread_match_needs_no_authentication(journey: Journey) -> None:
    out, _ = pipe(forged("dmarc=fail", to=reply_address(journey.pk)))
    assert out.startswith("stored:") and "reply address" in out, out


def test_when_authentication_is_required_a_missing_verdict_is_not_enough(
    journey: Journey, settings: Any
) -> None:
    settings.INBOUND_REQUIRE_AUTH = True
    plain = headers(sender="anna@example.de") + b"\r\nCancel it all.\r\n"
    assert pipe(plain)[0].startswith("triage:")
    assert pipe(forged("dkim=pass header.d=example.de", message_id="<ok@example.de>"))[
        0
    ].startswith("stored:")


def test_a_stranger_failing_authentication_opens_no_inquiry(procedure: Procedure) -> None:
    raw = headers(
        sender="someone@example.it",
        extra=f"Authentication-Results: {OURS}; dmarc=fail\r\n".encode(),
    )
    result = inbound_receive(raw=raw + b"\r\nHello\r\n", source="test")
    assert result.outcome == "triage" and not Journey.objects.exists()


# --- Attacker text in our acknowledgment (issue 11, hole 6) -----------------------------------


def test_a_link_in_the_senders_name_does_not_come_back_in_our_acknowledgment(
    procedure: Procedure, django_capture_on_commit_callbacks: Any
) -> None:
    raw = (
        headers(
            sender='"Claim your prize at https://evil.example/win" <sofia@example.it>',
            message_id="<prize@example.it>",
        )
        + b"\r\nBuongiorno, vorrei informazioni.\r\n"
    )
    with django_capture_on_commit_callbacks(execute=False):
        result = inbound_receive(raw=raw, source="test")
    assert result.outcome == "inquiry", result.detail
    journey = Journey.objects.select_related("patient").get(pk=result.journey_id)
    assert "evil" not in journey.patient.full_name and "http" not in journey.patient.full_name
    ack = rows(journey, rule__key="inquiry_ack")[0]
    assert message_send_scheduled(scheduled_message_id=ack.pk) == "sent"
    sent = django_mail.outbox[-1]
    assert "evil.example" not in sent.subject and "evil.example" not in sent.body
