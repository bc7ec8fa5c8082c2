"""How report figures read on the page (the CSV keeps raw values: reports.tables.csv_value)."""

from __future__ import annotations

from typing import Any

DASH = "—"


def count(value: Any) -> str:
    return DASH if value is None else f"{value:,}"


def percent(value: float | None) -> str:
    return DASH if value is None else f"{value * 100:.1f} %"


def points(value: float | None) -> str:
    """A change of a share, in percentage points."""
    return DASH if value is None else f"{value * 100:+.1f} pp"


def signed(value: int | None) -> str:
    return DASH if value is None else f"{value:+,}"


def duration(seconds: float | None) -> str:
    """Short and readable: 45 min, 5.5 h, 3.2 d."""
    if seconds is None:
        return DASH
    if seconds < 0:
        return "-" + duration(-seconds)
    if seconds < 3600:
        return f"{round(seconds / 60)} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def average(value: float | None) -> str:
    """An average rating: 4.3."""
    return DASH if value is None else f"{value:.1f}"


def nps(value: float | None) -> str:
    """Net promoter score from its share (-1 .. 1) to the usual -100 .. 100."""
    return DASH if value is None else f"{value * 100:+.0f}"


FORMATS = {
    "avg": average,
    "nps": nps,
    "int": count,
    "pct": percent,
    "secs": duration,
    "delta_pp": points,
    "delta_int": signed,
}


def display(kind: str, value: Any) -> str:
    if kind == "text":
        return "" if value is None else str(value)
    return FORMATS[kind](value)
