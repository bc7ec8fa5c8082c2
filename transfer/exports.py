"""CSV exports of journeys (with the board's filters) and patients, scoped by who asks
(journeys_visible_to / patients_visible_to) and streamed: a large export never sits in
memory. Every text cell goes through crm.csvcells.safe_cell (formula injection)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from crm.csvcells import safe_cell
from crm.models import Patient
from crm.roles import Actor
from journeys.models import Journey
from journeys.selectors import journeys_visible_to, patients_visible_to

JOURNEY_COLUMNS = (
    "journey_id",
    "patient_id",
    "name",
    "email",
    "phone",
    "country",
    "language",
    "source",
    "procedure",
    "clinic",
    "coordinator",
    "stage",
    "outcome",
    "lost_reason",
    "inquiry_received_at",
    "first_response_at",
    "stage_entered_at",
    "planned_arrival",
    "planned_procedure",
    "planned_departure",
    "closed_at",
)
PATIENT_COLUMNS = (
    "patient_id",
    "name",
    "email",
    "phone",
    "country",
    "language",
    "timezone",
    "source",
    "created_at",
)


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def export_journeys(user: Actor, filters: Any) -> Iterator[list[str]]:
    """The header, then one line per journey `user` may see that passes the board's
    `filters` (crm.dashboard.selectors.BoardFilters), oldest inquiry first."""
    journeys: QuerySet[Journey] = (
        filters.apply(journeys_visible_to(user), user)
        .select_related("patient", "procedure", "clinic", "coordinator")
        .order_by("inquiry_received_at", "pk")
    )
    yield list(JOURNEY_COLUMNS)
    for j in journeys.iterator(chunk_size=2000):
        p = j.patient
        yield [
            safe_cell(v)
            for v in (
                j.pk,
                p.pk,
                p.full_name,
                p.email,
                p.phone,
                p.country,
                p.preferred_language,
                p.source,
                j.procedure.name,
                j.clinic.name,
                j.coordinator.get_username() if j.coordinator else "",
                j.stage,
                j.outcome,
                j.lost_reason,
                _iso(j.inquiry_received_at),
                _iso(j.first_response_at),
                _iso(j.stage_entered_at),
                _iso(j.planned_arrival),
                _iso(j.planned_procedure),
                _iso(j.planned_departure),
                _iso(j.closed_at),
            )
        ]


def export_patients(user: Actor) -> Iterator[list[str]]:
    patients: QuerySet[Patient] = patients_visible_to(user).order_by("pk")
    yield list(PATIENT_COLUMNS)
    for p in patients.iterator(chunk_size=2000):
        yield [
            safe_cell(v)
            for v in (
                p.pk,
                p.full_name,
                p.email,
                p.phone,
                p.country,
                p.preferred_language,
                p.timezone,
                p.source,
                _iso(p.created_at),
            )
        ]
