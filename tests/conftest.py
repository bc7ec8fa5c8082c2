"""Named personas shared by the whole suite. Tests run on the real database (PostgreSQL in
`make test`); only the outside world (the ESP) is ever faked."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from crm.models import Clinic, Patient, Procedure
from crm.roles import COORDINATOR, MANAGER
from journeys.models import Journey
from journeys.services import journey_create

_counter = itertools.count(1)


def make_user(username: str, role: str) -> User:
    user = User.objects.create_user(
        username=username,
        password="pw-" + username,
        is_staff=True,
        email=f"{username}@clinic.example",
    )
    # get_or_create: transactional tests flush the groups the data migration made.
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def make_patient(**overrides: object) -> Patient:
    n = next(_counter)
    fields: dict[str, object] = {
        "full_name": f"Anna Schmidt {n}",
        "email": f"anna{n}@example.de",
        "country": "DE",
        "preferred_language": "de",
        "timezone": "Europe/Berlin",
    }
    fields.update(overrides)
    return Patient.objects.create(**fields)


@pytest.fixture
def coordinator(db: None) -> User:
    return make_user("carmen", COORDINATOR)


@pytest.fixture
def other_coordinator(db: None) -> User:
    return make_user("omar", COORDINATOR)


@pytest.fixture
def manager(db: None) -> User:
    return make_user("maria", MANAGER)


@pytest.fixture
def clinic(db: None) -> Clinic:
    return Clinic.objects.create(
        name="Dentalpoint Istanbul", city="Istanbul", country="TR", timezone="Europe/Istanbul"
    )


@pytest.fixture
def procedure(clinic: Clinic) -> Procedure:
    return Procedure.objects.create(
        name="Dental implants", clinic=clinic, typical_stay_days=7, recovery_days=14
    )


@pytest.fixture
def patient(db: None) -> Patient:
    return make_patient()


@pytest.fixture
def journey(patient: Patient, procedure: Procedure, coordinator: User) -> Journey:
    return journey_create(
        patient=patient,
        procedure=procedure,
        actor=coordinator,
        coordinator=coordinator,
        inquiry_received_at=timezone.now() - dt.timedelta(hours=2),
    )
