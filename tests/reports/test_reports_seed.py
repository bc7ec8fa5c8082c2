"""Demo data carries the report columns exactly as journey_move would have written them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from crm import demo
from journeys.models import Journey
from journeys.services import journeys_backfill_reached
from reports.funnel import funnel_report
from reports.params import Period, ReportParams

pytestmark = pytest.mark.django_db

COLUMNS = ("booked_at", "arrived_at", "procedure_at", "followup_at", "times_postponed")


def snapshot() -> dict[int, tuple[Any, ...]]:
    return {row[0]: row[1:] for row in Journey.objects.values_list("pk", *COLUMNS)}


@pytest.mark.parametrize("writer", ["copy", "orm"])
def test_seeded_journeys_match_their_events(settings, writer):
    if writer == "copy" and connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo.ensure_demo_staff("pw-demo")
    stats = demo.seed(patients=200, writer=writer)
    seeded = snapshot()
    assert sum(1 for row in seeded.values() if row[0] is not None) > 50
    assert sum(1 for row in seeded.values() if row[3] is not None) > 5
    assert any(row[4] for row in seeded.values())
    # The same columns rebuilt from the event timeline, the source of truth.
    journeys_backfill_reached()
    assert snapshot() == seeded
    # And the funnel over the whole history counts every seeded journey.
    assert stats.now is not None
    today = stats.now.date()
    whole = ReportParams(period=Period(today - dt.timedelta(days=3 * 366), today), compare=False)
    assert funnel_report(whole).current.inquiries == stats.journeys
    # The seeder recounts the funnel rollup for the rows it wrote around journey_move.
    assert funnel_report(whole, rollup=True) == funnel_report(whole, rollup=False)
