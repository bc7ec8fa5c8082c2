"""Reads about journeys that views, the admin, the API and commands share."""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When

from crm.models import Patient
from crm.roles import MANAGER, Actor, has_dashboard_role, is_manager
from journeys.models import TRANSITION_KINDS, Journey, JourneyEvent, Outcome

if TYPE_CHECKING:
    from crm.models import Procedure


def journey_visibility(user: Actor) -> list[Q]:
    """The access rule, as the parts whose union a member of staff may see.

    Managers (and superusers) see every journey. Coordinators see the journeys assigned to
    them and the unassigned ones (so they can pick up new inquiries). Anyone else sees none
    (no parts). Lists that page through a large set walk each part on its own index.
    """
    if user is None or not has_dashboard_role(user):
        return []
    if is_manager(user):
        return [Q()]
    return [Q(coordinator_id=user.pk), Q(coordinator__isnull=True)]


def journeys_visible_to(user: Actor) -> QuerySet[Journey]:
    """The journeys a member of staff may see: the one access rule every dashboard view and
    API view starts from, so a typed-in URL is refused the same way a hidden link is."""
    parts = journey_visibility(user)
    if not parts:
        return Journey.objects.none()
    return Journey.objects.filter(functools.reduce(operator.or_, parts))


def _prefixed(q: Q, prefix: str) -> Q:
    """`q` (on Journey's fields) rewritten for a model that reaches Journey by `prefix`."""
    children: list[Any] = []
    for child in q.children:
        if isinstance(child, Q):
            children.append(_prefixed(child, prefix))
        else:
            lookup, value = child  # type: ignore[misc]
            children.append((f"{prefix}__{lookup}" if prefix else lookup, value))
    return Q(*children, _connector=q.connector, _negated=q.negated)


def visible_through(user: Actor, path: str = "") -> Q | None:
    """The access rule as a filter on a model that reaches Journey by `path` ("journey"
    for a message or an interaction), or None when the user may see nothing. Managers get
    an empty Q (no filter, no subquery), so the admin's lists cost them nothing extra."""
    parts = journey_visibility(user)
    if not parts:
        return None
    return functools.reduce(operator.or_, (_prefixed(part, path) for part in parts))


def patients_visible_to(user: Actor) -> QuerySet[Patient]:
    """Patients with at least one journey the user may see (see journeys_visible_to).
    Anyone whose rule is "every journey" (managers today) sees every patient, including
    those without a journey yet."""
    patients = Patient.objects.all()
    parts = journey_visibility(user)
    if not parts:
        return patients.none()
    if parts == [Q()]:
        return patients
    return patients.filter(Exists(journeys_visible_to(user).filter(patient_id=OuterRef("pk"))))


@dataclass(frozen=True)
class Routing:
    """Where a new inquiry on an existing patient goes (inquiry_routing)."""

    routed: bool  # True: not to the person filing it, who may not see this patient
    coordinator_id: int | None = None


def inquiry_routing(*, patient_id: int, actor: Actor) -> Routing:
    """A new inquiry for an existing patient that `actor` may not see goes to the patient's
    coordinator (of their newest journey that has one), or, if none, to a manager: never
    to the person filing it, who must not learn that the patient exists. System work
    (actor None) routes only when an unassigned journey would show the patient to every
    coordinator while today only their own coordinator sees them.

    A patient without any journey is nobody's yet: filing on them is not a takeover."""
    journeys = Journey.objects.filter(patient_id=patient_id)
    if not journeys.exists():
        return Routing(routed=False)
    if actor is not None:
        if patients_visible_to(actor).filter(pk=patient_id).exists():
            return Routing(routed=False)
    elif journeys.filter(coordinator__isnull=True).exists():
        return Routing(routed=False)
    active_first = Case(When(outcome=Outcome.ACTIVE, then=Value(0)), default=Value(1))
    owner = (
        journeys.filter(coordinator__isnull=False, coordinator__is_active=True)
        .order_by(active_first, "-inquiry_received_at", "-pk")
        .values_list("coordinator_id", flat=True)
        .first()
    )
    if owner is None:
        owner = (
            User.objects.filter(is_active=True, groups__name=MANAGER)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
    return Routing(routed=True, coordinator_id=owner)


def journey_has_active(*, patient: Patient, procedure: Procedure) -> bool:
    return Journey.objects.filter(
        patient=patient, procedure=procedure, outcome=Outcome.ACTIVE
    ).exists()


@dataclass(frozen=True)
class Replay:
    stage: str
    outcome: str
    problems: list[str]


def journey_replay(events: list[JourneyEvent]) -> Replay:
    """Rebuild stage and outcome from a journey's events alone, checking that every step
    starts where the previous one ended. Events are the source of truth for the funnel, so
    a journey whose replay disagrees with its row is a bug somewhere."""
    stage, outcome = "", ""
    problems: list[str] = []
    for event in events:
        if event.kind not in TRANSITION_KINDS:
            continue
        if event.from_stage != stage:
            problems.append(
                f"event {event.pk} starts from {event.from_stage or 'nothing'!r}, "
                f"journey was at {stage or 'nothing'!r}"
            )
        stage, outcome = event.to_stage, event.outcome
    return Replay(stage=stage, outcome=outcome, problems=problems)
