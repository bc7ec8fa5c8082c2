"""Step 4, store and act. Inbound email: every write for mail that patients (and strangers) send us.

Two doors, one service: anymail's inbound webhook (followups.receivers) and
`manage.py receive_email` (an MTA pipe, or an operator) both call `inbound_receive`.

1. **Keep the bytes.** The raw message is written to MEDIA_ROOT/inbound/raw/ and a
   RawEmail row is committed before anything parses it. A crash, a parser bug or a
   refusal later still leaves the message for a person to look at.
2. **Read it** (followups.inbound.parse_email): never raises; problems become warnings;
   input that is no email (binary, empty, too big) is refused with one line.
3. **Match it**, in order: the signed token in a reply+<token>@ recipient address; our
   Message-IDs in In-Reply-To / References (for a bounce: the returned message's ID,
   then the failed address); the sender's address against patients (their most recent
   active journey). Unknown senders writing to INQUIRY_ADDRESS become a new patient and
   inquiry. Everything else goes to the triage inbox. Nothing is dropped.
4. **Store it once**: the Message-ID is unique, so a second delivery is reported as a
   duplicate (the webhook still answers 200).
5. **Act on it** in the same transaction: a real reply cancels the pending messages that
   stop on a reply, puts the journey in the coordinator's queue and records the first
   patient reply; a bounce marks the address undeliverable; auto-replies are only stored.
   The coordinator's notification email goes out after commit.
"""

from __future__ import annotations

import datetime as dt
import email.encoders
import logging
import re
import uuid
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Q
from django.db.models.functions import Now
from django.utils import timezone

from audit.models import Action
from audit.services import audit_record, changes_between, snapshot
from crm.models import Patient, PatientSource, Procedure
from crm.services import PATIENT_EDITABLE, normalize_email
from crm.timezones import zone_for_offset
from followups import hooks
from followups.inbound.classify import guess_language
from followups.inbound.match import match_message, patient_by_email
from followups.inbound.mime import Label, ParsedEmail
from followups.inbound.parse import human_size, parse_email
from followups.models import (
    Attachment,
    Direction,
    InboundLabel,
    MatchedBy,
    Message,
    MessageStatus,
    RawEmail,
    RawStatus,
    TriageItem,
)
from followups.services import FollowupError, messages_cancel_on_reply, patient_mark_undeliverable
from followups.tasks import notify_reply, process_raw_email
from journeys.models import Journey
from journeys.services import JourneyError, inquiry_open, journey_mark_waiting

if TYPE_CHECKING:
    from crm.roles import Actor
    from followups.inbound.webhook import EspPost

log = logging.getLogger(__name__)

# What inbound_receive reports (InboundResult.outcome).
STORED = "stored"
INQUIRY = "inquiry"
TRIAGE = "triage"
DUPLICATE = "duplicate"
RECEIVED = "received"  # kept; a worker processes it (the webhook)
REFUSED = "refused"
FAILED = "failed"


class TriageError(FollowupError):
    """A triage action was refused; the message is meant for the person who asked."""


@dataclass
class InboundResult:
    """What happened to one received email; `detail` is the one line to show or log."""

    outcome: str
    detail: str
    raw_email_id: int | None = None
    message_id: int | None = None  # the Message row (not the Message-ID header)
    journey_id: int | None = None
    triage_item_id: int | None = None
    matched_by: str = ""
    label: str = ""
    cancelled: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        """Stored somewhere a person will see it (or already was): not refused, not failed."""
        return self.outcome not in {REFUSED, FAILED}


# --- The door ----------------------------------------------------------------------------


def inbound_receive(
    *,
    raw: bytes | None = None,
    anymail_message: Any = None,
    source: str,
    envelope_sender: str = "",
    envelope_recipient: str = "",
    size: int | None = None,
    truncated: bool = False,
    received_at: dt.datetime | None = None,
    spam: bool = False,
    defer: bool = False,
) -> InboundResult:
    """Receive one email: raw RFC 5322 bytes (the pipe) or an AnymailInboundMessage (the
    webhook). The bytes are kept (file + committed RawEmail row) before anything reads
    them. Then, with `defer` (the webhook: answer the ESP at once), a worker processes
    the row (`raw_email_process`, enqueued on commit; the reaper catches a lost enqueue)
    and the result says "received"; without it (the pipe) it is processed here, by the
    same service. Raises only DatabaseError (the database is away: the caller tells the
    MTA/ESP to retry, which still has the message).

    `size`/`truncated`: the pipe reads at most 2 x INBOUND_MAX_MESSAGE_BYTES and passes
    the full size it saw, so an oversized message is refused but its start is kept.
    """
    if (raw is None) == (anymail_message is None):
        raise ValueError("Pass exactly one of raw= or anymail_message=.")
    received_at = received_at or timezone.now()
    if anymail_message is not None:
        raw = anymail_bytes(anymail_message)
        envelope_sender = envelope_sender or str(anymail_message.envelope_sender or "")
        envelope_recipient = envelope_recipient or str(anymail_message.envelope_recipient or "")
        spam = spam or bool(getattr(anymail_message, "spam_detected", False))
    assert raw is not None
    raw_email = raw_email_keep(
        raw=raw,
        source=source,
        envelope_sender=envelope_sender,
        envelope_recipient=envelope_recipient,
        received_at=received_at,
        size=size if size is not None else len(raw),
        truncated=truncated,
        spam=spam,
    )
    if defer:
        transaction.on_commit(partial(_enqueue_processing, raw_email.pk))
        return InboundResult(
            outcome=RECEIVED,
            detail=f"received: raw email #{raw_email.pk}, processed by a worker",
            raw_email_id=raw_email.pk,
        )
    result = raw_email_process(raw_email_id=raw_email.pk, raw=raw)
    assert result is not None  # a row we just kept is never claimed by anyone else
    return result


def inbound_receive_webhook(
    *, anymail_message: Any, esp: str, esp_post: EspPost | None = None
) -> InboundResult:
    """The webhook's door: keep the message and let a worker process it. The ESP's own
    raw MIME is kept when its post carried one (`esp_post`, from the request); else the
    message anymail built from the ESP's fields. If that cannot be written out, the
    ESP's post itself is kept, marked failed for a person."""
    source = f"webhook:{esp}"
    raw = esp_post.raw_mime if esp_post is not None else None
    if raw is None:
        try:
            raw = anymail_bytes(anymail_message)
        except ValueError as exc:
            return inbound_keep_esp_post(
                esp=esp,
                payload=esp_post.payload if esp_post is not None else b"",
                raw_mime=None,
                reason=str(exc),
            )
    return inbound_receive(
        raw=raw,
        source=source,
        envelope_sender=str(anymail_message.envelope_sender or ""),
        envelope_recipient=str(anymail_message.envelope_recipient or ""),
        spam=bool(getattr(anymail_message, "spam_detected", False)),
        defer=True,
    )


def inbound_keep_esp_post(
    *, esp: str, payload: bytes, raw_mime: bytes | None, reason: str
) -> InboundResult:
    """An authenticated post anymail could not read: its raw MIME goes the usual way (our
    parser reads what anymail's cannot); without one the post itself is kept, failed."""
    if raw_mime:
        return inbound_receive(raw=raw_mime, source=f"webhook:{esp}", defer=True)
    raw_email = raw_email_keep(
        raw=payload,
        source=f"webhook:{esp}",
        received_at=timezone.now(),
        status=RawStatus.FAILED,
        detail=f"failed: {reason}; the ESP's post is kept as it came, for a person to look at",
    )
    return InboundResult(outcome=FAILED, detail=raw_email.detail, raw_email_id=raw_email.pk)


def _enqueue_processing(raw_email_pk: int) -> None:
    """After commit. A lost enqueue (the broker is down) is not lost mail: the reaper
    finds the unclaimed row and enqueues it again."""
    try:
        process_raw_email.apply_async((raw_email_pk,), retry=False)
    except Exception:  # noqa: BLE001
        log.warning("Broker unavailable: raw email %d waits for the reaper.", raw_email_pk)


def anymail_bytes(message: Any) -> bytes:
    """The bytes of an AnymailInboundMessage: the ESP's raw MIME when it sent one, else
    the message anymail rebuilt from the ESP's parsed fields. Headers are written back
    as they came (no refolding: a megabyte of folded Subject costs a copy, not minutes).
    Raises ValueError when it cannot be written at all (MIME nested too deep for the
    recursive generator): the caller keeps the ESP's post instead."""
    _base64_binary_parts(message)
    policy = getattr(message, "policy", None)
    clone = getattr(policy, "clone", None)
    kwargs: dict[str, Any] = {}
    if clone is not None:
        try:
            kwargs["policy"] = clone(refold_source="none", max_line_length=0)
        except TypeError:  # a compat32 policy has no refold_source
            kwargs["policy"] = clone(max_line_length=0)
    for serialize in (
        lambda: message.as_bytes(**kwargs),
        lambda: message.as_string(**kwargs).encode("utf-8", "surrogateescape"),
    ):
        try:
            return bytes(serialize())
        except Exception:  # noqa: BLE001, S112 - try the next way; never lose the mail
            continue
    raise ValueError("the ESP's message could not be written out as MIME")


def _base64_binary_parts(message: Any) -> None:
    """anymail builds the attachments of parsed-field ESPs (Postmark JSON, Mailgun's
    fully-parsed post) with raw bytes and no transfer encoding; written out as they are,
    line endings inside the photo are rewritten. Encode such parts as base64 first.
    (Its own stack: the stdlib's walk() recurses once per level.)"""
    stack = [message]
    while stack:
        part = stack.pop()
        payload = part.get_payload()
        if isinstance(payload, list):
            stack.extend(p for p in payload if hasattr(p, "get_payload"))
        elif part.get_content_maintype() not in {"text", "multipart", "message"} and str(
            part.get("Content-Transfer-Encoding", "")
        ).strip().lower() not in {"base64", "quoted-printable"}:
            # set_payload(bytes) keeps them as surrogate-escaped text: back to bytes.
            del part["Content-Transfer-Encoding"]
            email.encoders.encode_base64(part)


def raw_email_keep(
    *,
    raw: bytes,
    source: str,
    envelope_sender: str = "",
    envelope_recipient: str = "",
    received_at: dt.datetime,
    size: int | None = None,
    truncated: bool = False,
    spam: bool = False,
    status: str = RawStatus.RECEIVED,
    detail: str = "",
) -> RawEmail:
    """Write the bytes to storage and commit their row, before anything reads them. If
    the database refuses, the file is removed again and the error goes up: the MTA or
    ESP still holds the message and retries."""
    import hashlib

    raw_email = RawEmail(
        size=size if size is not None else len(raw),
        truncated=truncated,
        sha256=hashlib.sha256(raw).hexdigest(),
        # PostgreSQL stores no NUL; an ESP's envelope field is the sender's to write.
        source=source.replace("\x00", "")[:40],
        envelope_sender=envelope_sender.replace("\x00", "").strip()[:320],
        envelope_recipient=envelope_recipient.replace("\x00", "").strip()[:320],
        received_at=received_at,
        spam=spam,
        status=status,
        detail=detail.replace("\x00", "")[:2000],
    )
    name = f"{received_at:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:12]}.eml"
    raw_email.file.save(name, ContentFile(raw), save=False)
    try:
        with transaction.atomic():
            raw_email.save()
    except DatabaseError:
        raw_email.file.delete(save=False)
        raise
    return raw_email


def _finish(raw_email: RawEmail, status: str, detail: str) -> None:
    RawEmail.objects.filter(pk=raw_email.pk).update(
        status=status, detail=detail.replace("\x00", "")[:2000], updated_at=timezone.now()
    )


def raw_email_process(*, raw_email_id: int, raw: bytes | None = None) -> InboundResult | None:
    """Process a kept raw email once: claim it with a conditional UPDATE (still
    "received", and unclaimed or its claim older than INBOUND_CLAIM_TIMEOUT), read its
    file, then parse, match, store and act (`inbound_process`). Returns None when
    another worker has it or it was done already: a duplicate task is a no-op."""
    stale = ExpressionWrapper(
        Now() - dt.timedelta(seconds=settings.INBOUND_CLAIM_TIMEOUT),
        output_field=DateTimeField(),
    )
    claimed = (
        RawEmail.objects.filter(pk=raw_email_id, status=RawStatus.RECEIVED)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .update(claimed_at=Now(), attempts=F("attempts") + 1, updated_at=timezone.now())
    )
    if not claimed:
        return None
    raw_email = RawEmail.objects.get(pk=raw_email_id)
    if raw is None:
        try:
            with raw_email.file.open("rb") as handle:
                raw = handle.read()
        except (OSError, ValueError) as exc:
            if raw_email.attempts >= settings.INBOUND_MAX_ATTEMPTS:
                return _failed(raw_email, f"its file could not be read ({type(exc).__name__})")
            raise  # storage hiccup: the claim times out and the reaper tries again
    return inbound_process(raw_email=raw_email, raw=raw, spam=raw_email.spam)


def raw_emails_reap(*, limit: int = 500) -> tuple[int, int]:
    """The beat entry's work: enqueue raw emails still "received" whose enqueue was lost
    (unclaimed for a minute) or whose worker died (claim older than
    INBOUND_CLAIM_TIMEOUT); mark failed those claimed INBOUND_MAX_ATTEMPTS times already.
    Returns (enqueued, failed)."""
    timeout = dt.timedelta(seconds=settings.INBOUND_CLAIM_TIMEOUT)
    stuck = RawEmail.objects.filter(status=RawStatus.RECEIVED).filter(
        Q(
            claimed_at__isnull=True,
            created_at__lt=ExpressionWrapper(
                Now() - dt.timedelta(seconds=60), output_field=DateTimeField()
            ),
        )
        | Q(claimed_at__lt=ExpressionWrapper(Now() - timeout, output_field=DateTimeField()))
    )
    enqueued = failed = 0
    for pk, attempts, claimed_at in stuck.order_by("received_at").values_list(
        "pk", "attempts", "claimed_at"
    )[:limit]:
        if claimed_at is not None and attempts >= settings.INBOUND_MAX_ATTEMPTS:
            gave_up = _failed(
                RawEmail(pk=pk),
                f"gave up after {attempts} attempts (the worker died or timed out each time)",
                only_if_received=True,
            )
            failed += gave_up.outcome == FAILED
            continue
        _enqueue_processing(pk)
        enqueued += 1
    return enqueued, failed


def inbound_process(*, raw_email: RawEmail, raw: bytes, spam: bool = False) -> InboundResult:
    """Parse, match, store and act on a kept raw email (also used to re-run one).
    `spam`: the ESP flagged it (the pipe reads the mail server's X-Spam-* headers)."""
    limit = settings.INBOUND_MAX_MESSAGE_BYTES
    base: dict[str, Any] = {"raw_email_id": raw_email.pk}
    if raw_email.size > limit:
        detail = (
            f"refused: message is {human_size(raw_email.size)}, over the "
            f"{human_size(limit)} limit (INBOUND_MAX_MESSAGE_BYTES); "
            f"raw kept as raw email #{raw_email.pk}"
            + (" (its start only)" if raw_email.truncated else "")
        )
        _finish(raw_email, RawStatus.REFUSED, detail)
        return InboundResult(outcome=REFUSED, detail=detail, **base)
    try:
        parsed = parse_email(raw)
    except Exception as exc:  # a parser bug must not lose the message: it is kept
        log.exception("Inbound raw email %d could not be parsed.", raw_email.pk)
        return _failed(raw_email, f"could not read it ({type(exc).__name__}: {exc})")
    parsed.spam = parsed.spam or spam
    if parsed.refusal:
        detail = f"refused: {parsed.refusal}; raw kept as raw email #{raw_email.pk}"
        _finish(raw_email, RawStatus.REFUSED, detail)
        return InboundResult(outcome=REFUSED, detail=detail, warnings=parsed.warnings, **base)

    # Up to three tries: a racing delivery can trip two different unique constraints in
    # turn (the new patient's email, then the Message-ID) before it sees the winner's rows.
    for attempt in (1, 2, 3):
        try:
            with transaction.atomic():
                result = _route(raw_email, parsed)
                _finish(raw_email, _RAW_STATUS[result.outcome], result.detail)
            return result
        except IntegrityError:
            # A concurrent delivery of the same message (or a first email from the same
            # new address) committed first. Once more: now it is found as a duplicate
            # or as a known patient.
            if attempt == 3:
                log.exception("Inbound raw email %d hit a constraint three times.", raw_email.pk)
                return _failed(raw_email, "a database constraint refused it three times")
        except (OperationalError, InterfaceError):
            raise  # the database is away: the caller asks the sender to retry
        except Exception as exc:
            log.exception("Inbound raw email %d could not be stored.", raw_email.pk)
            return _failed(raw_email, f"could not store it ({type(exc).__name__}: {exc})")
    raise AssertionError("unreachable")  # pragma: no cover


_RAW_STATUS = {
    STORED: RawStatus.STORED,
    INQUIRY: RawStatus.STORED,
    TRIAGE: RawStatus.TRIAGE,
    DUPLICATE: RawStatus.DUPLICATE,
}


def _failed(raw_email: RawEmail, reason: str, *, only_if_received: bool = False) -> InboundResult:
    """Mark the raw email failed (for a person: the admin's filter, the managers' Inbox).
    `only_if_received`: the reaper's, which must not overwrite a worker that finished."""
    reason = reason.replace("\x00", "")
    detail = f"failed: {reason}; raw kept as raw email #{raw_email.pk} for a person to look at"
    rows = RawEmail.objects.filter(pk=raw_email.pk)
    if only_if_received:
        rows = rows.filter(status=RawStatus.RECEIVED)
    try:
        marked = rows.update(
            status=RawStatus.FAILED, detail=detail[:2000], updated_at=timezone.now()
        )
    except DatabaseError:
        log.exception("Could not mark raw email %d as failed.", raw_email.pk)
        marked = 1
    if not marked:
        return InboundResult(outcome=DUPLICATE, detail="", raw_email_id=raw_email.pk)
    return InboundResult(outcome=FAILED, detail=detail, raw_email_id=raw_email.pk)


# --- Storing -------------------------------------------------------------------------------


def _message_key(parsed: ParsedEmail) -> str:
    key = parsed.dedupe_key[:255]
    if Message.objects.filter(message_id=key, direction=Direction.OUT).exists():
        # One of OUR messages coming back (a mail loop, a client's "redirect"): keep it,
        # under a key of its own so the outbound row keeps its ID.
        key = f"<inbound.{parsed.sha256[:16]}.{key.strip('<>')}"[:254] + ">"
    return key


def _duplicate(key: str, raw_email: RawEmail) -> InboundResult | None:
    existing = (
        Message.objects.filter(message_id=key, direction=Direction.IN)
        .values_list("pk", "journey_id")
        .first()
    )
    if existing is not None:
        return InboundResult(
            outcome=DUPLICATE,
            detail=f"duplicate: Message-ID {key} is already stored as message #{existing[0]} "
            f"on journey #{existing[1]}; not stored again",
            raw_email_id=raw_email.pk,
            message_id=existing[0],
            journey_id=existing[1],
        )
    item = TriageItem.objects.filter(message_key=key).values_list("pk", flat=True).first()
    if item is not None:
        return InboundResult(
            outcome=DUPLICATE,
            detail=f"duplicate: Message-ID {key} is already triage item #{item}; not stored again",
            raw_email_id=raw_email.pk,
            triage_item_id=item,
        )
    return None


def store_message(
    parsed: ParsedEmail,
    *,
    journey: Journey,
    raw_email: RawEmail,
    key: str,
    matched_by: str,
    label: str,
    counts_as_reply: bool,
    sender_mismatch: bool,
    recipient: str,
) -> Message:
    split = parsed.split
    warnings = list(parsed.warnings)
    message = Message.objects.create(
        journey=journey,
        direction=Direction.IN,
        message_id=key,
        status=MessageStatus.RECEIVED,
        from_email=parsed.from_email[:320],
        from_name=parsed.from_name[:200],
        to_email=(recipient or (parsed.recipients[0] if parsed.recipients else ""))[:320],
        subject=parsed.subject[:300],
        text=parsed.text,
        html=parsed.html,
        sent_at=raw_email.received_at,
        header_date=parsed.date,
        in_reply_to=parsed.in_reply_to[0][:255] if parsed.in_reply_to else "",
        references=" ".join(parsed.references)[:20_000],
        text_reply=split.reply,
        text_quoted=split.quoted,
        signature=split.signature,
        quote_style=split.style,
        label=label,
        label_reason=parsed.label_reason[:200],
        matched_by=matched_by,
        counts_as_reply=counts_as_reply,
        sender_mismatch=sender_mismatch,
        raw_email=raw_email,
        parse_warnings=warnings,
    )
    skipped = _store_attachments(message, parsed)
    if skipped:
        message.parse_warnings = [*warnings, *skipped]
        message.save(update_fields=["parse_warnings", "updated_at"])
    return message


def _store_attachments(message: Message, parsed: ParsedEmail) -> list[str]:
    """Store attachments within the limits; return warnings for the ones left in the raw
    message. (A file written here stays on disk if the transaction later rolls back:
    harmless, and rarer than the alternative of a row without its file.)"""
    most = settings.INBOUND_MAX_ATTACHMENTS
    biggest = settings.INBOUND_MAX_ATTACHMENT_BYTES
    skipped: list[str] = []
    stored = 0
    for attachment in parsed.attachments:
        name = attachment.original_filename or attachment.filename
        if attachment.size > biggest:
            skipped.append(
                f"Attachment {name!r} ({human_size(attachment.size)}) is over the "
                f"{human_size(biggest)} limit: it is only in the raw message."
            )
            continue
        if stored >= most:
            skipped.append(
                f"Attachment {name!r} is over the limit of {most} per message: it is only "
                "in the raw message."
            )
            continue
        row = Attachment(
            message=message,
            filename=attachment.filename,
            original_filename=attachment.original_filename,
            content_type=attachment.content_type,
            size=attachment.size,
            inline=attachment.inline,
            content_id=attachment.content_id[:255],
        )
        row.file.save(attachment.filename, ContentFile(attachment.payload), save=False)
        row.save()
        stored += 1
    return skipped


def sender_mismatch(parsed: ParsedEmail, journey: Journey) -> bool:
    if parsed.label == Label.BOUNCE:
        return False  # bounces come from mail servers by nature
    return parsed.from_email != journey.patient.email.strip().lower()


def act_on_message(message: Message, journey: Journey, parsed: ParsedEmail) -> int:
    """What the message does to the journey. Returns the number of messages cancelled."""

    at = message.sent_at
    cancelled = 0
    if message.label == InboundLabel.BOUNCE:
        dsn = parsed.dsn
        patient = journey.patient
        if dsn is not None and dsn.permanent and patient.email.lower() in dsn.failed_recipients:
            detail = f" {dsn.status}" if dsn.status else ""
            patient_mark_undeliverable(
                patient_id=patient.pk, reason=f"bounced{detail} (returned email)", at=at
            )
        return 0
    if message.label == InboundLabel.AUTO_REPLY:
        return 0
    if message.counts_as_reply:
        cancelled = messages_cancel_on_reply(journey_id=journey.pk, at=at)
    journey_mark_waiting(journey_id=journey.pk, at=at, patient_replied=message.counts_as_reply)
    hooks.fire(hooks.INBOUND_REPLY_STORED, message=message, journey=journey)  # care: "help"
    transaction.on_commit(partial(_enqueue_reply_notice, message.pk))
    return cancelled


def _enqueue_reply_notice(message_pk: int) -> None:
    """After commit. Best effort: the queue shows the reply even if this notice is lost
    (the broker is down), so never raise into the request or the pipe."""

    try:
        notify_reply.apply_async((message_pk,), retry=False)
    except Exception:  # noqa: BLE001
        log.warning("Broker unavailable: no reply notice for message %d.", message_pk)


def _route(raw_email: RawEmail, parsed: ParsedEmail) -> InboundResult:
    key = _message_key(parsed)
    duplicate = _duplicate(key, raw_email)
    if duplicate is not None:
        return duplicate
    match = match_message(parsed, raw_email.envelope_recipient)
    base: dict[str, Any] = {"raw_email_id": raw_email.pk, "warnings": parsed.warnings}

    if match.journey is not None:
        journey = match.journey
        mismatch = sender_mismatch(parsed, journey)
        is_reply = parsed.label == Label.REPLY
        message = store_message(
            parsed,
            journey=journey,
            raw_email=raw_email,
            key=key,
            matched_by=match.matched_by,
            label=parsed.label,
            counts_as_reply=is_reply and not mismatch,
            sender_mismatch=mismatch,
            recipient=match.recipient,
        )
        cancelled = act_on_message(message, journey, parsed)
        notes = [f"matched by {MatchedBy(match.matched_by).label.lower()}"]
        notes.append(InboundLabel(parsed.label).label.lower())
        if mismatch:
            notes.append(f"sender {parsed.from_email or '(none)'} is not the patient: flagged")
        if cancelled:
            notes.append(f"{cancelled} pending message{'s' if cancelled != 1 else ''} cancelled")
        if parsed.warnings:
            notes.append(f"{len(parsed.warnings)} parse warning(s)")
        return InboundResult(
            outcome=STORED,
            detail=f"stored: message #{message.pk} on journey #{journey.pk} ({'; '.join(notes)})",
            message_id=message.pk,
            journey_id=journey.pk,
            matched_by=match.matched_by,
            label=parsed.label,
            cancelled=cancelled,
            **base,
        )

    if match.inquiry:
        procedure = inquiry_procedure()
        if procedure is not None and settings.INQUIRY_AUTO_CREATE:
            journey, message, patient = open_inquiry(
                parsed, raw_email=raw_email, key=key, procedure=procedure, actor=None
            )
            return InboundResult(
                outcome=INQUIRY,
                detail=f"new inquiry: journey #{journey.pk} ({procedure.name}) for new patient "
                f"#{patient.pk} <{patient.email}>; message #{message.pk}",
                message_id=message.pk,
                journey_id=journey.pk,
                matched_by=MatchedBy.INQUIRY,
                label=InboundLabel.INQUIRY,
                **base,
            )
        match.reason = (
            "New sender to the inquiries address (INQUIRY_AUTO_CREATE is off)"
            if procedure is not None
            else "New sender to the inquiries address, but there is no procedure to file "
            "an inquiry under (INQUIRY_DEFAULT_PROCEDURE_ID)"
        )

    item = TriageItem.objects.create(
        raw_email=raw_email,
        message_key=key,
        reason=match.reason[:300],
        label=parsed.label,
        label_reason=parsed.label_reason[:200],
        from_email=parsed.from_email[:320],
        from_name=parsed.from_name[:200],
        to_email=", ".join(parsed.recipients)[:1000],
        subject=parsed.subject[:300],
        snippet=(parsed.split.reply or parsed.text)[:2000],
        received_at=raw_email.received_at,
        header_date=parsed.date,
        parse_warnings=list(parsed.warnings),
        attachment_names=[a.original_filename or a.filename for a in parsed.attachments][:50],
        sender_patient=match.known_patient,
    )
    return InboundResult(
        outcome=TRIAGE,
        detail=f"triage: item #{item.pk} ({match.reason})",
        triage_item_id=item.pk,
        label=parsed.label,
        **base,
    )


# --- New inquiries -----------------------------------------------------------------------

# Two-letter top-level domains that are used as generic ones and say nothing about where
# the sender lives.
_GENERIC_CCTLDS = {"io", "ai", "co", "me", "tv", "ly", "fm", "to", "gg", "cc", "ws", "eu", "su"}


def _country_from(address: str) -> str:
    """ISO country from a country-code domain (anna@web.de -> DE); ZZ (unknown) else."""
    tld = address.rpartition(".")[2].lower()
    if len(tld) == 2 and tld.isalpha() and tld not in _GENERIC_CCTLDS:
        return "GB" if tld == "uk" else tld.upper()
    return "ZZ"


def _name_from(parsed: ParsedEmail) -> str:
    name = parsed.from_name.strip()
    if name and "@" not in name:
        return name[:200]
    local = parsed.from_email.partition("@")[0]
    words = [w for w in re.split(r"[._\-+0-9]+", local) if w]
    return " ".join(w.capitalize() for w in words)[:200] or parsed.from_email[:200]


def inquiry_procedure() -> Procedure | None:

    wanted = settings.INQUIRY_DEFAULT_PROCEDURE_ID
    if wanted:
        return Procedure.objects.filter(pk=wanted).first()
    return Procedure.objects.order_by("pk").first()


def _patient_for(parsed: ParsedEmail, *, full_name: str = "") -> Patient:
    """The sender as a patient: the existing one, or a new one (source: email)."""

    existing = patient_by_email(parsed.from_email)
    if existing is not None:
        return existing
    languages = [code for code, _ in settings.PATIENT_LANGUAGES]
    country = _country_from(parsed.from_email)
    # The Date header carries the sender's UTC offset when they wrote: a zone of their
    # country with that offset then (UTC when the country is unknown or none matches).
    written = parsed.date or timezone.now()
    patient = Patient.objects.create(
        full_name=(full_name.strip() or _name_from(parsed))[:200],
        email=normalize_email(parsed.from_email),
        country=country,
        timezone=zone_for_offset(
            country, parsed.date.utcoffset() if parsed.date else None, at=written
        ),
        preferred_language=guess_language(
            parsed.split.reply or parsed.text, header=parsed.content_language, allowed=languages
        ),
        source=PatientSource.EMAIL,
        notes="Created from an email to the inquiries address; check country and time zone.",
    )
    # System work, but a new patient record all the same: in the audit trail (issue 11).
    audit_record(
        actor=None,
        action=Action.CREATE,
        obj=patient,
        patient_id=patient.pk,
        changes=changes_between({}, snapshot(patient, PATIENT_EDITABLE)),
        note="from an inquiry email",
    )
    return patient


def open_inquiry(
    parsed: ParsedEmail,
    *,
    raw_email: RawEmail,
    key: str,
    procedure: Procedure,
    actor: Actor,
    full_name: str = "",
    matched_by: str = MatchedBy.INQUIRY,
) -> tuple[Journey, Message, Patient]:
    """A new inquiry journey from an email (its cadence starts: the acknowledgment is
    claimed in journey_create and sent right after commit), with the email on it."""

    patient = _patient_for(parsed, full_name=full_name)
    subject = parsed.subject or "(no subject)"
    try:
        # inquiry_open, not journey_create: a known sender who is another coordinator's
        # patient goes to that coordinator, never to whoever triages (issue 11).
        journey = inquiry_open(
            patient=patient,
            procedure=procedure,
            actor=actor,
            inquiry_received_at=raw_email.received_at,
            note=f"Inquiry by email: “{subject}”. Procedure {procedure.name} was the default: "
            "confirm it with the patient.",
        )
    except JourneyError as exc:
        raise TriageError(str(exc)) from exc
    message = store_message(
        parsed,
        journey=journey,
        raw_email=raw_email,
        key=key,
        matched_by=matched_by,
        label=InboundLabel.INQUIRY,
        counts_as_reply=False,
        sender_mismatch=False,
        recipient=settings.INQUIRY_ADDRESS,
    )
    # Not a reply (nothing stops), but someone is waiting for an answer.
    journey_mark_waiting(journey_id=journey.pk, at=raw_email.received_at, patient_replied=False)
    transaction.on_commit(partial(_enqueue_reply_notice, message.pk))
    return journey, message, patient
