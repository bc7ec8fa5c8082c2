"""The reasons that read the trip's own rows: a quote sent and not accepted, a deposit not
paid, and travel items still open close to arrival (care.quotes and care.travel). Each
reads the whole batch in one query, like the reasons in care.risk.reasons.

They are here rather than in reasons.py because they depend on the two features' models,
registered through the same registry (care.risk.registry), so adding or dropping one never
touches the score's arithmetic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Max

from care.models import (
    Quote,
    QuoteStatus,
    TravelChecklist,
    TravelItem,
    TravelKind,
    TravelStatus,
)
from care.risk.registry import Finding, RiskBatch, register

# A sent quote counts once the patient has had it this long without accepting it.
QUOTE_PENDING_AFTER = dt.timedelta(days=3)
# A deposit still open this long after booking is a sign the patient is wavering.
DEPOSIT_OPEN_AFTER = dt.timedelta(days=7)
# Travel items still open this close to the planned arrival (My day's "arriving soon").
TRAVEL_OPEN_BEFORE = dt.timedelta(days=7)
OPEN = (TravelStatus.TODO, TravelStatus.ASKED)


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def quote_not_accepted(batch: RiskBatch) -> Iterator[Finding]:
    """The journey's newest sent quote is still waiting for the patient (a booked journey
    whose accepted quote was revised, or one booked by hand before the quote)."""
    accepted = set(
        Quote.objects.filter(journey_id__in=batch.ids, status=QuoteStatus.ACCEPTED).values_list(
            "journey_id", flat=True
        )
    )
    waiting = (
        Quote.objects.filter(journey_id__in=batch.ids, status=QuoteStatus.SENT)
        .values("journey_id")
        .annotate(sent=Max("sent_at"))
    )
    for row in waiting:
        journey_id, sent = row["journey_id"], row["sent"]
        if journey_id in accepted or sent is None:
            continue
        now = batch.now_for(journey_id)
        if sent <= now - QUOTE_PENDING_AFTER:
            yield Finding(journey_id, detail=f"sent {(now - sent).days} days ago", since=sent)


def deposit_unpaid(batch: RiskBatch) -> Iterator[Finding]:
    """The checklist's deposit item is still to do or asked a week after booking."""
    rows = TravelItem.objects.filter(
        journey_id__in=batch.ids, kind=TravelKind.DEPOSIT, status__in=OPEN
    ).values_list("journey_id", "status")
    for journey_id, status in rows:
        facts = batch.journeys[journey_id]
        now = batch.now_for(journey_id)
        due = facts.booked_since + DEPOSIT_OPEN_AFTER
        if due <= now:
            days = (now - facts.booked_since).days
            asked = " (asked)" if status == TravelStatus.ASKED else ""
            yield Finding(journey_id, detail=f"booked {_days(days)} ago{asked}", since=due)


def travel_open_near_arrival(batch: RiskBatch) -> Iterator[Finding]:
    """Travel items still open within a week of the planned arrival."""
    soon = {
        journey_id: facts.planned_arrival
        for journey_id, facts in batch.journeys.items()
        if facts.planned_arrival is not None
    }
    if not soon:
        return
    counts = dict(
        TravelChecklist.objects.filter(journey_id__in=list(soon), open_count__gt=0).values_list(
            "journey_id", "open_count"
        )
    )
    for journey_id, count in counts.items():
        arrival = soon[journey_id]
        now = batch.now_for(journey_id)
        window_opens = dt.datetime.combine(arrival, dt.time.min, tzinfo=dt.UTC) - TRAVEL_OPEN_BEFORE
        if window_opens <= now and arrival >= now.date():
            items = "1 item" if count == 1 else f"{count} items"
            yield Finding(
                journey_id,
                detail=f"{items} open, arrives {arrival:%d %b}",
                since=window_opens,
            )


def register_trip_reasons() -> None:
    """Called by care's AppConfig.ready(), after the built-in reasons."""
    register(
        "quote_not_accepted",
        quote_not_accepted,
        label="Quote not accepted",
        points=25,
        action="Call about the quote: what it includes",
    )
    register(
        "deposit_unpaid",
        deposit_unpaid,
        label="Deposit not paid",
        points=30,
        action="Ask for the deposit",
    )
    register(
        "travel_open",
        travel_open_near_arrival,
        label="Travel items open",
        points=25,
        action="Go through the travel checklist with them",
    )
