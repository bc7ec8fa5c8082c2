"""Intake test helpers: coordinators with assignment rules, eager Celery, a fresh cache."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache

from crm.models import Clinic, Procedure
from crm.roles import COORDINATOR
from intake.models import CoordinatorRule
from tests.conftest import make_user


@pytest.fixture(autouse=True)
def _fresh_cache(settings: Any) -> Iterator[None]:
    cache.clear()  # rate-limit counters and open loads from another test
    # Count open loads for every inquiry (test_assignment tests the cached counts itself).
    settings.INTAKE_LOAD_CACHE_SECONDS = 0
    yield
    cache.clear()


@pytest.fixture
def eager() -> Iterator[None]:
    """Celery tasks run in this process when enqueued (the on-commit enqueue path)."""
    from crm.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def outbox() -> list[Any]:
    mail.outbox.clear()
    return mail.outbox


@pytest.fixture
def other_clinic(db: None) -> Clinic:
    return Clinic.objects.create(
        name="Clinica Sonrisa", city="Cancún", country="MX", timezone="America/Cancun"
    )


@pytest.fixture
def other_procedure(other_clinic: Clinic) -> Procedure:
    return Procedure.objects.create(name="Veneers", clinic=other_clinic)


def rule_for(
    username: str,
    *,
    languages: list[str],
    procedures: list[Procedure] = (),  # type: ignore[assignment]
    clinics: list[Clinic] = (),  # type: ignore[assignment]
    first_name: str = "",
    **fields: Any,
) -> CoordinatorRule:
    user = make_user(username, COORDINATOR)
    if first_name:
        user.first_name = first_name
        user.last_name = "Tester"
        user.save(update_fields=["first_name", "last_name"])
    rule = CoordinatorRule.objects.create(user=user, languages=languages, **fields)
    rule.procedures.set(procedures)
    rule.clinics.set(clinics)
    return rule
