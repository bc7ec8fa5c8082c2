"""My day, the board and the patient page make a fixed number of queries, however many
journeys there are: each list is one bounded query (the timing goals live in bench/)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from journeys.models import Journey, Stage
from journeys.services import interaction_log, journey_create, journey_move
from tests.conftest import make_patient

pytestmark = pytest.mark.django_db

# Session, user and roles (3), then the page's own reads. Pinned: a change here is a decision.
# My day: 8 lists (unanswered, replies, arriving soon, booked at risk (care/risk/, replacing
# "quiet": same count, its risk joined in the same query), failed, bounced, arrivals,
# procedures).
# Board: counts, 5 columns, clinics, procedures (countries are cached).
# Patient page: the journey, its patient's journeys, events, assignee names, emails,
# interactions, check-ins, check-ins skipped after downtime, template keys, the procedures
# it may change to (inquiry and booked only), and the audit trail's INSERT recording the
# read (issue 11: one more query, deliberately), and care's panel (care.selectors.journey_care:
# link version, escalations, steps), and feedback's survey answer (feedback.selectors.
# journey_feedback: one read; the recovery case only when there is an answer). A journey
# with emails adds one query for their attachments (intake: the inquiry form's photos and
# X-rays are shown on the page; a prefetch, so one query however many; this test's journey
# has no email). The patient page's quote card (issue 14, care.quotes.selectors.
# journey_quote_panel): one query for the journey's quotes (their lines and the bill only
# when there is a quote), deliberately. My day also reads care's three lists
# (care.selectors.my_day_care) and feedback's open recovery cases
# (feedback.selectors.my_day_feedback): one query each.
# Then the session's renewal (SESSION_SAVE_EVERY_REQUEST: idle sessions end): one UPDATE,
# inside a SAVEPOINT/RELEASE pair here because each test runs in a transaction.
# Managers also load their second-factor device (django-otp's is_verified): one more.
SESSION_RENEWAL = 3
SECOND_FACTOR = 1
MY_DAY_QUERIES = 15 + SESSION_RENEWAL
BOARD_QUERIES = 11 + SESSION_RENEWAL
# The journey page's travel checklist panel reads the journey's items: one query (issue 14).
PATIENT_PAGE_QUERIES = 20 + SESSION_RENEWAL


def add_journeys(count, procedure, coordinator, other):
    """Journeys in every stage, half of them someone else's, with interactions."""
    stages = ["inquiry", "booked", "arrival", "procedure", "followup"]
    now = timezone.now()
    for n in range(count):
        owner = coordinator if n % 2 == 0 else other
        journey = journey_create(
            patient=make_patient(country="DE" if n % 3 else "ES"),
            procedure=procedure,
            actor=owner,
            coordinator=owner if n % 5 else None,
            inquiry_received_at=now - dt.timedelta(days=20, hours=n),
        )
        target_index = n % len(stages)
        for index, stage in enumerate(stages[1 : target_index + 1], start=1):
            journey_move(
                journey_id=journey.pk,
                target=stage,
                actor=owner,
                at=now - dt.timedelta(days=15 - index),
            )
        if n % 4 == 0:
            interaction_log(journey_id=journey.pk, kind="call", summary="Called.", by=owner)
        if target_index == 1:
            Journey.objects.filter(pk=journey.pk).update(
                planned_arrival=timezone.localdate() + dt.timedelta(days=n % 3)
            )


def count_queries(client, url):
    cache.clear()
    client.get(url)  # warm the per-process caches (countries, content types)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    ("url", "expected"),
    [("/", MY_DAY_QUERIES), ("/board/", BOARD_QUERIES), ("/board/?country=ES", BOARD_QUERIES)],
)
def test_list_pages_make_the_same_queries_at_any_size(
    client, coordinator, other_coordinator, procedure, url, expected
):
    client.force_login(coordinator)
    add_journeys(6, procedure, coordinator, other_coordinator)
    small = count_queries(client, url)
    add_journeys(40, procedure, coordinator, other_coordinator)
    large = count_queries(client, url)
    assert small == large == expected


def test_manager_pages_make_the_same_queries_at_any_size(
    client, manager, coordinator, other_coordinator, procedure
):
    client.force_login(manager)
    add_journeys(6, procedure, coordinator, other_coordinator)
    small = [count_queries(client, url) for url in ("/", "/board/")]
    add_journeys(40, procedure, coordinator, other_coordinator)
    large = [count_queries(client, url) for url in ("/", "/board/")]
    # A manager's board also lists the coordinators for its filter (cached for a minute).
    expected = [MY_DAY_QUERIES + SECOND_FACTOR, BOARD_QUERIES + SECOND_FACTOR]
    assert small == large == expected


def test_patient_page_makes_the_same_queries_at_any_size(
    client, coordinator, other_coordinator, journey, procedure
):
    client.force_login(coordinator)
    journey_move(journey_id=journey.pk, target=Stage.BOOKED, actor=coordinator)
    url = f"/journeys/{journey.pk}/"
    small = count_queries(client, url)
    add_journeys(40, procedure, coordinator, other_coordinator)
    for n in range(15):
        interaction_log(journey_id=journey.pk, kind="call", summary=f"Call {n}", by=coordinator)
    large = count_queries(client, url)
    assert small == large == PATIENT_PAGE_QUERIES
