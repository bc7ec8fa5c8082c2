"""Query-string filters, read strictly: an unknown value is a 400 naming the parameter,
never an empty page that looks like "no results"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from crm.inputs import EARLIEST_DATE, LATEST_DATE, parse_id
from journeys.models import Journey, Outcome, Stage


def _id(params: Any, name: str, errors: dict[str, str]) -> int | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    value = parse_id(raw)
    if value is None:
        errors[name] = f"{name} must be a positive id."
    return value


def parse_since(raw: str | None, name: str, errors: dict[str, str]) -> dt.datetime | None:
    """An ISO 8601 date-time (or a date, meaning its midnight in UTC)."""
    if raw in (None, ""):
        return None
    text = str(raw).strip()
    try:
        value = parse_datetime(text)
        if value is None:
            day = parse_date(text)
            if day is not None:
                value = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    except ValueError:
        value = None
    if value is None:
        errors[name] = f"{name} must be an ISO 8601 date-time, e.g. 2026-06-01T00:00:00Z."
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    if not EARLIEST_DATE <= value.date() <= LATEST_DATE:
        errors[name] = f"{name} must be between {EARLIEST_DATE} and {LATEST_DATE}."
        return None
    return value


def filter_journeys(journeys: QuerySet[Journey], params: Any) -> QuerySet[Journey]:
    errors: dict[str, str] = {}
    stage = params.get("stage")
    if stage not in (None, "") and stage not in Stage.values:
        errors["stage"] = f"stage must be one of: {', '.join(Stage.values)}."
    elif stage:
        journeys = journeys.filter(stage=stage)
    outcome = params.get("outcome")
    if outcome not in (None, "") and outcome not in Outcome.values:
        errors["outcome"] = f"outcome must be one of: {', '.join(Outcome.values)}."
    elif outcome:
        journeys = journeys.filter(outcome=outcome)
    coordinator = params.get("coordinator")
    if coordinator == "none":
        journeys = journeys.filter(coordinator__isnull=True)
    else:
        coordinator_id = _id(params, "coordinator", errors)
        if "coordinator" in errors:
            errors["coordinator"] = "coordinator must be a user id, or none (unassigned)."
        elif coordinator_id is not None:
            journeys = journeys.filter(coordinator_id=coordinator_id)
    for name in ("clinic", "procedure", "patient"):
        value = _id(params, name, errors)
        if value is not None:
            journeys = journeys.filter(**{f"{name}_id": value})
    since = parse_since(params.get("updated_since"), "updated_since", errors)
    if since is not None:
        journeys = journeys.filter(updated_at__gte=since)
    if errors:
        raise ValidationError(errors)
    return journeys


def filter_patients(patients: QuerySet[Any], params: Any) -> QuerySet[Any]:
    errors: dict[str, str] = {}
    since = parse_since(params.get("updated_since"), "updated_since", errors)
    if since is not None:
        patients = patients.filter(updated_at__gte=since)
    email = params.get("email")
    if email:
        if "\x00" in email or len(email) > 254:
            errors["email"] = "email must be an email address."
        else:
            patients = patients.filter(email=email.strip().lower())
    if errors:
        raise ValidationError(errors)
    return patients


UPDATED_SINCE = OpenApiParameter(
    "updated_since",
    OpenApiTypes.DATETIME,
    description="Only rows changed at or after this ISO 8601 time.",
)
JOURNEY_FILTERS = [
    OpenApiParameter("stage", str, enum=Stage.values),
    OpenApiParameter("outcome", str, enum=Outcome.values),
    OpenApiParameter(
        "coordinator",
        str,
        description="A coordinator's user id, or `none` for unassigned journeys.",
        pattern=r"^(none|[0-9]{1,19})$",
    ),
    OpenApiParameter("clinic", int, description="Clinic id."),
    OpenApiParameter("procedure", int, description="Procedure id."),
    OpenApiParameter("patient", int, description="Patient id."),
    UPDATED_SINCE,
]
PATIENT_FILTERS = [
    OpenApiParameter("email", str, description="Exact email address (case-insensitive)."),
    UPDATED_SINCE,
]
