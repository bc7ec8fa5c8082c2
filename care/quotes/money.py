"""The arithmetic of quotes and bills, in Decimal with cents rounded half up (how clinics
round an invoice line). Pure functions, so the services, the pages and the tests agree."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return cents(quantity * unit_price)


def convert(amount: Decimal, rate: Decimal | None) -> Decimal | None:
    """`amount` in the patient's currency at the quote's stored rate (None: no rate)."""
    if rate is None:
        return None
    return cents(amount * rate)


def parse_decimal(raw: str, *, maximum: Decimal, places: int = 2) -> Decimal | None:
    """A non-negative number typed by a person ("1.5", "1,5", " 2000 "), or None."""
    text = raw.strip().replace(" ", "").replace("\u00a0", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")  # a decimal comma (es, de)
    else:
        text = text.replace(",", "")  # thousands separators
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value > maximum:
        return None
    if value != value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):
        return None
    return value


@dataclass(frozen=True)
class Threshold:
    percent: int
    amount: int

    @classmethod
    def from_settings(cls) -> Threshold:
        return cls(settings.CARE_BILL_VARIANCE_PERCENT, settings.CARE_BILL_VARIANCE_AMOUNT)

    def exceeded(self, quote_total: Decimal, variance: Decimal) -> bool:
        """A bill above its quote by more than `percent` % of the quote or more than
        `amount` (whichever is reached first) needs reasons and the patient's
        acknowledgment. A bill lower than the quote never does: nobody objects to paying less.
        """
        if variance <= 0:
            return False
        if variance > Decimal(self.amount):
            return True
        return variance * 100 > quote_total * self.percent


def variance_percent(quote_total: Decimal, variance: Decimal) -> Decimal | None:
    """The variance as a percentage of the quote, one decimal (None for a zero quote)."""
    if not quote_total:
        return None
    return (variance * 100 / quote_total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
