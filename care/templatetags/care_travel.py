"""The travel checklist panel of the coordinators' journey page: an inclusion tag, so the
dashboard's view does not need to know about it ({% travel_panel journey %})."""

from __future__ import annotations

from typing import Any

from django import template

from care.models import TravelStatus
from care.travel.selectors import checklist_items
from care.travel.services import FIELDS, STAFF_OPEN
from care.travel.words import WORDS

register = template.Library()


@register.inclusion_tag("care/_travel_journey.html", takes_context=True)
def travel_panel(context: dict[str, Any], journey: Any) -> dict[str, Any]:
    words = WORDS["en"]
    rows: list[dict[str, Any]] = []
    # An inquiry has no trip yet: no panel (and no query).
    for item in checklist_items(journey) if journey.stage != "inquiry" else []:
        rows.append(
            {
                "item": item,
                "open": item.status in STAFF_OPEN,
                "fields": [
                    (name, words[word], getattr(item, name)) for name, word in FIELDS[item.kind]
                ],
            }
        )
    return {
        "journey": journey,
        "rows": rows,
        "open": sum(1 for row in rows if row["open"]),
        "statuses": TravelStatus.choices,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }
