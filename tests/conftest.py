"""Named personas shared by the whole suite. Tests run on the real database (PostgreSQL in
`make test`); only the outside world (the ESP) is ever faked."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.utils import timezone

from crm.models import Clinic, Patient, Procedure
from crm.roles import COORDINATOR, MANAGER
from journeys.models import Journey
from journeys.services import journey_create

_counter = itertools.count(1)

# The suite's "now". Every test starts at this instant and the clock ticks on from there, so
# no result depends on the day, the hour or the DST change the suite happens to run in
# (a Mon-Fri send window moved a Saturday nudge to Monday only when the suite ran on a
# Sunday). A test about a particular moment moves there itself (`clock.move_to(...)`) or
# passes an explicit `now=`. `pytest --clock=2026-11-29T23:30:00+00:00` runs the suite at
# another instant: it must pass at any. A Wednesday, noon in Berlin, 06:00 in New York.
DEFAULT_CLOCK = "2026-06-10T10:00:00+00:00"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock",
        default=DEFAULT_CLOCK,
        help="the aware ISO instant every test starts at (default: %(default)s)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "real_clock: runs on the machine's clock (other processes, e.g. Celery workers, "
        "must agree with the test on what time it is)",
    )


def suite_clock(config: pytest.Config) -> dt.datetime:
    start = dt.datetime.fromisoformat(config.getoption("clock"))
    if start.tzinfo is None:
        raise pytest.UsageError("--clock needs an offset, e.g. 2026-06-10T10:00:00+00:00")
    return start


# --- The database's clock follows the pinned one ------------------------------------------
# Claims, the reaper and what is due compare against PostgreSQL's clock (STATEMENT_TIMESTAMP(),
# which Django's Now() also compiles to), never the worker's: a skewed host must not send
# early or leave claims stuck. Under a pinned Python clock the two would disagree by months,
# so in the test process PostgreSQL's statement_timestamp() and now() are shadowed by
# versions that add this process's offset (test_clock schema, first on the search_path of
# every connection the test process opens). Worker processes of the reliability tests run
# on the machine's clock and connect without it.
_DB_CLOCK_OFFSET = 0.0
_DB_CLOCK_SQL = """
CREATE SCHEMA IF NOT EXISTS test_clock;
CREATE OR REPLACE FUNCTION test_clock.statement_timestamp() RETURNS timestamptz
LANGUAGE sql STABLE AS $$ SELECT pg_catalog.statement_timestamp() + make_interval(
    secs => coalesce(nullif(current_setting('test_clock.offset', true), ''), '0')::float8) $$;
CREATE OR REPLACE FUNCTION test_clock.now() RETURNS timestamptz
LANGUAGE sql STABLE AS $$ SELECT pg_catalog.now() + make_interval(
    secs => coalesce(nullif(current_setting('test_clock.offset', true), ''), '0')::float8) $$;
"""


def _set_db_clock(connection: object) -> None:
    with connection.cursor() as cursor:  # type: ignore[attr-defined]
        # public first, so current_schema() and new tables stay there; test_clock before
        # pg_catalog, so its functions shadow the built-in ones.
        cursor.execute("SET search_path = public, test_clock, pg_catalog")
        cursor.execute("SELECT set_config('test_clock.offset', %s, false)", [str(_DB_CLOCK_OFFSET)])


def _on_connection_created(sender: object, connection: object, **kwargs: object) -> None:
    if getattr(connection, "vendor", "") == "postgresql":
        _set_db_clock(connection)


def _sync_db_clock(offset: float) -> None:
    """Tell every open connection of this thread (new ones learn it when they connect)."""
    global _DB_CLOCK_OFFSET
    _DB_CLOCK_OFFSET = offset
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if connection.vendor == "postgresql" and connection.connection is not None:
            try:
                _set_db_clock(connection)
            except Exception:  # noqa: BLE001 - a broken connection reconnects with the offset
                connection.close()


def _python_offset() -> float:
    return time.time() - time_machine.escape_hatch.time.time()


@pytest.fixture(scope="session", autouse=True)
def _db_clock(django_db_setup: None, django_db_blocker: object) -> None:
    from django.db import connection
    from django.db.backends.signals import connection_created

    connection_created.connect(_on_connection_created, dispatch_uid="tests.db_clock")
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock():  # type: ignore[attr-defined]
            with connection.cursor() as cursor:
                cursor.execute(_DB_CLOCK_SQL)
            _set_db_clock(connection)


@pytest.fixture(scope="session", autouse=True)
def _session_clock(request: pytest.FixtureRequest) -> Iterator[time_machine.travel]:
    """Session- and module-scoped fixtures (the reports' cohort, the live server) run on
    the suite's clock too; each test then starts again at the pinned instant."""
    travel = time_machine.travel(suite_clock(request.config), tick=True)
    travel.start()
    yield travel
    travel.stop()


@pytest.fixture(autouse=True)
def clock(
    request: pytest.FixtureRequest, _session_clock: time_machine.travel
) -> Iterator[time_machine.Traveller | None]:
    """The pinned clock (time-machine): `clock.move_to(instant)`, `clock.shift(delta)`."""
    blocker = request.getfixturevalue("django_db_blocker")
    if request.node.get_closest_marker("real_clock"):
        _session_clock.stop()
        with blocker.unblock():
            _sync_db_clock(0.0)
        yield None
        _session_clock.start()
        return
    with time_machine.travel(suite_clock(request.config), tick=True) as traveller:
        with blocker.unblock():
            _sync_db_clock(_python_offset())
        for name in ("move_to", "shift"):
            _follow_with_the_database(traveller, name)
        yield traveller


def _follow_with_the_database(traveller: time_machine.Traveller, name: str) -> None:
    """`clock.move_to(...)` and `clock.shift(...)` move PostgreSQL's clock too."""
    moved = getattr(traveller, name)

    def move(*args: object, **kwargs: object) -> None:
        moved(*args, **kwargs)
        _sync_db_clock(_python_offset())

    setattr(traveller, name, move)


def make_user(username: str, role: str) -> User:
    user = User.objects.create_user(
        username=username,
        password="pw-" + username,
        # The admin is for managers; coordinators work in the dashboard only.
        is_staff=role == MANAGER,
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


def make_received_email(
    journey: Journey,
    *,
    raw: bytes,
    from_email: str,
    subject: str,
    text: str,
    message_id: str,
    to_email: str = "crm@clinic.example",
    attachment: tuple[str, bytes, str] = ("result.pdf", b"%PDF", "application/pdf"),
) -> tuple[Any, Any, Any]:
    """An inbound email stored on `journey` as the inbound service would leave it: the raw
    file, its Message and one attachment (name, bytes, content type). Returns all three."""
    from django.core.files.base import ContentFile

    from followups.models import Attachment, Direction, Message, RawEmail

    raw_email = RawEmail.objects.create(
        file=ContentFile(raw, name="r.eml"),
        size=len(raw),
        sha256="0" * 64,
        source="test",
        received_at=timezone.now(),
    )
    message = Message.objects.create(
        journey=journey,
        direction=Direction.IN,
        message_id=message_id,
        from_email=from_email,
        to_email=to_email,
        subject=subject,
        text=text,
        sent_at=timezone.now(),
        raw_email=raw_email,
    )
    name, content, content_type = attachment
    stored = Attachment.objects.create(
        message=message,
        file=ContentFile(content, name=name),
        filename=name,
        content_type=content_type,
        size=len(content),
    )
    return raw_email, message, stored


@pytest.fixture(autouse=True)
def _force_login_includes_the_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    """`client.force_login(user)` stands for a finished sign-in, which for managers and
    superusers includes the second factor. Tests of signing in itself post to the real forms
    (tests/crm/accounts/) and never rely on this."""
    from django.test import Client

    from crm.accounts.testing import mark_second_factor_done

    original = Client.force_login

    def force_login(self: Client, user: User, backend: str | None = None) -> None:
        original(self, user, backend)
        mark_second_factor_done(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


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


def _reload_migration_data() -> None:
    """Run every data migration's forward function again on the current schema.

    A transactional test (real threads, worker processes, the live server) ends with a
    flush that also removes what data migrations made: the staff groups and their
    permissions, the default cadence rules and templates. Tests that run after it on the
    same xdist worker expect them, so they are put back right after the flush."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.operations.special import RunPython

    executor = MigrationExecutor(connection)
    apps = executor.loader.project_state().apps
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
    with connection.schema_editor() as schema_editor:
        for migration, _backwards in plan:
            for operation in migration.operations:
                if isinstance(operation, RunPython):
                    operation.code(apps, schema_editor)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):  # type: ignore[no-untyped-def]
    yield
    marker = item.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in getattr(item, "fixturenames", ()) for name in ("transactional_db", "live_server")
    )
    if transactional and nextitem is not None:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _reload_migration_data()
