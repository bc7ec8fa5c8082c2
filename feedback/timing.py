"""When the satisfaction survey is due (issue 13): "after the last after-care step, or N
days after the procedure".

The cadence rules stay data: `satisfaction_request` is N days after the procedure
(followups CadenceRule, 7 by default, editable in the admin) and `satisfaction_reminder`
its offset after that. When the journey has after-care steps (care's JourneyStep rows)
whose last date is on or after procedure + N days, both rules read the procedure anchor
later by the difference, so the request falls on the day after the last step (in the
rule's send window) and the reminder keeps its distance. followups never imports feedback:
`survey_anchors` is registered with followups.scheduling.register_anchor_adjuster, and
feedback re-plans after care wrote or re-dated the steps (journeys hooks, order 310).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Max

from care.models import JourneyStep
from followups.scheduling import date_midnight
from journeys.models import Stage

if TYPE_CHECKING:
    import zoneinfo

    from followups.models import CadenceRule
    from journeys.models import Journey, JourneyEvent

REQUEST_RULE = "satisfaction_request"
SURVEY_RULES = ("satisfaction_request", "satisfaction_reminder")  # as feedback.services
ANCHOR = "planned_procedure"


def survey_anchors(
    *,
    journey: Journey,
    rules: list[CadenceRule],
    anchors: dict[str, dt.datetime | None],
    tz: zoneinfo.ZoneInfo,
) -> dict[int, dict[str, dt.datetime | None]]:
    """{rule id: anchors} for the survey rules when the last after-care step is later."""
    survey = [r for r in rules if r.key in SURVEY_RULES and r.anchor == ANCHOR]
    request = next((r for r in survey if r.key == REQUEST_RULE), None)
    procedure_at = anchors.get(ANCHOR)
    # Only day offsets compare with step dates; an hours-based rule is left as written.
    if request is None or procedure_at is None or request.offset_unit != "days":
        return {}
    last = JourneyStep.objects.filter(journey=journey).aggregate(last=Max("due_on"))["last"]
    if last is None:
        return {}
    procedure = procedure_at.astimezone(tz).date()
    earliest = procedure + dt.timedelta(days=request.offset_value)
    wanted = last + dt.timedelta(days=1)
    if wanted <= earliest:
        return {}
    later = {**anchors, ANCHOR: date_midnight(procedure + (wanted - earliest), tz)}
    return {rule.pk: later for rule in survey}


def on_journey_moved(*, journey: Journey, event: JourneyEvent) -> None:
    """Entering follow-up: care (order 200) has just (re)dated the steps after followups
    (order 100) planned the survey; plan again so the survey follows the steps."""
    if event.to_stage == Stage.FOLLOWUP and journey.is_active:
        _replan(journey, now=event.created_at)


def on_dates_changed(*, journey: Journey, changed: dict[str, Any]) -> None:
    """New dates re-date the steps (care, order 200): the survey follows."""
    if journey.stage == Stage.FOLLOWUP and journey.is_active:
        _replan(journey, now=None)


def _replan(journey: Journey, *, now: dt.datetime | None) -> None:
    from followups.services import messages_reschedule_for_dates

    messages_reschedule_for_dates(journey=journey, now=now)
