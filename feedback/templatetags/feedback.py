"""The survey's card on care's patient page, without care importing feedback: care's
template loads this tag. No query: the card shows from the follow-up stage on."""

from __future__ import annotations

from typing import Any

from django import template

from feedback.words import words_for
from journeys.models import Outcome, Stage

register = template.Library()


@register.inclusion_tag("feedback/_care_card.html")
def survey_card(journey: Any, token: str) -> dict[str, Any]:
    show = journey.stage == Stage.FOLLOWUP or journey.outcome == Outcome.COMPLETED
    _, words = words_for(journey.patient.preferred_language)
    return {"show": show, "token": token, "w": words}
