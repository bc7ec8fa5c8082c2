"""A hand-built cohort whose funnel, conversions, medians and show rate are known exactly.

Every journey is made through journey_create / journey_move with explicit times, so the
stage first-entry columns are written by the real transition service. Times are whole
days after a 09:00 UTC inquiry, so expected durations are exact.

The current period is March 2025 (31 days); the previous one is 2025-01-29 .. 2025-02-28.
Staff and clinics have their own names, so tests may also use the conftest personas.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.test import override_settings

from crm.models import Clinic, Procedure
from crm.roles import COORDINATOR, MANAGER
from journeys.models import Journey
from journeys.services import journey_create, journey_move, journey_record_first_response
from reports.params import Period, ReportParams
from tests.conftest import make_patient, make_user

UTC = dt.UTC
PERIOD = Period(start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))
PREVIOUS = Period(start=dt.date(2025, 1, 29), end=dt.date(2025, 2, 28))
DAY = 86400.0
HOUR = 3600.0


def at(day: dt.date, days: float = 0, hours: float = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=UTC) + dt.timedelta(days=days, hours=hours)


def build(
    *,
    name: str,
    day: dt.date,
    procedure: Procedure,
    coordinator: User | None,
    manager: User,
    steps: list[tuple[float, str, dict[str, object]]],
    response_s: float | None,
    country: str = "DE",
    source: str = "website",
) -> Journey:
    """One journey: inquiry on `day` at 09:00, then each (days after, target, extra) move."""
    received = at(day)
    journey = journey_create(
        patient=make_patient(full_name=f"Patient {name}", country=country, source=source),
        procedure=procedure,
        actor=coordinator,
        coordinator=coordinator,
        inquiry_received_at=received,
    )
    if response_s is not None:
        journey_record_first_response(
            journey_id=journey.pk, at=received + dt.timedelta(seconds=response_s)
        )
    for days, target, extra in steps:
        when = received + dt.timedelta(days=days)
        kwargs: dict[str, object] = dict(extra)
        if target == "postponed":
            kwargs.setdefault("reason", "Waiting for a visa")
            kwargs.setdefault("postponed_until", (when + dt.timedelta(days=60)).date())
        actor = manager if kwargs.pop("as_manager", False) else coordinator
        journey_move(journey_id=journey.pk, target=target, actor=actor, at=when, **kwargs)
    journey.refresh_from_db()
    return journey


ADVANCE = ["booked", "arrival", "procedure", "followup"]


def path(*days: float) -> list[tuple[float, str, dict[str, object]]]:
    """Forward moves at the given days after the inquiry."""
    return [(d, ADVANCE[i], {}) for i, d in enumerate(days)]


def lost(days: float, reason: str) -> tuple[float, str, dict[str, object]]:
    return (days, "lost", {"lost_reason": reason})


@dataclass
class Cohort:
    journeys: dict[str, Journey]
    carmen: User
    omar: User
    manager: User


def _staff(username: str, role: str, first: str, last: str) -> User:
    user = make_user(username, role)
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    return user


def make_cohort() -> Cohort:
    carmen = _staff("carmen.ruiz", COORDINATOR, "Carmen", "Ruiz")
    omar = _staff("omar.haddad", COORDINATOR, "Omar", "Haddad")
    manager = _staff("maria.boss", MANAGER, "Maria", "Boss")
    clinic = Clinic.objects.create(
        name="Smile Clinic", city="Antalya", country="TR", timezone="Europe/Istanbul"
    )
    other_clinic = Clinic.objects.create(
        name="Hairline Clinic", city="Istanbul", country="TR", timezone="Europe/Istanbul"
    )
    implants = Procedure.objects.create(name="Dental implants", clinic=clinic)
    hair = Procedure.objects.create(name="Hair transplant", clinic=other_clinic)
    d = PERIOD.start
    specs: dict[str, dict[str, object]] = {
        # Skipped nothing: every stage, then completed.
        "A": {
            "steps": [*path(2, 10, 11, 13), (43, "completed", {})],
            "response_s": 30 * 60,
            "coordinator": carmen,
            "procedure": implants,
        },
        # Lost at each stage.
        "B": {
            "steps": [lost(1, "price")],
            "response_s": 2 * HOUR,
            "coordinator": carmen,
            "procedure": implants,
            "country": "ES",
        },
        "C": {
            "steps": [*path(4), lost(6, "competitor")],
            "response_s": 10 * 60,
            "coordinator": carmen,
            "procedure": implants,
        },
        "D": {
            "steps": [*path(1, 21), lost(22, "health")],
            "response_s": 20 * HOUR,
            "coordinator": carmen,
            "procedure": hair,
            "source": "referral",
        },
        "E": {
            "steps": [*path(3, 9, 10), lost(11, "other")],
            "response_s": 3 * DAY,
            "coordinator": carmen,
            "procedure": hair,
        },
        "F": {
            "steps": [*path(6, 16, 18, 20), lost(40, "no_reply")],
            "response_s": 45 * 60,
            "coordinator": omar,
            "procedure": hair,
            "country": "ES",
        },
        # Postponed at booked and still postponed.
        "G": {
            "steps": [*path(5), (7, "postponed", {})],
            "response_s": None,
            "coordinator": omar,
            "procedure": implants,
            "source": "referral",
        },
        # Postponed at booked, reopened to booked, then arrived: came back.
        "H": {
            "steps": [*path(1), (3, "postponed", {}), (15, "booked", {}), (20, "arrival", {})],
            "response_s": 1 * HOUR,
            "coordinator": omar,
            "procedure": implants,
        },
        # Still an open inquiry, never answered.
        "I": {
            "steps": [],
            "response_s": None,
            "coordinator": None,
            "procedure": hair,
            "country": "GB",
        },
        # Still in follow-up.
        "J": {
            "steps": path(8, 12, 13, 15),
            "response_s": 5 * HOUR,
            "coordinator": omar,
            "procedure": hair,
        },
    }
    built: dict[str, Journey] = {}
    for index, (name, spec) in enumerate(specs.items()):
        built[name] = build(name=name, day=d + dt.timedelta(days=index), manager=manager, **spec)  # type: ignore[arg-type]

    p = PREVIOUS.start
    previous = {
        "P1": {"steps": path(1, 5), "response_s": 30 * 60},
        "P2": {"steps": [lost(2, "fear")], "response_s": 3 * HOUR},
        "P3": {"steps": [lost(2, "price")], "response_s": None},
        "P4": {"steps": [*path(3), lost(5, "financing")], "response_s": 10 * 60},
    }
    for index, (name, spec) in enumerate(previous.items()):
        built[name] = build(
            name=name,
            day=p + dt.timedelta(days=index),
            manager=manager,
            coordinator=carmen,
            procedure=implants,
            **spec,  # type: ignore[arg-type]
        )
    # Outside both periods: must never be counted.
    built["before"] = build(
        name="before",
        day=PREVIOUS.start - dt.timedelta(days=1),
        manager=manager,
        coordinator=carmen,
        procedure=implants,
        steps=path(1),
        response_s=60,
    )
    built["after"] = build(
        name="after",
        day=PERIOD.end + dt.timedelta(days=1),
        manager=manager,
        coordinator=carmen,
        procedure=implants,
        steps=path(1),
        response_s=60,
    )
    return Cohort(journeys=built, carmen=carmen, omar=omar, manager=manager)


@contextmanager
def cohort_for_module(django_db_blocker: Any) -> Iterator[Cohort]:
    """Build the cohort once for a test module, in a transaction rolled back at the end.
    Each test runs in a savepoint inside it (pytest-django's `db`), so what a test changes
    is undone after it and the next test sees the cohort as built."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        yield make_cohort()
        transaction.set_rollback(True)


def params(group_by: str = "", compare: bool = True) -> ReportParams:
    return ReportParams(period=PERIOD, group_by=group_by, compare=compare)
