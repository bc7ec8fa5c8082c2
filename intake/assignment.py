"""Automatic assignment of new inquiries (rules: intake.models.CoordinatorRule).

Runs for every new journey created without a coordinator, whatever made it (the staff
form, inbound email, the public form, the API, a CSV import): a JOURNEY_CREATED listener
(intake.apps) ordered before followups', so the acknowledgment planned by followups is
written, and signed, by the coordinator chosen here.

The rule, in order:
1. Candidates: active rules of active users in the Coordinator group, not away today,
   who speak the patient's language and handle the procedure or its clinic (a rule with
   no procedure and no clinic handles all).
2. Weighted by current open load: the fewest active journeys per unit of capacity
   (counted at most once every INTAKE_LOAD_CACHE_SECONDS; see open_loads).
3. Round-robin among equals: the one assigned automatically longest ago (never first).
4. Nobody fits: the journey stays unassigned, in the team queue every coordinator sees,
   with a note saying why.
Every decision is a JourneyEvent (ASSIGNED, or a NOTE for the team queue) whose reason
says why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from crm.roles import COORDINATOR
from intake.models import CoordinatorRule
from journeys.models import Journey, JourneyEvent, Outcome
from journeys.services import journey_add_note, journey_assign_automatically

# Marks our events (data["assignment"]) for the report and the tests.
AUTO = "auto"
TEAM_QUEUE = "team_queue"


@dataclass(frozen=True)
class Decision:
    coordinator_id: int | None
    reason: str


def language_label(code: str) -> str:
    return dict(settings.PATIENT_LANGUAGES).get(code, code)


def assignment_decide(*, journey: Journey, today: dt.date | None = None) -> Decision:
    """Whom the rules pick for `journey` (no writes). Locks the candidates' rule rows
    (caller's transaction) so two inquiries arriving together see each other's choice."""
    today = today or timezone.localdate()
    patient = journey.patient
    language = patient.preferred_language
    rules = list(
        CoordinatorRule.objects.select_for_update(of=("self",))
        .filter(
            active=True,
            user__is_active=True,
            user__groups__name=COORDINATOR,
        )
        .order_by("pk")
    )
    if not rules:
        return Decision(None, "No coordinator takes new inquiries automatically.")
    handles = _handles(rules, journey)
    speaking = [r for r in rules if language in (r.languages or [])]
    fitting = [r for r in speaking if r.pk in handles]
    present = [r for r in fitting if r.away_until is None or r.away_until < today]
    if not present:
        what = f"{journey.procedure.name} at {journey.procedure.clinic.name}"
        if not speaking:
            why = f"no coordinator speaks {language_label(language)}"
        elif not fitting:
            why = f"no coordinator who speaks {language_label(language)} handles {what}"
        else:
            why = (
                f"every coordinator who speaks {language_label(language)} and handles "
                f"{what} is away"
            )
        return Decision(None, f"Left in the team queue: {why}.")
    loads = open_loads()
    never = dt.datetime.min.replace(tzinfo=dt.UTC)

    def weight(rule: CoordinatorRule) -> tuple[float, dt.datetime, int]:
        return (loads.get(rule.user_id, 0) / rule.capacity, rule.last_assigned_at or never, rule.pk)

    chosen = min(present, key=weight)
    load = loads.get(chosen.user_id, 0)
    others = len(present) - 1
    reason = (
        f"Assigned automatically: speaks {language_label(language)}, handles "
        f"{journey.procedure.name} at {journey.procedure.clinic.name}, lowest open load "
        f"({load} active journeys, capacity {chosen.capacity})"
        + (f" of {others + 1} who fit" if others else ", the only one who fits")
        + "."
    )
    return Decision(chosen.user_id, reason)


# The open load of every coordinator with a rule: {user id: active journeys}. Counting it
# is a GROUP BY over every active journey (tens of milliseconds at a million journeys), so
# it is read at most once every INTAKE_LOAD_CACHE_SECONDS and kept current in between by
# adding each automatic assignment (load_add). Journeys closed or reassigned meanwhile
# show at the next count: the weighting is approximate for that long, never wrong by more.
_LOAD_KEY = "intake:open-load:v1"


def open_loads() -> dict[int, int]:
    cached: dict[int, int] | None = cache.get(_LOAD_KEY)
    if cached is not None:
        return cached
    counts = dict(
        Journey.objects.filter(outcome=Outcome.ACTIVE, coordinator__assignment_rule__isnull=False)
        .order_by()
        .values_list("coordinator_id")
        .annotate(n=Count("id"))
    )
    if settings.INTAKE_LOAD_CACHE_SECONDS:
        cache.set(_LOAD_KEY, counts, settings.INTAKE_LOAD_CACHE_SECONDS)
    return counts


def load_add(user_id: int) -> None:
    """One more open journey for `user_id` in the cached counts (after commit)."""
    cached: dict[int, int] | None = cache.get(_LOAD_KEY)
    if cached is not None:
        cached[user_id] = cached.get(user_id, 0) + 1
        cache.set(_LOAD_KEY, cached, settings.INTAKE_LOAD_CACHE_SECONDS)


def _handles(rules: list[CoordinatorRule], journey: Journey) -> set[int]:
    """Rule ids that handle the journey's procedure or clinic (or everything): two small
    reads of the rules' procedure and clinic lists."""
    ids = [r.pk for r in rules]
    with_any: set[int] = set()
    matching: set[int] = set()
    for through, column, wanted in (
        (CoordinatorRule.procedures.through, "procedure_id", journey.procedure_id),
        (CoordinatorRule.clinics.through, "clinic_id", journey.clinic_id),
    ):
        for rule_id, value in through.objects.filter(coordinatorrule_id__in=ids).values_list(
            "coordinatorrule_id", column
        ):
            with_any.add(rule_id)
            if value == wanted:
                matching.add(rule_id)
    return matching | (set(ids) - with_any)


def assignment_run(*, journey: Journey, event: JourneyEvent | None = None) -> Decision | None:
    """The JOURNEY_CREATED listener: assign a journey created without a coordinator, in
    the creating transaction (the caller holds it). Sets `journey.coordinator` on the
    object the next listeners (followups' planning) receive. Does nothing when nobody has
    an assignment rule (the feature is not set up) or the journey has a coordinator."""
    if journey.coordinator_id is not None or journey.outcome != Outcome.ACTIVE:
        return None
    decision = assignment_decide(journey=journey)
    if decision.coordinator_id is None and not CoordinatorRule.objects.exists():
        return None  # the feature is not set up: nothing to say on every journey
    at = event.created_at if event is not None else timezone.now()
    if decision.coordinator_id is None:
        journey_add_note(
            journey_id=journey.pk,
            text=decision.reason,
            actor=None,
            data={"assignment": TEAM_QUEUE},
            at=at,
        )
        return decision
    coordinator_id = decision.coordinator_id
    journey_assign_automatically(
        journey=journey, coordinator_id=coordinator_id, reason=decision.reason, at=at
    )
    CoordinatorRule.objects.filter(user_id=coordinator_id).update(last_assigned_at=timezone.now())
    transaction.on_commit(partial(load_add, coordinator_id))
    return decision


def away_set(*, user_id: int, away_until: dt.date | None) -> None:
    """A coordinator's own "away until" (their settings page). Only on an existing rule:
    a coordinator without one takes no automatic work anyway."""
    CoordinatorRule.objects.filter(user_id=user_id).update(away_until=away_until)


def away_until_of(user_id: int) -> tuple[bool, dt.date | None]:
    """(has a rule, away until) for the settings page."""
    row = CoordinatorRule.objects.filter(user_id=user_id).values_list("away_until").first()
    return (row is not None, row[0] if row else None)
