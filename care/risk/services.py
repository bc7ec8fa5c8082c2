"""Every write of the booked-risk flags: recompute (one journey or all), mark a reason
handled, snapshots for the show-rate report, and the listeners that recompute when
something changes.

When it runs:
- a journey enters booked (journeys hook, in the move's transaction): computed at once and
  snapshotted "at booking"; leaving booked deletes its row (only booked journeys have one);
- the patient's reply is stored (followups hook, in the inbound transaction): recomputed
  inline, so the reply's words are on My day when the coordinator opens it;
- a delivery or tracking event changes one of our emails' status (followups hook, in the
  webhook's request): a task recomputes after commit, so the ESP's retries stay fast;
- a coordinator marks a reason handled;
- nightly (beat, care.tasks.risk_nightly): every booked journey in batches, catching what
  time alone changes (days of silence) and taking the T-14 snapshots.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from care import tasks
from care.models import JourneyRisk, RiskHandled, RiskMoment, RiskSnapshot
from care.risk import registry
from care.risk.reasons import load_matcher
from care.risk.registry import JourneyFacts, RiskBatch
from journeys.models import EventKind, Journey, JourneyEvent, Outcome, Stage

log = logging.getLogger(__name__)

# Journeys per recompute batch: each reason reads the batch in one query.
BATCH_SIZE = 2000
# The T-14 snapshot: taken by the first recompute at or after this many days before arrival.
SNAPSHOT_DAYS_BEFORE = 14


class RiskError(ValueError):
    """A refused risk action, in words for the coordinator."""


@dataclass(frozen=True)
class Assessment:
    level: int
    score: int
    reasons: list[dict[str, Any]]

    @property
    def codes(self) -> list[str]:
        return [reason["code"] for reason in self.reasons]


def _facts(journey_ids: list[int]) -> dict[int, JourneyFacts]:
    return {
        pk: JourneyFacts(
            id=pk,
            booked_since=entered,
            awaiting_reply_since=waiting,
            planned_arrival=arrival,
        )
        for pk, entered, waiting, arrival in Journey.objects.filter(
            pk__in=journey_ids, outcome=Outcome.ACTIVE, stage=Stage.BOOKED
        )
        .order_by("pk")
        .values_list("pk", "stage_entered_at", "awaiting_reply_since", "planned_arrival")
    }


def _suppressed(reason: registry.Reason, finding: registry.Finding, handled: Any) -> bool:
    handled_at, now = handled
    if handled_at > now:
        return False  # handled "later" than the moment assessed (a snapshot of the past)
    if finding.since is not None and finding.since > handled_at:
        return False  # new evidence since it was handled
    return reason.renew_after is None or now < handled_at + reason.renew_after


def risk_assess(batch: RiskBatch) -> dict[int, Assessment]:
    """Run every registered reason over the batch; handled reasons left out. Reads only."""
    handled = {
        (journey_id, code): (at, batch.now_for(journey_id))
        for journey_id, code, at in RiskHandled.objects.filter(
            journey_id__in=batch.ids
        ).values_list("journey_id", "code", "handled_at")
    }
    found: dict[int, list[dict[str, Any]]] = {pk: [] for pk in batch.journeys}
    for reason in registry.reasons():
        for finding in reason.function(batch):
            if finding.journey_id not in found:
                continue
            key = (finding.journey_id, reason.code)
            if key in handled and _suppressed(reason, finding, handled[key]):
                continue
            found[finding.journey_id].append(
                {
                    "code": reason.code,
                    "label": reason.label,
                    "points": finding.points if finding.points is not None else reason.points,
                    "detail": finding.detail,
                    "action": reason.action,
                    "since": finding.since.isoformat() if finding.since else "",
                }
            )
    assessed = {}
    for journey_id, reasons in found.items():
        reasons.sort(key=lambda r: (-r["points"], r["code"]))
        score = min(sum(r["points"] for r in reasons), 32767)
        assessed[journey_id] = Assessment(registry.level_for(score), score, reasons)
    return assessed


def risk_recompute(
    *,
    journey_ids: list[int],
    now: dt.datetime | None = None,
    cache: dict[str, Any] | None = None,
    snapshot: str = "",
) -> dict[int, Assessment]:
    """Recompute and store the risk of these journeys. Only active booked journeys have a
    row; the others' rows are deleted. Idempotent: a row whose answer did not change is
    not written. `snapshot`: also keep this moment's snapshot (first one wins)."""
    now = now or timezone.now()
    ids = sorted(set(journey_ids))
    facts = _facts(ids)
    gone = [pk for pk in ids if pk not in facts]
    if gone:
        JourneyRisk.objects.filter(journey_id__in=gone).delete()
    if not facts:
        return {}
    batch = RiskBatch(now=now, journeys=facts, cache=cache if cache is not None else {})
    assessed = risk_assess(batch)
    # Per-batch shares (messages, matches) must not leak into the next batch.
    for key in ("inbound", "outbound", "said"):
        batch.cache.pop(key, None)
    stored = {
        pk: (level, score, reasons)
        for pk, level, score, reasons in JourneyRisk.objects.filter(
            journey_id__in=list(facts)
        ).values_list("journey_id", "level", "score", "reasons")
    }
    changed = [
        JourneyRisk(journey_id=pk, level=a.level, score=a.score, reasons=a.reasons, changed_at=now)
        for pk, a in assessed.items()
        if stored.get(pk) != (a.level, a.score, a.reasons)
    ]
    if changed:
        JourneyRisk.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["journey"],
            update_fields=["level", "score", "reasons", "changed_at"],
        )
    if snapshot:
        _snapshot(assessed, moment=snapshot, now=now)
    return assessed


def _snapshot(assessed: dict[int, Assessment], *, moment: str, now: dt.datetime) -> None:
    RiskSnapshot.objects.bulk_create(
        [
            RiskSnapshot(
                journey_id=pk,
                moment=moment,
                level=a.level,
                score=a.score,
                codes=a.codes,
                taken_at=now,
            )
            for pk, a in assessed.items()
        ],
        ignore_conflicts=True,
    )


@dataclass
class RecomputeStats:
    journeys: int = 0
    batches: int = 0
    levels: dict[int, int] | None = None
    t14_snapshots: int = 0
    seconds: float = 0.0


def risk_recompute_all(
    *, now: dt.datetime | None = None, batch_size: int = BATCH_SIZE
) -> RecomputeStats:
    """Every active booked journey, in id order, one transaction per batch (a crash loses
    one batch's work and the next run redoes it), and the T-14 snapshots of those arriving
    within 14 days. Safe to run twice: the second run writes nothing new."""
    started = time.perf_counter()
    now = now or timezone.now()
    today = timezone.localdate(now)
    t14 = today + dt.timedelta(days=SNAPSHOT_DAYS_BEFORE)
    stats = RecomputeStats(levels={0: 0, 1: 0, 2: 0})
    assert stats.levels is not None
    # The phrase list is read once for the whole run.
    cache: dict[str, Any] = {"matcher": load_matcher()}
    # Rows left behind by a journey that left booked without the hook (a bulk admin edit,
    # a restore): the safety net the nightly run is.
    JourneyRisk.objects.exclude(
        journey__outcome=Outcome.ACTIVE, journey__stage=Stage.BOOKED
    ).delete()
    # Every booked id in one read (the (outcome, stage, …) index; a few MB at a million
    # journeys), then batches by slicing: paging by "id > last" walked the primary key
    # through every journey, booked or not, once per batch.
    booked = list(
        Journey.objects.filter(outcome=Outcome.ACTIVE, stage=Stage.BOOKED)
        .order_by("pk")
        .values_list("pk", "planned_arrival")
    )
    for first in range(0, len(booked), batch_size):
        rows = booked[first : first + batch_size]
        with transaction.atomic():
            assessed = risk_recompute(journey_ids=[pk for pk, _ in rows], now=now, cache=cache)
            due = {pk for pk, arrival in rows if arrival is not None and arrival <= t14}
            if due:
                _snapshot(
                    {pk: a for pk, a in assessed.items() if pk in due},
                    moment=RiskMoment.T14,
                    now=now,
                )
                stats.t14_snapshots += len(due)
        stats.journeys += len(assessed)
        stats.batches += 1
        for assessment in assessed.values():
            stats.levels[assessment.level] += 1
    if connection.vendor == "postgresql":
        # The first run after an upgrade writes every row at once, before autovacuum has
        # looked at the table: without statistics PostgreSQL plans My day's risk list as a
        # walk over every journey (225 ms instead of 4 ms at 100,000 patients). Cheap: the
        # table holds only the booked journeys.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE care_journeyrisk")
    stats.seconds = time.perf_counter() - started
    log.info(
        "Booked risk recomputed: %d journeys in %d batches, %.1f s",
        stats.journeys,
        stats.batches,
        stats.seconds,
    )
    return stats


def risk_reason_handle(
    *, journey_id: int, code: str, actor: Any, note: str = "", now: dt.datetime | None = None
) -> Assessment | None:
    """A coordinator dealt with one reason ("called her about the price"). Kept quiet
    until new evidence (or its renewal period); an event on the timeline says who and when.
    The caller has checked the actor may see the journey."""
    reason = registry.get(code)
    if reason is None:
        raise RiskError("No such risk reason.")
    now = now or timezone.now()
    with transaction.atomic():
        journey = Journey.objects.select_for_update().filter(pk=journey_id).first()
        if journey is None:
            raise RiskError("No such journey.")
        if journey.outcome != Outcome.ACTIVE or journey.stage != Stage.BOOKED:
            raise RiskError("Risk flags are only kept for active booked journeys.")
        RiskHandled.objects.update_or_create(
            journey_id=journey_id,
            code=code,
            defaults={"handled_at": now, "handled_by": actor},
        )
        JourneyEvent.objects.create(
            journey_id=journey_id,
            kind=EventKind.NOTE,
            actor=actor,
            reason=f"Risk handled: {reason.label}" + (f". {note}" if note else ""),
            data={"care": "risk_handled", "code": code},
            created_at=now,
        )
        return risk_recompute(journey_ids=[journey_id], now=now).get(journey_id)


# --- Listeners --------------------------------------------------------------------------


def on_journey_moved(*, journey: Journey, event: JourneyEvent) -> None:
    """journeys hook JOURNEY_MOVED (care's band): entering booked computes and snapshots
    the risk at once; leaving it deletes the row (risk_recompute does both)."""
    entered = journey.outcome == Outcome.ACTIVE and journey.stage == Stage.BOOKED
    # Only a move into or out of booked touches the risk (no query for the others); a
    # booked journey lost or postponed keeps stage "booked" as both from and to stage.
    if entered or event.from_stage == Stage.BOOKED:
        risk_recompute(
            journey_ids=[journey.pk],
            now=max(timezone.now(), event.created_at),
            snapshot=RiskMoment.BOOKING if entered else "",
        )


def on_inbound_reply(*, message: Any, journey: Journey) -> None:
    """followups hook INBOUND_REPLY_STORED: what they wrote counts at once (only the
    patient's own reply: one from another address is not their words)."""
    if not message.counts_as_reply or journey is None:
        return
    if journey.outcome == Outcome.ACTIVE and journey.stage == Stage.BOOKED:
        risk_recompute(journey_ids=[journey.pk])


def on_message_status_changed(*, message: Any) -> None:
    """followups hook MESSAGE_STATUS_CHANGED (a bounce, a delivery, an open): recompute in
    a task after commit, so the ESP's webhook answers fast."""
    journey = message.journey
    if journey.outcome != Outcome.ACTIVE or journey.stage != Stage.BOOKED:
        return
    journey_id = journey.pk
    transaction.on_commit(lambda: tasks.risk_recompute_journey.delay(journey_id))


def thresholds() -> tuple[int, int]:
    return settings.RISK_WATCH_SCORE, settings.RISK_HIGH_SCORE


# The demo's risk stories cost about 2 ms per journey (ORM inserts and an assessment as
# of two past moments): worth it for `make run`'s few hundred patients, not for the
# benchmarks' million (about 35 more minutes). Bigger seeder chunks get no stories; their
# risk is computed by the nightly run or bench/risk.py, which adds its own messages.
DEMO_STORIES_MAX_JOURNEYS = 3000


def on_journeys_seeded(*, journey_ids: list[int]) -> None:
    """journeys hook JOURNEYS_SEEDED (the demo seeder only): risky replies, current risk
    and the snapshots for the journeys it wrote (care/risk/demo.py)."""
    from care.risk import demo  # demo content is only loaded when demo data is made

    if len(journey_ids) <= DEMO_STORIES_MAX_JOURNEYS:
        demo.seed_risk(journey_ids)
