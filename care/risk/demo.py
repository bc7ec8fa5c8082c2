"""Demo data for the booked-risk flags (`make run`, `manage.py seed_demo`): the seeder's
JOURNEYS_SEEDED hook lands here. Booked patients get replies that carry the risk words
(a price objection, a competitor, a postponement, a doubt) or an email that bounced, so
My day and the board show every level; journeys that passed through booked get their
snapshots at booking and at T-14, computed by the real reasons as of that day, so the
show-rate report has something to say.

The demo's stories are drawn so that patients who did not come wrote such things more
often than those who came (that is the premise of the feature, not a finding): the report
on demo data shows how to read it, not that the score works. Tune on real data (README).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from django.utils import timezone

from care.models import RiskMoment, RiskSnapshot
from care.risk.reasons import load_matcher
from care.risk.registry import JourneyFacts, RiskBatch
from followups.models import Direction, InboundLabel, Message, MessageStatus
from journeys.models import Journey, Outcome, Stage

SAYS: dict[str, dict[str, str]] = {
    "price": {
        "en": "Hello, I found a cheaper clinic for the same treatment. Can you do better?",
        "es": "Hola, he visto que en otro sitio es más barato. ¿Pueden mejorar el precio?",
        "de": "Hallo, ich habe es woanders billiger gefunden. Geht beim Preis noch etwas?",
    },
    "competitor": {
        "en": "Another clinic sent me a better offer with the hotel included.",
        "es": "Otra clínica me ha mandado una mejor oferta con hotel incluido.",
        "de": "Eine andere Klinik hat mir ein besseres Angebot mit Hotel gemacht.",
    },
    "postpone": {
        "en": "Something came up at work, I may have to postpone the trip.",
        "es": "Me ha surgido algo en el trabajo, quizá tenga que aplazar el viaje.",
        "de": "Bei der Arbeit ist etwas dazwischengekommen, ich muss die Reise evtl. verschieben.",
    },
    "doubt": {
        "en": "To be honest I am a bit scared now and not sure it is the right choice.",
        "es": "La verdad es que ahora tengo miedo y no estoy segura de la decisión.",
        "de": "Ehrlich gesagt habe ich jetzt Angst und bin nicht sicher, ob es richtig ist.",
    },
    "fine": {
        "en": "Thanks, all good here. Looking forward to it!",
        "es": "Gracias, todo bien. ¡Tengo muchas ganas!",
        "de": "Danke, alles gut. Ich freue mich schon!",
    },
}
# The stories of a journey still booked today, with their weights: every level shows.
ACTIVE_STORIES = (
    ("fine", 36),
    ("", 14),
    ("doubt", 14),
    ("price", 9),
    ("competitor", 8),
    ("postpone", 7),
    ("bounce", 7),
    ("doubt+price", 5),
)
# Journeys that passed booked: those that did not come wrote risky things more often.
NO_SHOW_STORIES = (
    ("", 35),
    ("fine", 10),
    ("price", 15),
    ("competitor", 15),
    ("postpone", 15),
    ("doubt", 10),
)
SHOWED_STORIES = (("", 55), ("fine", 33), ("doubt", 8), ("price", 2), ("postpone", 2))


def _pick(rng: random.Random, stories: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([s for s, _ in stories], weights=[w for _, w in stories])[0]


def _between(rng: random.Random, start: dt.datetime, end: dt.datetime) -> dt.datetime | None:
    if end <= start:
        return None
    return start + (end - start) * rng.random()


def seed_risk(journey_ids: list[int], *, now: dt.datetime | None = None) -> None:
    """Messages, current risk and snapshots for the seeded journeys that reached booked."""
    from care.risk.services import risk_assess, risk_recompute

    now = now or timezone.now()
    rows: list[Any] = list(
        Journey.objects.filter(pk__in=journey_ids, booked_at__isnull=False)
        .order_by("pk")
        .values(
            "pk",
            "stage",
            "outcome",
            "booked_at",
            "stage_entered_at",
            "arrived_at",
            "closed_at",
            "planned_arrival",
            "patient__email",
            "patient__preferred_language",
        )
    )
    messages: list[Message] = []
    waiting: dict[int, dt.datetime] = {}
    for row in rows:
        rng = random.Random(row["pk"] * 7919)
        active_booked = row["outcome"] == Outcome.ACTIVE and row["stage"] == Stage.BOOKED
        if active_booked:
            story = _pick(rng, ACTIVE_STORIES)
            start, end = row["stage_entered_at"], now
        elif row["arrived_at"] is not None:
            story = _pick(rng, SHOWED_STORIES)
            start, end = row["booked_at"], row["arrived_at"]
        elif row["outcome"] in (Outcome.LOST, Outcome.POSTPONED) and row["closed_at"]:
            story = _pick(rng, NO_SHOW_STORIES)
            start, end = row["booked_at"], row["closed_at"]
        else:
            continue
        language = row["patient__preferred_language"]
        for part in filter(None, story.split("+")):
            at = _between(rng, start + dt.timedelta(hours=6), end - dt.timedelta(hours=1))
            if at is None:
                continue
            if part == "bounce":
                messages.append(_bounced(row, at))
                continue
            text = SAYS[part].get(language, SAYS[part]["en"])
            messages.append(_reply(row, at, text, language))
            if active_booked and now - at < dt.timedelta(days=2):
                waiting[row["pk"]] = at
    Message.objects.bulk_create(messages, batch_size=1000)
    for pk, at in waiting.items():
        Journey.objects.filter(pk=pk, awaiting_reply_since__isnull=True).update(
            awaiting_reply_since=at
        )

    booked_now = [
        r["pk"] for r in rows if r["outcome"] == Outcome.ACTIVE and r["stage"] == "booked"
    ]
    cache: dict[str, Any] = {"matcher": load_matcher()}
    for first in range(0, len(booked_now), 2000):
        risk_recompute(journey_ids=booked_now[first : first + 2000], now=now, cache=cache)

    # Snapshots as of their moment (the end of the booking day; the nightly run 14 days
    # before the planned arrival), assessed in one batch per moment kind (as_of per journey).
    moments: dict[str, dict[int, JourneyFacts]] = defaultdict(dict)
    taken: dict[tuple[str, int], dt.datetime] = {}
    for row in rows:
        # The stage entry that counts is the first booking (booked_at).
        booked_at = row["booked_at"]
        day_end = min(booked_at.replace(hour=23, minute=59, second=0, microsecond=0), now)
        moments[RiskMoment.BOOKING][row["pk"]] = JourneyFacts(
            row["pk"], booked_at, None, row["planned_arrival"], as_of=day_end
        )
        taken[(RiskMoment.BOOKING, row["pk"])] = day_end
        if row["planned_arrival"] is None:
            continue
        t14_day = row["planned_arrival"] - dt.timedelta(days=14)
        t14 = max(dt.datetime.combine(t14_day, dt.time(2, 0), tzinfo=dt.UTC), booked_at)
        left = row["arrived_at"] or row["closed_at"]
        if t14 > now or (left is not None and left <= t14):
            continue
        moments[RiskMoment.T14][row["pk"]] = JourneyFacts(
            row["pk"], booked_at, None, row["planned_arrival"], as_of=t14
        )
        taken[(RiskMoment.T14, row["pk"])] = t14
    snapshots = []
    for moment, journeys in moments.items():
        batch = RiskBatch(now=now, journeys=journeys, cache={"matcher": cache["matcher"]})
        for pk, assessed in risk_assess(batch).items():
            snapshots.append(
                RiskSnapshot(
                    journey_id=pk,
                    moment=moment,
                    level=assessed.level,
                    score=assessed.score,
                    codes=assessed.codes,
                    taken_at=taken[(moment, pk)],
                )
            )
    RiskSnapshot.objects.bulk_create(snapshots, ignore_conflicts=True, batch_size=1000)


def _message_id(row: dict[str, Any], at: dt.datetime, kind: str) -> str:
    return f"<demo-risk-{kind}-{row['pk']}-{int(at.timestamp())}@demo.invalid>"


def _reply(row: dict[str, Any], at: dt.datetime, text: str, language: str) -> Message:
    return Message(
        journey_id=row["pk"],
        direction=Direction.IN,
        language=language,
        message_id=_message_id(row, at, "in"),
        status=MessageStatus.RECEIVED,
        from_email=row["patient__email"],
        to_email="coordinators@crm.example.com",
        subject="Re: Your trip",
        text=text,
        text_reply=text,
        sent_at=at,
        label=InboundLabel.REPLY,
        counts_as_reply=True,
        matched_by="token",
    )


def _bounced(row: dict[str, Any], at: dt.datetime) -> Message:
    return Message(
        journey_id=row["pk"],
        direction=Direction.OUT,
        message_id=_message_id(row, at, "out"),
        status=MessageStatus.BOUNCED,
        from_email="coordinators@crm.example.com",
        to_email=row["patient__email"],
        subject="How are you feeling about your trip?",
        text="(demo)",
        sent_at=at,
        bounced_at=at + dt.timedelta(minutes=3),
    )
