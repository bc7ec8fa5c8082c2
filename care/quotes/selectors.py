"""Reads of quotes and bills: for the journey page, the patient's page, and other apps.

`quote_accepted(journey)` / `journeys_with_accepted_quote(ids)` are the questions other
apps ask (booked-risk flags read "the quote is not accepted" from them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import formats, timezone, translation

from care.models import Bill, BillLine, LineKind, Quote, QuoteLine, QuoteStatus
from care.quotes.money import Threshold, convert, variance_percent
from care.quotes.words import quote_words
from journeys.models import Journey, Outcome, Stage

# Blank rows the quote and bill forms offer beyond the existing lines.
BLANK_ROWS = 4
# A country's usual currency, to prefill "the patient's currency" on a first quote.
COUNTRY_CURRENCY = {
    "GB": "GBP",
    "US": "USD",
    "CA": "CAD",
    "AU": "AUD",
    "CH": "CHF",
    "SE": "SEK",
    "NO": "NOK",
    "DK": "DKK",
    "PL": "PLN",
    "CZ": "CZK",
    "HU": "HUF",
    "TR": "TRY",
    "MX": "MXN",
    "AR": "ARS",
    "CO": "COP",
    "CL": "CLP",
}
# fmt: off
EURO_COUNTRIES = frozenset((
    "AT", "BE", "CY", "DE", "EE", "ES", "FI", "FR", "GR", "HR",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PT", "SI", "SK",
))
# fmt: on


def currency_of_country(country: str) -> str:
    if country in EURO_COUNTRIES:
        return "EUR"
    return COUNTRY_CURRENCY.get(country, "")


def quote_accepted(journey: Journey | int) -> Quote | None:
    """The journey's accepted quote (at most one), or None: not accepted yet, or a revision
    superseded it and waits for acceptance."""
    journey_id = journey if isinstance(journey, int) else journey.pk
    return Quote.objects.filter(journey_id=journey_id, status=QuoteStatus.ACCEPTED).first()


def journeys_with_accepted_quote(journey_ids: Iterable[int]) -> set[int]:
    """Of these journeys, those with an accepted quote: one query for a whole list."""
    return set(
        Quote.objects.filter(
            journey_id__in=list(journey_ids), status=QuoteStatus.ACCEPTED
        ).values_list("journey_id", flat=True)
    )


def _with_lines() -> Prefetch[Any]:
    return Prefetch("lines", queryset=QuoteLine.objects.order_by("position"))


@dataclass
class BillView:
    bill: Bill
    lines: list[BillLine]
    percent: Decimal | None

    @property
    def changed(self) -> list[BillLine]:
        return [line for line in self.lines if line.changed]


def bill_view(journey_id: int) -> BillView | None:
    bill = (
        Bill.objects.filter(journey_id=journey_id).select_related("quote", "overridden_by").first()
    )
    if bill is None:
        return None
    return BillView(
        bill=bill,
        lines=list(bill.lines.order_by("position")),
        percent=variance_percent(bill.quote_total, bill.variance),
    )


@dataclass
class FormRow:
    """One row of the quote or bill form (existing values or blank)."""

    kind: str = ""
    description: str = ""
    quantity: str = ""
    unit_price: str = ""
    quote_line: int | None = None
    quoted_amount: Decimal | None = None
    reason: str = ""


@dataclass
class QuotePanel:
    """The journey page's "Quote and final bill" card (templates/care/_quotes.html)."""

    quotes: list[Quote]
    latest: Quote | None
    accepted: Quote | None
    bill: BillView | None
    can_quote: bool
    can_bill: bool
    kinds: list[tuple[str, str]]
    quote_rows: list[FormRow]
    bill_rows: list[FormRow]
    currency: str
    patient_currency: str
    rate: str
    valid_until: dt.date
    included: str = ""
    not_included: str = ""
    threshold: Threshold = field(default_factory=Threshold.from_settings)


def journey_quote_panel(journey: Journey, *, now: dt.datetime | None = None) -> QuotePanel:
    """Two queries (quotes with their lines), two more when a bill is recorded."""
    now = now or timezone.now()
    quotes = list(
        Quote.objects.filter(journey=journey).order_by("-version").prefetch_related(_with_lines())
    )
    latest = quotes[0] if quotes else None
    accepted = next((q for q in quotes if q.status == QuoteStatus.ACCEPTED), None)
    bill = bill_view(journey.pk) if quotes else None
    active = journey.outcome == Outcome.ACTIVE
    quote_rows = [
        FormRow(line.kind, line.description, str(line.quantity), str(line.unit_price))
        for line in (latest.lines.all() if latest else [])
    ]
    quote_rows += [FormRow() for _ in range(BLANK_ROWS)]
    if bill is not None:
        bill_rows = [
            FormRow(
                line.kind,
                line.description,
                str(line.quantity),
                str(line.unit_price),
                line.quote_line_id,
                line.quoted_amount if line.quote_line_id else None,
                line.reason,
            )
            for line in bill.lines
        ]
    else:
        bill_rows = [
            FormRow(
                line.kind,
                line.description,
                str(line.quantity),
                str(line.unit_price),
                line.pk,
                line.amount,
            )
            for line in (accepted.lines.all() if accepted else [])
        ]
    bill_rows += [FormRow() for _ in range(2)]
    patient_currency = (
        latest.patient_currency if latest else currency_of_country(journey.patient.country)
    )
    currency = latest.currency if latest else journey.currency
    return QuotePanel(
        quotes=quotes,
        latest=latest,
        accepted=accepted,
        bill=bill,
        can_quote=active
        and journey.stage in (Stage.INQUIRY, Stage.BOOKED, Stage.ARRIVAL)
        and bill is None,
        can_bill=active and journey.stage in (Stage.BOOKED, Stage.ARRIVAL) and accepted is not None,
        kinds=list(LineKind.choices),
        quote_rows=quote_rows,
        bill_rows=bill_rows,
        currency=currency,
        patient_currency="" if patient_currency == currency else patient_currency,
        rate=str(latest.rate.normalize()) if latest and latest.rate else "",
        valid_until=timezone.localdate(now) + dt.timedelta(days=settings.CARE_QUOTE_VALID_DAYS),
        included=latest.included if latest else "",
        not_included=latest.not_included if latest else "",
    )


@dataclass
class PatientQuote:
    """What the patient's page shows of quotes and bills, in their language."""

    quote: Quote | None  # the latest sent (or accepted) version
    lines: list[QuoteLine]
    approx: Decimal | None
    expired: bool
    earlier: int  # older versions, superseded
    bill: BillView | None
    words: dict[str, str]
    texts: dict[str, str]

    @property
    def empty(self) -> bool:
        return self.quote is None and self.bill is None


def page_quote(journey: Journey, *, language: str, today: dt.date) -> PatientQuote:
    """One indexed read when there is no quote (the usual case), a few more with one.
    Drafts never show: the coordinator has not sent them. `today` is the patient's."""
    _, words, kinds = quote_words(language)
    shown = list(
        Quote.objects.filter(journey=journey)
        .exclude(status=QuoteStatus.DRAFT)
        .order_by("-version")
        .prefetch_related(_with_lines())[:1]
    )
    quote = shown[0] if shown else None
    lines = list(quote.lines.all()) if quote else []
    for line in lines:
        line.kind_local = kinds.get(line.kind, line.kind)  # type: ignore[attr-defined]
    bill = bill_view(journey.pk) if quote is not None else None
    if bill is not None:
        for bline in bill.lines:
            bline.kind_local = kinds.get(bline.kind, bline.kind)  # type: ignore[attr-defined]
    earlier = (
        Quote.objects.filter(
            journey=journey, status=QuoteStatus.SUPERSEDED, sent_at__isnull=False
        ).count()
        if quote is not None and quote.version > 1
        else 0
    )
    approx = convert(quote.total, quote.rate) if quote else None
    texts: dict[str, str] = {}
    if quote is not None:
        texts["version"] = words["version"].format(version=quote.version)
        texts["valid"] = words["valid_until"].format(date=_day(quote.valid_until))
        texts["expired"] = words["expired"].format(date=_day(quote.valid_until))
        if approx is not None and quote.rate is not None:
            with translation.override(language):
                texts["approx"] = words["approx"].format(
                    amount=formats.localize(approx),
                    currency=quote.patient_currency,
                    rate=f"1 {quote.currency} = {formats.localize(quote.rate.normalize())} "
                    f"{quote.patient_currency}",
                )
        if quote.accepted_at:
            texts["accepted"] = words["accepted"].format(date=_day(quote.accepted_at.date()))
    if bill is not None:
        texts["bill_intro"] = words["bill_intro"].format(version=bill.bill.quote.version)
        if bill.bill.acknowledged_at:
            texts["acked"] = words["acked"].format(date=_day(bill.bill.acknowledged_at.date()))
    return PatientQuote(
        quote=quote,
        lines=lines,
        approx=approx,
        expired=bool(quote and quote.status == QuoteStatus.SENT and quote.valid_until < today),
        earlier=earlier,
        bill=bill,
        words=words,
        texts=texts,
    )


def _day(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")
