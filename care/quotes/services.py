"""Every write of quotes and final bills, and the guard on the move to procedure.

Each write also records a JourneyEvent (kind "note", data["care"] names the action), so the
coordinator's timeline shows when a quote was created, sent, accepted, a bill recorded,
acknowledged or overridden. Money is Decimal throughout (care.quotes.money).

`Journey.estimated_cost` is the accepted quote's total: `quote_accept` writes it (and the
journey's currency) through `journey_update`, audited, so the existing reports and cards
that read the estimate show what the patient agreed to. Nobody edits it by hand any more.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from care import emails
from care.models import Bill, BillLine, LineKind, Quote, QuoteLine, QuoteStatus
from care.quotes.money import Threshold, line_amount, variance_percent
from care.services import CareError
from crm.roles import Actor, is_manager, person
from followups.services import FollowupError, message_send_one_off
from journeys.models import EventKind, Journey, JourneyEvent, Outcome, Stage
from journeys.services import JourneyError, journey_move, journey_update

log = logging.getLogger(__name__)

# Stages in which a quote may be created or revised; after arrival the bill takes over.
QUOTE_STAGES = (Stage.INQUIRY, Stage.BOOKED, Stage.ARRIVAL)
# Stages in which the clinic's final bill may be recorded (or recorded again).
BILL_STAGES = (Stage.BOOKED, Stage.ARRIVAL)
MAX_LINES = 30
# The amount columns hold 10 digits before the point (a typo, not a bill, goes beyond).
MAX_AMOUNT = Decimal("9999999999.99")


class QuoteError(CareError):
    """A quote or bill rule refused the request; the message is for the person who asked."""


@dataclass(frozen=True)
class LineInput:
    kind: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    # Bills only: the quoted line this line answers (None: not in the quote) and why it
    # differs from it.
    quote_line_id: int | None = None
    reason: str = ""


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _event(
    *, journey_id: int, action: str, text: str, actor: Actor, at: dt.datetime, **data: Any
) -> None:
    JourneyEvent.objects.create(
        journey_id=journey_id,
        kind=EventKind.NOTE,
        actor=person(actor),
        reason=text,
        data={"care": action, **data},
        created_at=at,
    )


def _locked_journey(journey_id: int) -> Journey:
    try:
        return Journey.objects.select_for_update().get(pk=journey_id)
    except Journey.DoesNotExist:
        raise QuoteError(f"Journey #{journey_id} does not exist.") from None


def _check_lines(lines: list[LineInput]) -> None:
    if not lines:
        raise QuoteError("Add at least one line (the procedure, at least).")
    if len(lines) > MAX_LINES:
        raise QuoteError(f"At most {MAX_LINES} lines.")
    for number, line in enumerate(lines, start=1):
        if line.kind not in LineKind.values:
            raise QuoteError(f"Line {number}: unknown kind {line.kind!r}.")
        if not line.description.strip():
            raise QuoteError(f"Line {number}: describe it (e.g. “Grafts”, “Hotel nights”).")
        if line.quantity < 0 or line.unit_price < 0:
            raise QuoteError(f"Line {number}: quantity and unit price cannot be negative.")
        if line_amount(line.quantity, line.unit_price) > MAX_AMOUNT:
            raise QuoteError(f"Line {number}: the amount is larger than any real bill.")
    if (
        sum((line_amount(line.quantity, line.unit_price) for line in lines), Decimal(0))
        > MAX_AMOUNT
    ):
        raise QuoteError("The total is larger than any real bill.")


def _currency(raw: str, what: str) -> str:
    code = raw.strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise QuoteError(f"{what}: a three-letter currency code such as EUR, GBP or USD.")
    return code


# --- Quotes -----------------------------------------------------------------------------


def quote_create(
    *,
    journey_id: int,
    actor: Actor,
    lines: list[LineInput],
    currency: str,
    valid_until: dt.date,
    included: str = "",
    not_included: str = "",
    patient_currency: str = "",
    rate: Decimal | None = None,
    now: dt.datetime | None = None,
) -> Quote:
    """Write the journey's next quote version (a draft until sent). Earlier versions are
    kept, marked superseded, including an accepted one: a revised quote must be accepted
    again."""
    now = _now(now)
    _check_lines(lines)
    currency = _currency(currency, "Currency")
    patient_currency = (
        _currency(patient_currency, "Patient's currency") if patient_currency.strip() else ""
    )
    if patient_currency == currency:
        patient_currency, rate = "", None
    if patient_currency and (rate is None or rate <= 0):
        raise QuoteError(f"Give the rate: how many {patient_currency} for 1 {currency}.")
    if not patient_currency:
        rate = None
    if valid_until < timezone.localdate(now):
        raise QuoteError("The validity date is in the past.")
    with transaction.atomic():
        # The journey's row lock serialises version numbers and the supersede step.
        journey = _locked_journey(journey_id)
        if journey.outcome != Outcome.ACTIVE or journey.stage not in QUOTE_STAGES:
            raise QuoteError(
                f"Journey #{journey.pk} is {journey.get_stage_display().lower()} "
                f"({journey.get_outcome_display().lower()}): quotes are made before the "
                "procedure, on an active journey."
            )
        if Bill.objects.filter(journey_id=journey.pk).exists():
            raise QuoteError(
                "The clinic's final bill is already recorded against the accepted quote; "
                "change the bill instead of the quote."
            )
        version = (Quote.objects.filter(journey=journey).aggregate(v=Max("version"))["v"] or 0) + 1
        Quote.objects.filter(journey=journey).exclude(status=QuoteStatus.SUPERSEDED).update(
            status=QuoteStatus.SUPERSEDED
        )
        amounts = [line_amount(line.quantity, line.unit_price) for line in lines]
        quote = Quote.objects.create(
            journey=journey,
            version=version,
            status=QuoteStatus.DRAFT,
            currency=currency,
            patient_currency=patient_currency,
            rate=rate,
            valid_until=valid_until,
            included=included.strip(),
            not_included=not_included.strip(),
            total=sum(amounts, Decimal("0.00")),
            created_by=person(actor),
            created_at=now,
        )
        QuoteLine.objects.bulk_create(
            QuoteLine(
                quote=quote,
                position=position,
                kind=line.kind,
                description=line.description.strip()[:200],
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=amount,
            )
            for position, (line, amount) in enumerate(zip(lines, amounts, strict=True))
        )
        _event(
            journey_id=journey.pk,
            action="quote_created",
            text=f"Quote v{version} drafted: {quote.total} {currency}.",
            actor=actor,
            at=now,
            quote=quote.pk,
        )
    return quote


def quote_send(*, quote_id: int, actor: Actor, now: dt.datetime | None = None) -> Quote:
    """Email the quote (the latest version, draft or already sent) to the patient with a
    signed link to their page. The email goes out first, through followups' one-off path
    (recorded on the journey); the quote is marked sent only once it went."""
    now = _now(now)
    quote = Quote.objects.select_related(
        "journey__patient", "journey__procedure", "journey__clinic"
    ).get(pk=quote_id)
    if quote.status not in (QuoteStatus.DRAFT, QuoteStatus.SENT):
        raise QuoteError(
            f"Quote v{quote.version} is {quote.get_status_display().lower()}; "
            "send the latest version."
        )
    if quote.journey.outcome != Outcome.ACTIVE:
        raise QuoteError("The journey is closed.")
    subject, text, html = emails.quote_email(quote=quote)
    try:
        message_send_one_off(
            journey_id=quote.journey_id, actor=actor, subject=subject, text=text, html=html, now=now
        )
    except FollowupError as exc:
        raise QuoteError(str(exc)) from exc
    with transaction.atomic():
        # Conditional: a revision written while the email went out keeps this one superseded.
        first = Quote.objects.filter(pk=quote.pk, status=QuoteStatus.DRAFT).update(
            status=QuoteStatus.SENT, sent_at=now
        )
        _event(
            journey_id=quote.journey_id,
            action="quote_sent",
            text=f"Quote v{quote.version} {'sent' if first else 'sent again'} to the patient.",
            actor=actor,
            at=now,
            quote=quote.pk,
        )
    quote.refresh_from_db()
    return quote


@dataclass
class Accepted:
    quote: Quote
    created: bool  # False: it was already accepted (a double tap, a reload)
    moved_to_booked: bool


def quote_accept(*, quote_id: int, journey_id: int, now: dt.datetime | None = None) -> Accepted:
    """The patient accepts a sent quote on their page (a POST). The accepted total becomes
    the journey's estimate, and a journey still in inquiry moves to booked through
    journey_move, all in one transaction."""
    now = _now(now)
    with transaction.atomic():
        journey = _locked_journey(journey_id)
        quote = Quote.objects.filter(pk=quote_id, journey_id=journey.pk).first()
        if quote is None or quote.status == QuoteStatus.DRAFT:
            raise QuoteError("There is no such quote on this page.")
        if quote.status == QuoteStatus.ACCEPTED:
            return Accepted(quote=quote, created=False, moved_to_booked=False)
        if quote.status == QuoteStatus.SUPERSEDED:
            raise QuoteError("This quote was replaced by a newer version; see the quote above.")
        if quote.valid_until < timezone.localdate(now):
            raise QuoteError("This quote has expired; your coordinator will send a new one.")
        if journey.outcome != Outcome.ACTIVE:
            raise QuoteError("This journey is closed.")
        quote.status = QuoteStatus.ACCEPTED
        quote.accepted_at = now
        quote.save(update_fields=["status", "accepted_at"])
        journey_update(
            journey_id=journey.pk, actor=None, estimated_cost=quote.total, currency=quote.currency
        )
        _event(
            journey_id=journey.pk,
            action="quote_accepted",
            text=f"Patient accepted quote v{quote.version} ({quote.total} {quote.currency}) "
            "on their page.",
            actor=None,
            at=now,
            quote=quote.pk,
        )
        moved = False
        if journey.stage == Stage.INQUIRY:
            try:
                # A savepoint: if a rule refuses the move, the acceptance still stands and
                # the coordinator moves the journey by hand (the timeline shows both).
                with transaction.atomic():
                    journey_move(
                        journey_id=journey.pk,
                        target=Stage.BOOKED,
                        actor=None,
                        reason=f"Quote v{quote.version} accepted on the patient's page.",
                        expected_stage=Stage.INQUIRY,
                        at=now,
                    )
                moved = True
            except JourneyError as exc:
                log.info(
                    "Quote %d accepted; journey %d not moved: %s",
                    quote.pk,
                    journey.pk,
                    type(exc).__name__,
                )
    return Accepted(quote=quote, created=True, moved_to_booked=moved)


# --- Final bills ------------------------------------------------------------------------


def bill_record(
    *, journey_id: int, actor: Actor, lines: list[LineInput], now: dt.datetime | None = None
) -> Bill:
    """Record (or record again) the clinic's final bill against the accepted quote. Quoted
    lines the bill leaves out count as removed (quantity 0). Above the threshold, every
    changed line needs a reason and the move to procedure waits for the patient's
    acknowledgment (or a manager's override). Recording a different total again asks for
    a new acknowledgment."""
    now = _now(now)
    _check_lines(lines)
    with transaction.atomic():
        journey = _locked_journey(journey_id)
        if journey.outcome != Outcome.ACTIVE or journey.stage not in BILL_STAGES:
            raise QuoteError(
                f"The final bill is recorded at arrival (journey #{journey.pk} is "
                f"{journey.get_stage_display().lower()}, {journey.get_outcome_display().lower()})."
            )
        quote = Quote.objects.filter(journey=journey, status=QuoteStatus.ACCEPTED).first()
        if quote is None:
            raise QuoteError(
                "The patient has not accepted a quote: the final bill is compared with the "
                "accepted quote. Send one and let them accept it first."
            )
        quoted = {line.pk: line for line in quote.lines.all()}
        seen: set[int] = set()
        rows: list[BillLine] = []
        for line in lines:
            quoted_line = None
            if line.quote_line_id is not None:
                quoted_line = quoted.get(line.quote_line_id)
                if quoted_line is None or line.quote_line_id in seen:
                    raise QuoteError(f"“{line.description}”: not a line of quote v{quote.version}.")
                seen.add(line.quote_line_id)
            rows.append(_bill_line(line, quoted_line))
        for missing in (q for pk, q in quoted.items() if pk not in seen):
            rows.append(
                _bill_line(
                    LineInput(
                        missing.kind,
                        missing.description,
                        Decimal(0),
                        missing.unit_price,
                        missing.pk,
                    ),
                    missing,
                )
            )
        total = sum((row.amount for row in rows), Decimal("0.00"))
        variance = total - quote.total
        needs_ack = Threshold.from_settings().exceeded(quote.total, variance)
        if needs_ack:
            missing_reasons = [row.description for row in rows if row.changed and not row.reason]
            if missing_reasons:
                raise QuoteError(
                    f"The bill is {variance} {quote.currency} above the quote "
                    f"({variance_percent(quote.total, variance)} %), over the threshold: give a "
                    "reason for each changed line: " + ", ".join(missing_reasons) + "."
                )
        bill = Bill.objects.select_for_update().filter(journey=journey).first()
        if bill is None:
            bill = Bill(journey=journey)
        elif bill.total == total and bill.quote_id == quote.pk:
            pass  # the same total again: an acknowledgment or override still holds
        else:
            bill.acknowledged_at = None
            bill.overridden_at = None
            bill.overridden_by = None
            bill.override_reason = ""
        bill.quote = quote
        bill.currency = quote.currency
        bill.quote_total = quote.total
        bill.total = total
        bill.variance = variance
        bill.needs_ack = needs_ack
        bill.recorded_by = person(actor)
        bill.recorded_at = now
        bill.save()
        BillLine.objects.filter(bill=bill).delete()
        for position, row in enumerate(rows):
            row.bill = bill
            row.position = position
        BillLine.objects.bulk_create(rows)
        percent = variance_percent(quote.total, variance)
        _event(
            journey_id=journey.pk,
            action="bill_recorded",
            text=f"Final bill recorded: {total} {quote.currency}, {variance:+} against quote "
            f"v{quote.version}"
            + (f" ({percent:+} %)" if percent is not None else "")
            + (
                "; the patient must acknowledge it before the procedure."
                if bill.blocks_procedure
                else "."
            ),
            actor=actor,
            at=now,
            bill=bill.pk,
            variance=str(variance),
        )
    return bill


def _bill_line(line: LineInput, quoted: QuoteLine | None) -> BillLine:
    return BillLine(
        quote_line=quoted,
        position=0,
        kind=line.kind,
        description=line.description.strip()[:200],
        quantity=line.quantity,
        unit_price=line.unit_price,
        amount=line_amount(line.quantity, line.unit_price),
        quoted_amount=quoted.amount if quoted is not None else Decimal("0.00"),
        reason=line.reason.strip(),
    )


def bill_acknowledge(*, journey_id: int, now: dt.datetime | None = None) -> tuple[Bill, bool]:
    """The patient confirms on their page: "I have been told and I agree" (a POST).
    Returns (bill, recorded now)."""
    now = _now(now)
    with transaction.atomic():
        bill = Bill.objects.select_for_update().filter(journey_id=journey_id).first()
        if bill is None or not bill.needs_ack:
            raise QuoteError("There is nothing to confirm on this page.")
        if bill.acknowledged_at is not None:
            return bill, False
        bill.acknowledged_at = now
        bill.save(update_fields=["acknowledged_at"])
        _event(
            journey_id=journey_id,
            action="bill_acknowledged",
            text=f"Patient confirmed on their page they were told about the final bill "
            f"({bill.total} {bill.currency}, {bill.variance:+}) and agree.",
            actor=None,
            at=now,
            bill=bill.pk,
        )
    return bill, True


def bill_override(
    *, journey_id: int, actor: Actor, reason: str, now: dt.datetime | None = None
) -> Bill:
    """A manager lets the journey move to procedure without the patient's acknowledgment
    (they agreed in person and the page is out of reach, say), with a written reason."""
    now = _now(now)
    reason = reason.strip()
    if not is_manager(actor):
        raise QuoteError("Only a manager can override the patient's acknowledgment.")
    if not reason:
        raise QuoteError("Write why the acknowledgment is overridden.")
    with transaction.atomic():
        bill = Bill.objects.select_for_update().filter(journey_id=journey_id).first()
        if bill is None or not bill.blocks_procedure:
            raise QuoteError("The final bill does not wait for an acknowledgment.")
        bill.overridden_at = now
        bill.overridden_by = person(actor)
        bill.override_reason = reason
        bill.save(update_fields=["overridden_at", "overridden_by", "override_reason"])
        _event(
            journey_id=journey_id,
            action="bill_overridden",
            text=f"Manager overrode the patient's acknowledgment of the final bill: {reason}",
            actor=actor,
            at=now,
            bill=bill.pk,
        )
    return bill


# --- The guard on the move to procedure (journeys/hooks.py JOURNEY_MOVED) ----------------


def refusal(bill: Bill) -> str:
    percent = variance_percent(bill.quote_total, bill.variance)
    return (
        f"Journey #{bill.journey_id} cannot move to procedure yet: the final bill "
        f"({bill.total} {bill.currency}) is {bill.variance:+} {bill.currency}"
        + (f" ({percent:+} %)" if percent is not None else "")
        + " above the accepted quote. The patient must confirm it on their page "
        "(“I have been told and I agree”), or a manager overrides it with a reason on the "
        "journey page."
    )


def on_journey_moved(*, journey: Journey, event: JourneyEvent) -> None:
    """Refuse the move from arrival to procedure while the final bill waits for the
    patient's acknowledgment. Runs in journey_move's transaction: raising rolls the whole
    move back, and every caller (board, journey page, API, admin) shows the message of a
    JourneyError (CareError is one)."""
    if event.to_stage != Stage.PROCEDURE or event.from_stage != Stage.ARRIVAL:
        return
    bill = Bill.objects.filter(journey_id=journey.pk).first()
    if bill is not None and bill.blocks_procedure:
        raise QuoteError(refusal(bill))
