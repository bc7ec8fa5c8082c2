"""Schema-based fuzzing (schemathesis) of the REST API against a live server: every
operation in /api/v1/schema/, a bounded number of generated requests each, as a manager's
read-write key. No response may be a server error, and every response must match the
schema (status code, content type, body), the problem-details errors included.

Bounded so it stays a couple of minutes on CI's two cores: API_FUZZ_EXAMPLES (default 15)
examples per operation, no shrinking.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.models import Scope
from api.services import api_key_create
from crm.models import Clinic, Procedure
from crm.roles import MANAGER
from journeys.services import interaction_log, journey_create, journey_move
from tests.conftest import make_patient, make_user

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "15"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def fuzz_world(live_server: Any, transactional_db: None, settings: Any) -> dict[str, Any]:
    # Many requests a minute from one key: the throttle is tested elsewhere.
    settings.API_THROTTLE_RATE = "100000/min"
    boss: User = make_user("fuzz-boss", MANAGER)
    clinic = Clinic.objects.create(
        name="Fuzz Clinic", city="Izmir", country="TR", timezone="Europe/Istanbul"
    )
    procedure = Procedure.objects.create(name="Hair transplant", clinic=clinic)
    for n in range(3):
        journey = journey_create(
            patient=make_patient(), procedure=procedure, actor=boss, coordinator=boss
        )
        interaction_log(journey_id=journey.pk, kind="call", summary=f"Call {n}", by=boss)
        if n:
            journey_move(journey_id=journey.pk, target="booked", actor=boss)
    _, raw = api_key_create(name="fuzz", user=boss, scope=Scope.READ_WRITE, actor=None)
    return {"url": live_server.url, "key": raw}


def _fuzz(operation: Any, mode: GenerationMode, world: dict[str, Any], examples: int) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def run(case: Any) -> None:
        case.call_and_validate(
            base_url=world["url"],
            headers={"Authorization": f"Bearer {world['key']}"},
            checks=CHECKS,
            timeout=30,
        )

    run()


def test_api_conforms_to_its_schema(fuzz_world: dict[str, Any]) -> None:
    """Each operation on its own (a failure names it): valid requests, then invalid ones
    (which must be refused with a documented 4xx problem, never a 500)."""
    api_schema = schemathesis.openapi.from_url(f"{fuzz_world['url']}/api/v1/schema/")
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 17
    failures: list[str] = []
    for operation in operations:
        for mode, examples in (
            (GenerationMode.POSITIVE, EXAMPLES),
            (GenerationMode.NEGATIVE, max(EXAMPLES // 2, 1)),
        ):
            try:
                _fuzz(operation, mode, fuzz_world, examples)
            except Exception as exc:  # noqa: BLE001 - collected and reported below
                failures.append(f"{operation.method.upper()} {operation.path} ({mode}): {exc}")
    assert not failures, "\n\n".join(failures)
