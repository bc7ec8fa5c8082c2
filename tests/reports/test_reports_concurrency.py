"""The funnel rollup under concurrent transitions: exact, and no deadlock."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from journeys.models import FunnelDay, Journey
from journeys.services import journey_create, journey_move, journeys_rebuild_funnel_days
from tests.conftest import make_patient

pytestmark = pytest.mark.django_db(transaction=True)


def _cells() -> dict[tuple, int]:
    return {
        (r.day, r.furthest_stage, r.outcome, r.lost_reason, r.postponed_ever): r.journeys
        for r in FunnelDay.objects.exclude(journeys=0)
    }


def test_concurrent_moves_from_the_same_cells_keep_the_rollup_exact(coordinator, procedure):
    received = timezone.now() - dt.timedelta(hours=3)
    journeys = [
        journey_create(
            patient=make_patient(),
            procedure=procedure,
            actor=coordinator,
            inquiry_received_at=received,
        )
        for _ in range(6)
    ]
    barrier = threading.Barrier(len(journeys))

    def move(journey: Journey, target: str) -> None:
        try:
            barrier.wait(timeout=10)
            if target == "lost":
                journey_move(
                    journey_id=journey.pk, target="lost", actor=coordinator, lost_reason="price"
                )
            else:
                journey_move(journey_id=journey.pk, target=target, actor=coordinator)
        finally:
            connection.close()

    # Half book, half are lost: every move leaves the same cell, two arrive in the same
    # cells, each transaction locks two rollup rows.
    targets = ["booked", "lost"] * (len(journeys) // 2)
    with ThreadPoolExecutor(max_workers=len(journeys)) as pool:
        list(pool.map(move, journeys, targets))

    kept = _cells()
    assert sum(kept.values()) == len(journeys)
    assert {k[1:4]: v for k, v in kept.items()} == {(1, "active", ""): 3, (0, "lost", "price"): 3}
    journeys_rebuild_funnel_days()
    assert _cells() == kept
