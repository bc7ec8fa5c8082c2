"""The journey page's quote and final-bill forms (care.quotes does the work).

Rows arrive as parallel lists (kind, description, quantity, unit_price, and for a bill
quote_line and reason). A refused form re-renders the journey page with what was typed,
status 400, and the service's message: nothing typed is lost.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from care.models import LineKind, Quote
from care.quotes import services
from care.quotes.money import parse_decimal
from care.quotes.selectors import FormRow, QuotePanel, journey_quote_panel
from crm.dashboard.access import staff_required
from crm.dashboard.views import _back, _journey_page, _visible_journey
from crm.inputs import clean_text, parse_id
from journeys.models import Journey
from journeys.selectors import journeys_visible_to

MAX_QUANTITY = Decimal("100000")
MAX_PRICE = Decimal("9999999999")
MAX_RATE = Decimal("99999999")


class _Bad(Exception):
    pass


def _rows(request: HttpRequest, *, bill: bool) -> tuple[list[FormRow], list[services.LineInput]]:
    """The typed rows (to show again) and the parsed lines; raises _Bad naming the row."""
    post = request.POST
    names = ["kind", "description", "quantity", "unit_price"] + (
        ["quote_line", "reason"] if bill else []
    )
    columns = {name: post.getlist(name) for name in names}
    count = max((len(values) for values in columns.values()), default=0)
    typed: list[FormRow] = []
    lines: list[services.LineInput] = []
    problem = ""
    for index in range(min(count, services.MAX_LINES + 10)):
        cell = {
            name: (values[index] if index < len(values) else "") for name, values in columns.items()
        }
        quote_line = parse_id(cell.get("quote_line", "")) if cell.get("quote_line") else None
        row = FormRow(
            kind=cell["kind"][:16],
            description=clean_text(cell["description"])[:200],
            quantity=cell["quantity"][:20],
            unit_price=cell["unit_price"][:20],
            quote_line=quote_line,
            reason=clean_text(cell.get("reason", ""))[:2000],
        )
        typed.append(row)
        if (
            not (row.description or row.quantity.strip() or row.unit_price.strip())
            and quote_line is None
        ):
            continue  # a blank row
        quantity = parse_decimal(row.quantity, maximum=MAX_QUANTITY)
        price = parse_decimal(row.unit_price, maximum=MAX_PRICE)
        number = index + 1
        if row.kind not in LineKind.values:
            problem = problem or f"Row {number}: choose what kind of line it is."
        elif not row.description:
            problem = problem or f"Row {number}: describe the line."
        elif quantity is None:
            problem = problem or f"Row {number}: the quantity is a number like 1 or 2.5."
        elif price is None:
            problem = problem or f"Row {number}: the unit price is an amount like 1500 or 12.50."
        else:
            lines.append(
                services.LineInput(
                    row.kind, row.description, quantity, price, quote_line, row.reason
                )
            )
    if problem:
        raise _Bad(problem, typed)
    return typed, lines


def _refused(request: HttpRequest, journey: Journey, panel: QuotePanel, error: str) -> HttpResponse:
    messages.error(request, error)
    return _journey_page(request, journey, status=400, quotes=panel, open_panel="quote")


@require_POST
@staff_required
def quote_create_view(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = _visible_journey(request, journey_id)
    panel = journey_quote_panel(journey)
    post = request.POST
    panel.currency = post.get("currency", "")[:3]
    panel.patient_currency = post.get("patient_currency", "")[:3]
    panel.rate = post.get("rate", "")[:20]
    panel.included = clean_text(post.get("included", ""))[:4000]
    panel.not_included = clean_text(post.get("not_included", ""))[:4000]
    try:
        typed, lines = _rows(request, bill=False)
    except _Bad as exc:
        panel.quote_rows = exc.args[1]
        return _refused(request, journey, panel, exc.args[0])
    panel.quote_rows = typed
    try:
        valid_until = dt.date.fromisoformat(post.get("valid_until", ""))
    except ValueError:
        return _refused(request, journey, panel, "Valid until: a date like 2026-07-31.")
    panel.valid_until = valid_until
    rate = None
    if panel.rate.strip():
        rate = parse_decimal(panel.rate, maximum=MAX_RATE, places=6)
        if rate is None:
            return _refused(request, journey, panel, "Rate: a number like 0.86 (up to 6 decimals).")
    try:
        quote = services.quote_create(
            journey_id=journey.pk,
            actor=request.user,
            lines=lines,
            currency=panel.currency,
            valid_until=valid_until,
            included=panel.included,
            not_included=panel.not_included,
            patient_currency=panel.patient_currency,
            rate=rate,
        )
    except services.QuoteError as exc:
        return _refused(request, journey, panel, str(exc))
    messages.success(
        request,
        f"Quote v{quote.version} saved ({quote.total} {quote.currency}): check it, then send it.",
    )
    return _back(journey, "quote")


@require_POST
@staff_required
def quote_send_view(request: HttpRequest, quote_id: int) -> HttpResponse:
    quote = get_object_or_404(
        Quote.objects.filter(journey__in=journeys_visible_to(request.user)), pk=quote_id
    )
    journey = _visible_journey(request, quote.journey_id)
    try:
        sent = services.quote_send(quote_id=quote.pk, actor=request.user)
    except services.QuoteError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Quote v{sent.version} emailed to {journey.patient.full_name}.")
    return _back(journey, "quote")


@require_POST
@staff_required
def bill_record_view(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = _visible_journey(request, journey_id)
    panel = journey_quote_panel(journey)
    try:
        typed, lines = _rows(request, bill=True)
    except _Bad as exc:
        panel.bill_rows = _with_quoted(exc.args[1], panel)
        return _refused(request, journey, panel, exc.args[0])
    try:
        bill = services.bill_record(journey_id=journey.pk, actor=request.user, lines=lines)
    except services.QuoteError as exc:
        panel.bill_rows = _with_quoted(typed, panel)
        return _refused(request, journey, panel, str(exc))
    note = (
        " The patient must confirm it on their page before the procedure."
        if bill.blocks_procedure
        else ""
    )
    messages.success(
        request, f"Final bill recorded: {bill.total} {bill.currency} ({bill.variance:+}).{note}"
    )
    return _back(journey, "quote")


def _with_quoted(rows: list[FormRow], panel: QuotePanel) -> list[FormRow]:
    """Typed bill rows with the quoted amount of the line each answers, to show again."""
    quoted: dict[int, Any] = {}
    if panel.accepted is not None:
        quoted = {line.pk: line.amount for line in panel.accepted.lines.all()}
    for row in rows:
        row.quoted_amount = quoted.get(row.quote_line) if row.quote_line else None
    return rows


@require_POST
@staff_required
def bill_override_view(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = _visible_journey(request, journey_id)
    try:
        services.bill_override(
            journey_id=journey.pk,
            actor=request.user,
            reason=clean_text(request.POST.get("reason", ""))[:2000],
        )
    except services.QuoteError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Override recorded: the journey may move to procedure.")
    return _back(journey, "quote")
