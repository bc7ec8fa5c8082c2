"""Reading untrusted request input before it reaches the database.

PostgreSQL refuses two things a browser can send: a NUL character in text ("PostgreSQL
text fields cannot contain NUL bytes", a DataError) and an integer beyond bigint (an
OverflowError in the driver). Views and forms read ids and free text through these
helpers, and URLs take ids through the `id` path converter, so such input is a 404 or
a message, never a 500.
"""

from __future__ import annotations

import datetime as dt
import re

# Our primary keys are bigint (DEFAULT_AUTO_FIELD) or int: anything above is no row.
MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")
# NUL and the other C0 controls except tab, newline and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Dates people plan with: anything outside is a typo (0001-01-01, 20266-01-01), and
# dates near the ends of the calendar overflow when turned into local instants.
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


def parse_id(value: object) -> int | None:
    """A database id from text: 1..MAX_ID written in plain digits, else None."""
    text = str(value).strip() if value is not None else ""
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def clean_text(value: object, *, max_length: int | None = None) -> str:
    """Free text from a query string, without NUL and other control characters, stripped
    and cut to `max_length`."""
    text = _CONTROL.sub("", str(value or "")).strip()
    return text[:max_length] if max_length is not None else text


def date_problem(value: dt.date | None) -> str:
    """Why a planned date cannot be used ("" when it can)."""
    if value is None or EARLIEST_DATE <= value <= LATEST_DATE:
        return ""
    return (
        f"{value.isoformat()} is not a date we can plan with; use a date between "
        f"{EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}."
    )


class IdConverter:
    """`<id:name>` in a URL: a positive id within bigint; anything else does not match,
    so the URL is a 404 before a view or the database sees it."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(f"{value!r} is not an id")  # the resolver answers 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)
