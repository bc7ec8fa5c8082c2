"""The reasons computed from data that exists today: how long since the patient last got in
touch, their email waiting for our answer, our emails bouncing or going unread, and what
they wrote. Each reads the whole batch in one query, shared through `batch.shared`.

Points (the defaults, tuned on the demo data: README "Booked-risk flags") add up to the
score; RISK_WATCH_SCORE and RISK_HIGH_SCORE turn it into a level. A price objection, a
competitor's offer or a postponement alone is high; a doubt alone or a week of silence is
watch; two small reasons together can make high.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import Q

from care.models import RiskPhrase, RiskPhraseCategory
from care.risk.phrases import Matcher
from care.risk.registry import Finding, RiskBatch, register
from crm.models import Interaction, InteractionDirection
from followups.models import Direction, InboundLabel, Message, MessageStatus

# Inbound mail that is not the patient getting in touch.
NOT_CONTACT = (InboundLabel.AUTO_REPLY, InboundLabel.BOUNCE)
# How far back "last heard from" looks: older contact counts as none (since booking).
CONTACT_WINDOW = dt.timedelta(days=180)
BAD_DELIVERY = (
    MessageStatus.BOUNCED,
    MessageStatus.REJECTED,
    MessageStatus.COMPLAINED,
    MessageStatus.FAILED,
)
# Our emails count as unread once they are this old, delivered and never opened.
UNREAD_AFTER = dt.timedelta(days=2)
UNREAD_COUNT = 2
# A reply waiting this long is late (the reply-waiting reason's bigger weight).
REPLY_LATE = dt.timedelta(hours=24)


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _inbound(batch: RiskBatch) -> dict[int, list[Any]]:
    """The patient's own inbound mail of the batch's journeys (auto-replies and bounces
    left out), newest first."""
    rows: dict[int, list[Any]] = {}
    for row in (
        Message.objects.filter(
            journey_id__in=batch.ids,
            direction=Direction.IN,
            sent_at__gte=batch.earliest - CONTACT_WINDOW,
            sent_at__lte=batch.now,
        )
        .exclude(label__in=NOT_CONTACT)
        .order_by("-sent_at")
        .values("journey_id", "sent_at", "text_reply", "text_quoted", "text")
    ):
        if row["sent_at"] <= batch.now_for(row["journey_id"]):
            rows.setdefault(row["journey_id"], []).append(row)
    return rows


def _outbound(batch: RiskBatch) -> dict[int, list[Any]]:
    """Our emails since the earliest booking in the batch, newest first, and the bounce
    reports that came back by email (inbound, label bounce)."""
    earliest = min(facts.booked_since for facts in batch.journeys.values())
    rows: dict[int, list[Any]] = {}
    for row in (
        Message.objects.filter(
            Q(direction=Direction.OUT) | Q(direction=Direction.IN, label=InboundLabel.BOUNCE),
            journey_id__in=batch.ids,
            sent_at__gte=earliest,
            sent_at__lte=batch.now,
        )
        .order_by("-sent_at")
        .values("journey_id", "direction", "sent_at", "status", "opened_at", "bounced_at")
    ):
        if row["sent_at"] <= batch.now_for(row["journey_id"]):
            rows.setdefault(row["journey_id"], []).append(row)
    return rows


def load_matcher() -> Matcher:
    return Matcher.build(
        RiskPhrase.objects.filter(active=True).values_list("category", "phrase").order_by()
    )


def _said(batch: RiskBatch) -> dict[int, dict[str, tuple[str, dt.datetime]]]:
    """Per journey and category, the newest message since booking that hit it: (the
    phrase, when). Only what the patient wrote, not the history they quoted."""
    matcher: Matcher = batch.shared("matcher", load_matcher)
    inbound = batch.shared("inbound", lambda: _inbound(batch))
    said: dict[int, dict[str, tuple[str, dt.datetime]]] = {}
    for journey_id, rows in inbound.items():
        since = batch.journeys[journey_id].booked_since
        found: dict[str, tuple[str, dt.datetime]] = {}
        for row in rows:  # newest first: the first hit per category is the newest
            if row["sent_at"] < since:
                break
            text = row["text_reply"] or ("" if row["text_quoted"] else row["text"])
            for category, phrase in matcher.find(text).items():
                found.setdefault(category, (phrase, row["sent_at"]))
        if found:
            said[journey_id] = found
    return said


def quiet(batch: RiskBatch) -> Iterator[Finding]:
    """Nothing heard from the patient (an email of theirs, or a call or message logged as
    from them) for RISK_QUIET_DAYS; twice that weighs more. Booking counts as contact."""
    inbound = batch.shared("inbound", lambda: _inbound(batch))
    calls: dict[int, dt.datetime] = {}
    for journey_id, at in (
        Interaction.objects.filter(
            journey_id__in=batch.ids,
            direction=InteractionDirection.INBOUND,
            occurred_at__gte=batch.earliest - CONTACT_WINDOW,
            occurred_at__lte=batch.now,
        )
        .order_by()
        .values_list("journey_id", "occurred_at")
    ):
        if at > batch.now_for(journey_id):
            continue
        if journey_id not in calls or at > calls[journey_id]:
            calls[journey_id] = at
    after = dt.timedelta(days=settings.RISK_QUIET_DAYS)
    for journey_id, facts in batch.journeys.items():
        last = facts.booked_since
        if inbound.get(journey_id):
            last = max(last, inbound[journey_id][0]["sent_at"])
        if journey_id in calls:
            last = max(last, calls[journey_id])
        silent = batch.now_for(journey_id) - last
        if silent >= after:
            yield Finding(
                journey_id,
                detail=f"Nothing heard for {_days(silent.days)}",
                since=last,
                points=35 if silent >= 2 * after else None,
            )


def reply_waiting(batch: RiskBatch) -> Iterator[Finding]:
    """They wrote and nobody answered yet (journeys' replies-waiting queue)."""
    for journey_id, facts in batch.journeys.items():
        waiting_since = facts.awaiting_reply_since
        now = batch.now_for(journey_id)
        if waiting_since is None or waiting_since > now:
            continue
        waited = now - waiting_since
        late = waited >= REPLY_LATE
        yield Finding(
            journey_id,
            detail=(
                f"Their email has waited {_days(waited.days)} for an answer"
                if late
                else f"Their email has waited {int(waited.total_seconds() // 3600)} h"
            ),
            since=waiting_since,
            points=None if late else 10,
        )


def email_bounced(batch: RiskBatch) -> Iterator[Finding]:
    """One of our emails since booking bounced, was rejected or failed: they may be
    reading nothing we send."""
    outbound = batch.shared("outbound", lambda: _outbound(batch))
    for journey_id, rows in outbound.items():
        since = batch.journeys[journey_id].booked_since
        for row in rows:
            if row["sent_at"] < since:
                break
            if row["direction"] == Direction.IN or row["status"] in BAD_DELIVERY:
                when = row["bounced_at"] or row["sent_at"]
                if when > batch.now_for(journey_id):
                    continue
                yield Finding(journey_id, detail=f"Our email of {when:%d %b} bounced", since=when)
                break


def emails_unread(batch: RiskBatch) -> Iterator[Finding]:
    """Our last reassurance emails were delivered but never opened. Only status
    "delivered" counts: without an ESP's tracking (console or SMTP mail) an email stays
    "sent" and says nothing either way, so this reason stays silent."""
    outbound = batch.shared("outbound", lambda: _outbound(batch))
    for journey_id, rows in outbound.items():
        now = batch.now_for(journey_id)
        settled = now - UNREAD_AFTER
        since = batch.journeys[journey_id].booked_since
        unread: list[dt.datetime] = []
        for row in rows:
            if row["sent_at"] < since or row["direction"] == Direction.IN:
                continue
            if row["opened_at"] is not None and row["opened_at"] <= now:
                break  # they read a later one (newest first): fine
            if row["sent_at"] <= settled and row["status"] == MessageStatus.DELIVERED:
                unread.append(row["sent_at"])
                if len(unread) >= UNREAD_COUNT:
                    break
        if len(unread) >= UNREAD_COUNT:
            yield Finding(
                journey_id,
                detail=f"Our last {len(unread)} emails were delivered but not opened",
                since=unread[0],
            )


def _said_reason(category: str) -> Any:
    def find(batch: RiskBatch) -> Iterator[Finding]:
        said = batch.shared("said", lambda: _said(batch))
        for journey_id, found in said.items():
            if category in found:
                phrase, at = found[category]
                yield Finding(
                    journey_id,
                    detail=f"Wrote “{phrase}” on {at:%d %b}",
                    since=at,
                )

    find.__name__ = f"said_{category}"
    return find


def register_defaults() -> None:
    """Called by care's AppConfig.ready()."""
    quiet_days = dt.timedelta(days=settings.RISK_QUIET_DAYS)
    register(
        "quiet",
        quiet,
        label="Not heard from",
        points=20,
        action="Call them",
        renew_after=quiet_days,
    )
    register(
        "reply_waiting",
        reply_waiting,
        label="Reply waiting",
        points=25,
        action="Answer their email",
    )
    register(
        "email_bounced",
        email_bounced,
        label="Email bounced",
        points=30,
        action="Call: check their email address",
    )
    register(
        "emails_unread",
        emails_unread,
        label="Emails unread",
        points=15,
        action="Call or message them another way",
    )
    said = {
        RiskPhraseCategory.PRICE: (50, "Call about the price: what is included"),
        RiskPhraseCategory.COMPETITOR: (55, "Call: compare the offer, what we include"),
        RiskPhraseCategory.POSTPONE: (50, "Call: keep the date or postpone properly"),
        RiskPhraseCategory.DOUBT: (25, "Call to reassure: doctor, before/after, questions"),
    }
    for category, (points, action) in said.items():
        register(
            f"said_{category.value}",
            _said_reason(category.value),
            label=category.label,
            points=points,
            action=action,
        )
