"""Small display helpers for the dashboard templates."""

from __future__ import annotations

import datetime as dt
import functools
import re

from django import template
from django.urls import reverse
from django.utils import timezone

register = template.Library()


@register.filter
def since(value: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """A compact running clock: "45 min", "3 h 12 min", "2 d 4 h"."""
    if value is None:
        return ""
    seconds = max(0, int(((now or timezone.now()) - value).total_seconds()))
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


@register.filter
def days_since(value: dt.datetime | None, now: dt.datetime | None = None) -> int:
    if value is None:
        return 0
    return max(0, ((now or timezone.now()) - value).days)


@register.filter
def days_until(value: dt.date | None) -> int | None:
    if value is None:
        return None
    return (value - timezone.localdate()).days


# Where the quoted part of a reply starts: "On <date>, <someone> wrote:" (and its German and
# Spanish forms), an Outlook header block, or the first line quoted with ">".
_QUOTE_START = re.compile(
    r"^(On .{0,200}wrote:\s*$|Am .{0,200}schrieb.{0,80}:\s*$|El .{0,200}escribió:\s*$"
    r"|-{2,}\s*Original Message\s*-{2,}|From: .+$|>)",
    re.MULTILINE | re.IGNORECASE,
)


@register.filter
def split_quoted(text: str) -> tuple[str, str]:
    """(the new text, the quoted rest) of an email body, so the quote can be folded."""
    match = _QUOTE_START.search(text or "")
    if match is None or (match.start() == 0 and not text.strip().startswith(">")):
        return (text or "", "")
    return (text[: match.start()].rstrip(), text[match.start() :].strip())


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key, "")


@register.simple_tag(takes_context=True)
def active_zone(context: template.Context) -> str:
    return timezone.get_current_timezone_name()


@register.filter
def humanize_key(value: str) -> str:
    """A template or rule key as words: "inquiry_info_pack" -> "Inquiry info pack"."""
    return (value or "").replace("_", " ").replace("-", " ").capitalize()


@register.filter
def count_label(value: int) -> str:
    """A count that stopped at the cap reads "1,000+"."""
    from crm.dashboard.selectors import COUNT_CAP

    return f"{COUNT_CAP:,}+" if value >= COUNT_CAP else f"{value:,}"


@functools.cache
def _journey_prefix() -> str:
    # reverse() once per process: a page lists up to a hundred journeys, and reversing each
    # link costs more than building the row.
    return reverse("dashboard:journey", args=[0]).removesuffix("0/")


@register.filter
def journey_url(pk: int) -> str:
    """The patient page of a journey: the same as {% url 'dashboard:journey' pk %}."""
    return f"{_journey_prefix()}{int(pk)}/"


@register.filter
def booked_risk(journey: object) -> object | None:
    """A booked card's risk row (care/risk/) when the list loaded it, else None: never a
    query per row (a card without a risk row raises, a card loaded without it is skipped)."""
    from django.core.exceptions import ObjectDoesNotExist

    cached = getattr(journey, "_state", None)
    if cached is None or "risk" not in cached.fields_cache:
        return None
    try:
        return journey.risk  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        return None
