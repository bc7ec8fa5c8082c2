"""Demo quotes and final bills for journeys the demo seeder wrote in bulk (JOURNEYS_SEEDED).

Deterministic by journey id, a handful of bulk INSERTs per chunk whatever its size, and
consistent with what the services would have written: a journey that booked accepted its
quote (total = the seeded `estimated_cost`, as quote_accept writes it), some after a
revision (v1 kept, superseded); one still in inquiry has a sent (or draft) quote; one that
reached arrival has a final bill, equal, a little higher, lower, or above the threshold
with reasons (acknowledged when the journey went on to the procedure, waiting while it is
still at arrival, so the demo shows the guard). No timeline events: the seeder writes
its own, and these rows are enough for the pages and the reports.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings

from care.models import Bill, BillLine, LineKind, Quote, QuoteLine, QuoteStatus
from care.quotes.money import Threshold, cents, line_amount
from care.quotes.selectors import currency_of_country
from journeys.models import Journey, Stage

# Demo rates only: 1 unit of the clinic's currency in the patient's.
DEMO_RATES: dict[tuple[str, str], Decimal] = {
    ("EUR", "GBP"): Decimal("0.86"),
    ("EUR", "USD"): Decimal("1.10"),
    ("EUR", "CHF"): Decimal("0.96"),
    ("EUR", "CAD"): Decimal("1.50"),
    ("EUR", "AUD"): Decimal("1.65"),
    ("GBP", "EUR"): Decimal("1.16"),
    ("USD", "EUR"): Decimal("0.91"),
}
# Per-unit extras by procedure name (the line that most often changes at the clinic).
EXTRAS = {
    "hair": ("Grafts", 3000, Decimal("0.90")),
    "implant": ("Implants", 4, Decimal("450")),
    "veneer": ("Veneers", 8, Decimal("220")),
}
NOT_INCLUDED = "Flights. Medication after discharge."
INCLUDED = "Consultation, the procedure, the listed tests, hotel and airport transfers."


def _lines(total: Decimal, procedure: str, nights: int) -> list[tuple[str, str, Decimal, Decimal]]:
    """(kind, description, quantity, unit price) adding up exactly to `total`."""
    rows: list[tuple[str, str, Decimal, Decimal]] = []
    name = procedure.lower()
    extra = next((e for key, e in EXTRAS.items() if key in name), None)
    if extra is not None:
        label, quantity, unit = extra
        unit = cents(total * Decimal("0.35") / quantity)
        rows.append((LineKind.EXTRA, label, Decimal(quantity), unit))
    rows.append((LineKind.ANAESTHESIA, "Anaesthesia", Decimal(1), cents(total * Decimal("0.06"))))
    rows.append(
        (LineKind.TESTS, "Blood tests and X-ray", Decimal(1), cents(total * Decimal("0.04")))
    )
    nights = max(1, nights)
    rows.append(
        (LineKind.HOTEL, "Hotel nights", Decimal(nights), cents(total * Decimal("0.08") / nights))
    )
    rows.append(
        (LineKind.TRANSFER, "Airport transfers", Decimal(2), cents(total * Decimal("0.01")))
    )
    used = sum((line_amount(q, u) for _, _, q, u in rows), Decimal("0.00"))
    rows.insert(0, (LineKind.PROCEDURE, procedure, Decimal(1), total - used))
    return rows


def on_journeys_seeded(*, journey_ids: list[int], **kwargs: Any) -> int:
    """Write quotes (and bills) for the seeded journeys that have an estimate. Returns the
    number of quotes written. Journeys that already have a quote are left alone."""
    rows = list(
        Journey.objects.filter(pk__in=journey_ids, estimated_cost__isnull=False)
        .exclude(quotes__isnull=False)
        .values_list(
            "pk",
            "stage",
            "currency",
            "estimated_cost",
            "inquiry_received_at",
            "first_response_at",
            "booked_at",
            "arrived_at",
            "procedure_at",
            "patient__country",
            "procedure__name",
            "procedure__typical_stay_days",
        )
    )
    threshold = Threshold.from_settings()
    quotes: list[Quote] = []
    pending_lines: list[list[QuoteLine]] = []
    bills: list[tuple[int, Bill, list[BillLine]]] = []
    for (pk, stage, currency, estimate, received, answered, booked, arrived, procedure_at,
         country, procedure, stay) in rows:  # fmt: skip
        cost = Decimal(estimate or 0)  # never None: filtered above
        patient_currency = currency_of_country(country)
        rate = DEMO_RATES.get((currency, patient_currency))
        if rate is None:
            patient_currency = ""
        sent = (answered or received) + dt.timedelta(hours=2 + pk % 40)
        if booked is not None and sent >= booked:
            sent = booked - dt.timedelta(hours=1 + pk % 5)
        revised = pk % 4 == 0
        versions: list[tuple[int, str, Any, Any, Decimal]] = []
        if revised:
            first_total = cents(cost * Decimal("1.08"))
            versions.append((1, QuoteStatus.SUPERSEDED, sent, None, first_total))
            sent = sent + (booked - sent) / 2 if booked else sent + dt.timedelta(days=2)
        version = 2 if revised else 1
        if booked is not None:
            versions.append((version, QuoteStatus.ACCEPTED, sent, booked, cost))
        elif stage == Stage.INQUIRY and pk % 7 == 0:
            versions.append((version, QuoteStatus.DRAFT, None, None, cost))
        else:
            versions.append((version, QuoteStatus.SENT, sent, None, cost))
        accepted_lines: list[QuoteLine] = []
        accepted_quote: Quote | None = None
        for number, status, sent_at, accepted_at, total in versions:
            created = sent_at or (answered or received)
            quote = Quote(
                journey_id=pk,
                version=number,
                status=status,
                currency=currency,
                patient_currency=patient_currency,
                rate=rate,
                valid_until=(created + dt.timedelta(days=settings.CARE_QUOTE_VALID_DAYS)).date(),
                included=INCLUDED,
                not_included=NOT_INCLUDED,
                total=total,
                created_at=created,
                sent_at=sent_at,
                accepted_at=accepted_at,
            )
            lines = [
                QuoteLine(
                    quote=quote,
                    position=position,
                    kind=kind,
                    description=description,
                    quantity=quantity,
                    unit_price=unit,
                    amount=line_amount(quantity, unit),
                )
                for position, (kind, description, quantity, unit) in enumerate(
                    _lines(total, procedure, stay)
                )
            ]
            quotes.append(quote)
            pending_lines.append(lines)
            if status == QuoteStatus.ACCEPTED:
                accepted_quote, accepted_lines = quote, lines
        if arrived is not None and accepted_quote is not None:
            bills.append(
                (pk, *_bill(pk, accepted_quote, accepted_lines, arrived, procedure_at, threshold))
            )
    Quote.objects.bulk_create(quotes, batch_size=2000)
    QuoteLine.objects.bulk_create(
        [line for lines in pending_lines for line in lines], batch_size=5000
    )
    # The quote lines have ids now; point the bill lines at them.
    for _, bill, bill_lines in bills:
        bill.quote_id = bill.quote.pk
        for bill_line in bill_lines:
            if bill_line.quote_line is not None:
                bill_line.quote_line_id = bill_line.quote_line.pk
    Bill.objects.bulk_create([bill for _, bill, _ in bills], batch_size=2000)
    for _, bill, bill_lines in bills:
        for bill_line in bill_lines:
            bill_line.bill_id = bill.pk
    BillLine.objects.bulk_create([line for _, _, lines in bills for line in lines], batch_size=5000)
    return len(quotes)


def _bill(
    pk: int,
    quote: Quote,
    quoted: list[QuoteLine],
    arrived: dt.datetime,
    procedure_at: dt.datetime | None,
    threshold: Threshold,
) -> tuple[Bill, list[BillLine]]:
    pattern = pk % 5
    lines: list[BillLine] = []
    for position, q in enumerate(quoted):
        quantity, unit, reason = q.quantity, q.unit_price, ""
        if pattern == 1 and q.kind == LineKind.HOTEL:
            quantity, reason = quantity + 1, "One more night: the flight home moved a day."
        elif pattern == 2 and q.kind in (LineKind.EXTRA, LineKind.PROCEDURE):
            if q.kind == LineKind.EXTRA:
                quantity, reason = (
                    cents(quantity * Decimal("1.3")).quantize(Decimal(1)),
                    ("More grafts/units needed than estimated from the photos."),
                )
            elif not any(line.kind == LineKind.EXTRA for line in quoted):
                unit, reason = cents(unit * Decimal("1.12")), "Extended plan after the exam."
        elif pattern == 4 and q.kind == LineKind.TESTS:
            quantity, reason = Decimal(0), "Recent tests brought from home were accepted."
        lines.append(
            BillLine(
                quote_line=q,
                position=position,
                kind=q.kind,
                description=q.description,
                quantity=quantity,
                unit_price=unit,
                amount=line_amount(quantity, unit),
                quoted_amount=q.amount,
                reason=reason,
            )
        )
    if pattern == 3:
        extra = cents(max(Decimal(150), quote.total * Decimal("0.07")))
        lines.append(
            BillLine(
                quote_line=None,
                position=len(lines),
                kind=LineKind.TESTS,
                description="Additional CT scan",
                quantity=Decimal(1),
                unit_price=extra,
                amount=extra,
                quoted_amount=Decimal("0.00"),
                reason="The surgeon asked for a CT scan before operating.",
            )
        )
    total = sum((line.amount for line in lines), Decimal("0.00"))
    variance = total - quote.total
    needs_ack = threshold.exceeded(quote.total, variance)
    recorded = arrived + dt.timedelta(hours=3)
    bill = Bill(
        journey_id=pk,
        quote=quote,
        currency=quote.currency,
        quote_total=quote.total,
        total=total,
        variance=variance,
        needs_ack=needs_ack,
        # Went on to the procedure: the patient agreed (the guard would have held it).
        acknowledged_at=recorded + dt.timedelta(hours=1) if needs_ack and procedure_at else None,
        recorded_at=recorded,
    )
    return bill, lines
