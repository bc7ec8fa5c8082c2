"""journeys.hooks: the apps above journeys react to its life inside the transition's
transaction, and journeys imports none of them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db import connection

from followups.models import ScheduledMessage
from journeys import hooks
from journeys.models import EventKind, Journey, JourneyEvent, Stage
from journeys.services import journey_move

ROOT = Path(__file__).resolve().parents[2]

# Each app and the first-party packages it may import, lazily or not. The project package
# and the screens on top of everything (crm.dashboard, crm.demo, crm.admin, crm.urls,
# settings, management commands) are checked separately below.
# audit/ is the lowest layer of all (every app records into it; it imports none of them).
ALLOWED = {
    "audit": {"audit"},
    "journeys": {"audit", "crm", "journeys"},
    "followups": {"audit", "crm", "journeys", "followups"},
    "care": {"audit", "crm", "journeys", "followups", "care"},
    # feedback's survey lives on care's patient page (its signed links): care, never back.
    "feedback": {"audit", "crm", "journeys", "followups", "care", "feedback"},
    # intake attributes referral codes through feedback's service.
    "intake": {"audit", "crm", "journeys", "followups", "feedback", "intake"},
    # CSV import/export: a screen on top, like reports (writes through crm's and
    # journeys' services; managers' pages from privacy, the board's filters from
    # crm.dashboard).
    "transfer": {"audit", "crm", "journeys", "privacy", "transfer"},
    # The REST API and outgoing webhooks: on top, beside the dashboard.
    "api": {"audit", "crm", "journeys", "followups", "api"},
}
# Apps that are screens themselves and may use the dashboard's access and filters.
SCREENS = {"transfer"}
FIRST_PARTY = {
    "audit",
    "crm",
    "journeys",
    "followups",
    "reports",
    "privacy",
    "care",
    "feedback",
    "intake",
    "transfer",
    "api",
}
# crm's own people layer: what journeys builds on, so it imports nothing above it.
CRM_CORE = ["models.py", "roles.py", "services.py", "selectors.py", "env.py"]


def _imports(path: Path) -> set[str]:
    """Every first-party module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.split(".")[0] in FIRST_PARTY}


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_dependencies_point_one_way(app: str) -> None:
    wrong = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        for name in _imports(path)
        if name.split(".")[0] not in ALLOWED[app]
        or name.startswith(("crm.demo", "crm.admin", "crm.urls"))
        or (name.startswith("crm.dashboard") and app not in SCREENS)
    }
    assert not wrong, f"{app} imports an app above it: {sorted(wrong)}"


def test_crm_people_layer_imports_no_app_above_it() -> None:
    wrong = {
        f"crm/{name}: {module}"
        for name in CRM_CORE
        for module in _imports(ROOT / "crm" / name)
        if module.split(".")[0] not in ("crm", "audit") and module != "crm.celery"
    }
    assert not wrong, sorted(wrong)


def test_followups_and_care_listen_in_their_bands() -> None:
    # intake's assignment first: followups' acknowledgment speaks as the chosen coordinator;
    # api.webhooks last (band 400): it only queues deliveries of what the others decided.
    assert hooks.listeners(hooks.JOURNEY_CREATED) == [
        "intake.assign",
        "followups.replan",
        "api.webhooks",
    ]
    assert hooks.listeners(hooks.JOURNEY_MOVED) == [
        "followups.replan",
        "care.plan",
        "care.bill_guard",
        "care.travel",
        "care.risk",
        "feedback.referral",
        "feedback.survey_timing",
        "api.webhooks",
    ]
    # feedback re-plans the survey after care re-dated the steps (feedback/timing.py).
    assert hooks.listeners(hooks.DATES_CHANGED) == [
        "followups.reschedule",
        "care.plan_dates",
        "feedback.survey_dates",
    ]
    assert hooks.listeners(hooks.JOURNEYS_SEEDED) == [
        "followups.plan_seeded",
        "care.seed_demo",
        "care.quotes_seed",
        "care.travel_demo",
        "care.risk_seeded",
        "feedback.seed_demo",
    ]


def test_unknown_hook_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown journey hook 'journey_deleted'"):
        hooks.register("journey_deleted", print, order=1, name="x")


@pytest.fixture
def recorder():  # type: ignore[no-untyped-def]
    calls: list[tuple[str, str, bool]] = []

    def make(label: str):  # type: ignore[no-untyped-def]
        def listener(*, journey: Journey, event: JourneyEvent) -> None:
            calls.append((label, event.kind, connection.in_atomic_block))

        return listener

    hooks.register(hooks.JOURNEY_MOVED, make("late"), order=900, name="test.late")
    hooks.register(hooks.JOURNEY_MOVED, make("early"), order=1, name="test.early")
    yield calls
    hooks.unregister(hooks.JOURNEY_MOVED, "test.late")
    hooks.unregister(hooks.JOURNEY_MOVED, "test.early")


def test_listeners_run_in_order_inside_the_transaction(
    journey: Journey, coordinator, recorder
) -> None:
    journey_move(journey_id=journey.pk, target=Stage.BOOKED, actor=coordinator)
    assert recorder == [("early", EventKind.ADVANCED, True), ("late", EventKind.ADVANCED, True)]
    assert hooks.listeners(hooks.JOURNEY_MOVED) == [
        "test.early",
        "followups.replan",
        "care.plan",
        "care.bill_guard",
        "care.travel",
        "care.risk",
        "feedback.referral",
        "feedback.survey_timing",
        "api.webhooks",
        "test.late",
    ]
    # followups' listener ran between them: the booked cadence is planned.
    assert ScheduledMessage.objects.filter(journey=journey, rule__stage=Stage.BOOKED).exists()


def test_a_listener_that_fails_refuses_the_whole_move(journey: Journey, coordinator) -> None:
    def broken(*, journey: Journey, event: JourneyEvent) -> None:
        raise RuntimeError("listener failed")

    hooks.register(hooks.JOURNEY_MOVED, broken, order=999, name="test.broken")
    try:
        with pytest.raises(RuntimeError, match="listener failed"):
            journey_move(journey_id=journey.pk, target=Stage.BOOKED, actor=coordinator)
    finally:
        hooks.unregister(hooks.JOURNEY_MOVED, "test.broken")
    journey.refresh_from_db()
    assert journey.stage == Stage.INQUIRY
    assert not JourneyEvent.objects.filter(journey=journey, kind=EventKind.ADVANCED).exists()
    assert not ScheduledMessage.objects.filter(journey=journey, rule__stage=Stage.BOOKED).exists()
