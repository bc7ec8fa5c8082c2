"""Two coordinators move the same journey at the same moment: one move, one clear error."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from journeys.models import EventKind, Journey, JourneyEvent, Stage
from journeys.services import TransitionNotAllowed, journey_move

pytestmark = pytest.mark.django_db(transaction=True)


def _move(journey_id: int, actor, barrier: threading.Barrier) -> str:
    try:
        barrier.wait(timeout=10)
        journey_move(journey_id=journey_id, target=Stage.BOOKED, actor=actor)
        return "moved"
    except TransitionNotAllowed as exc:
        return str(exc)
    finally:
        connection.close()


@pytest.mark.parametrize("attempt", range(5))
def test_two_concurrent_moves_end_in_one_move_and_one_error(journey, coordinator, manager, attempt):
    barrier = threading.Barrier(2)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(
            pool.map(lambda actor: _move(journey.pk, actor, barrier), [coordinator, manager])
        )
    assert sorted(results)[-1] == "moved"
    assert results.count("moved") == 1
    error = next(r for r in results if r != "moved")
    assert f"Journey #{journey.pk} is in booked; it cannot move to booked." in error
    assert JourneyEvent.objects.filter(journey=journey, kind=EventKind.ADVANCED).count() == 1
    assert Journey.objects.get(pk=journey.pk).stage == Stage.BOOKED


def test_a_move_waits_for_the_row_lock_then_sees_the_new_stage(journey, coordinator, manager):
    """Hold the row lock in one transaction while another move starts: the second must
    wait, then be refused against the committed state (not apply on a stale read)."""
    started = threading.Event()
    outcome: list[str] = []

    def second() -> None:
        started.set()
        try:
            journey_move(journey_id=journey.pk, target=Stage.BOOKED, actor=manager)
            outcome.append("moved")
        except TransitionNotAllowed as exc:
            outcome.append(str(exc))
        finally:
            connection.close()

    with transaction.atomic():
        Journey.objects.select_for_update().get(pk=journey.pk)
        thread = threading.Thread(target=second)
        thread.start()
        started.wait(5)
        thread.join(timeout=1.0)
        assert thread.is_alive(), "the second move should be blocked on the row lock"
        journey_move(journey_id=journey.pk, target=Stage.BOOKED, actor=coordinator)
    thread.join(timeout=10)
    assert len(outcome) == 1
    assert "cannot move to booked" in outcome[0]
    assert JourneyEvent.objects.filter(journey=journey, kind=EventKind.ADVANCED).count() == 1
