"""Reads about journeys that views, the admin, the API and commands share."""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from crm.models import Patient
from crm.roles import Actor, has_dashboard_role, is_manager
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
            lookup, value = child
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
