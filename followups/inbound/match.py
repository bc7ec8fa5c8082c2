"""Step 3, match: which journey a parsed message belongs to (signed reply token, our
Message-IDs, the sender's address), and the helpers new inquiries use."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models.functions import Lower

from crm.models import Patient
from followups.inbound.auth import FAIL, PASS, sender_auth
from followups.inbound.mime import Label, ParsedEmail, normalize_address
from followups.models import (
    InboundLabel,
    MatchedBy,
    Message,
)
from followups.tokens import journey_id_from_reply_token
from journeys.models import Journey, Outcome

log = logging.getLogger(__name__)

_REPLY_LOCAL_RE = re.compile(r"^reply\+(?P<token>[^@]+)@", re.IGNORECASE)


# --- Matching ----------------------------------------------------------------------------


@dataclass
class Match:
    journey: Journey | None = None
    matched_by: str = ""
    inquiry: bool = False
    reason: str = ""
    known_patient: Patient | None = None
    recipient: str = ""


def patient_by_email(address: str) -> Patient | None:

    if not address:
        return None
    # Lower(email) uses the case-insensitive unique index.
    return Patient.objects.alias(lower_email=Lower("email")).filter(lower_email=address).first()


def _latest_journey(patient: Patient, *, active_only: bool = True) -> Journey | None:

    journeys = patient.journeys.select_related("patient")
    if active_only:
        journeys = journeys.filter(outcome=Outcome.ACTIVE)
    return journeys.order_by("-inquiry_received_at", "-pk").first()


def reply_token_in(address: str) -> str | None:
    """The token of a reply+<token>@... address, or None."""
    match = _REPLY_LOCAL_RE.match(address.strip())
    return match["token"] if match else None


def match_message(parsed: ParsedEmail, envelope_recipient: str) -> Match:

    envelope = normalize_address(envelope_recipient)
    recipients = [a for a in [envelope, *parsed.recipients] if a]

    # 1. The signed token in our reply-to address: the journey it was issued for.
    for address in dict.fromkeys(recipients):
        token = reply_token_in(address)
        if token is None:
            continue
        journey_id = journey_id_from_reply_token(token)
        journey = (
            Journey.objects.select_related("patient").filter(pk=journey_id).first()
            if journey_id is not None
            else None
        )
        if journey is not None:
            return Match(journey=journey, matched_by=MatchedBy.TOKEN, recipient=address)
        parsed.warnings.append(
            f"The reply address {address} carries a token that does not verify (mistyped, "
            "forged, or issued before SECRET_KEY changed); matched by other means."
        )

    # 2. Our Message-IDs: the thread this message answers (or the one a bounce returns).
    candidates: list[tuple[str, str]] = [(m, MatchedBy.IN_REPLY_TO) for m in parsed.in_reply_to]
    candidates += [(m, MatchedBy.REFERENCES) for m in reversed(parsed.references)]
    if parsed.dsn is not None:
        candidates += [(m, MatchedBy.BOUNCED_MESSAGE) for m in parsed.dsn.original_message_ids]
    if candidates:
        found = dict(
            Message.objects.filter(message_id__in=[m for m, _ in candidates]).values_list(
                "message_id", "journey_id"
            )
        )
        for message_id, how in candidates:
            if message_id in found:
                journey = Journey.objects.select_related("patient").get(pk=found[message_id])
                return Match(journey=journey, matched_by=how)

    # 3. A bounce names the address that failed: that patient's journey.
    if parsed.dsn is not None:
        for address in parsed.dsn.failed_recipients:
            patient = patient_by_email(address)
            journey = _latest_journey(patient, active_only=False) if patient else None
            if journey is not None:
                return Match(journey=journey, matched_by=MatchedBy.BOUNCED_RECIPIENT)

    # 4. The sender: a patient's most recent active journey, if the address is not forged.
    # Anyone can write a patient's address in From: a sender-only match must pass the
    # authentication our own receiving side recorded (followups.inbound.auth), or it
    # goes to triage and cancels nothing. Tokens and threads above need no such check.
    patient = patient_by_email(parsed.from_email)
    auth = sender_auth(
        parsed.authentication_results,
        from_email=parsed.from_email,
        authserv_id=settings.INBOUND_AUTHSERV_ID,
    )
    unverified = auth.verdict == FAIL or (auth.verdict != PASS and settings.INBOUND_REQUIRE_AUTH)
    if patient is not None:
        journey = _latest_journey(patient)
        if journey is not None and unverified:
            return Match(
                reason=f"From {patient.full_name}'s address, but the sender did not pass "
                f"authentication ({auth.detail[:120]}): possibly forged, nothing cancelled",
                known_patient=patient,
            )
        if journey is not None:
            return Match(journey=journey, matched_by=MatchedBy.SENDER)

    # 5. A stranger writing to the inquiries address: a new inquiry. Not for spam: its
    # sender is usually forged, and our acknowledgment would be backscatter.
    to_inquiries = settings.INQUIRY_ADDRESS in recipients
    stranger = patient is None and bool(parsed.from_email) and parsed.label == Label.REPLY
    if to_inquiries and stranger and not parsed.spam and auth.verdict != FAIL:
        return Match(inquiry=True, recipient=settings.INQUIRY_ADDRESS)

    if patient is not None:
        reason = f"{patient.full_name} is a patient, but has no active journey"
    elif not parsed.from_email:
        reason = "No sender address and no reply token or thread of ours"
    elif parsed.label != Label.REPLY:
        reason = f"An unmatched {InboundLabel(parsed.label).label.lower()}"
    elif parsed.spam:
        reason = "Marked as spam by the mail server or the ESP"
    elif auth.verdict == FAIL:
        reason = f"The sender did not pass authentication ({auth.detail[:120]})"
    elif to_inquiries:
        reason = "New sender to the inquiries address"
    else:
        reason = "No reply token, thread or patient matched"
    return Match(reason=reason, known_patient=patient)
