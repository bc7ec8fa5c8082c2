"""The reason registry: the one interface for adding a risk reason.

A reason is a function that takes a RiskBatch (up to a few thousand active booked
journeys, their row facts and `now`) and yields Findings. It reads what it needs for the
whole batch in one or two queries (`journey_id__in=batch.ids`): never a query per journey,
because the nightly run covers every booked journey. Register it once, at import time of a
module care's AppConfig.ready() imports:

    from care.risk import registry

    @registry.reason(
        "quote_not_accepted",
        label="Quote not accepted",
        points=30,
        action="Call about the quote",
    )
    def quote_not_accepted(batch: registry.RiskBatch) -> Iterator[registry.Finding]:
        for journey_id, sent_at in Quote.objects.filter(
            journey_id__in=batch.ids, status="sent"
        ).values_list("journey_id", "sent_at"):
            yield registry.Finding(journey_id, detail=f"sent {sent_at:%d %b}", since=sent_at)

`since` is when the evidence appeared: a coordinator's "handled" hides a finding whose
`since` is not after it (so new evidence flags it again), and for reasons registered with
`renew_after` only for that long. `points` on a Finding overrides the registered points
(a reason that grows with time). A finding's evidence must be at or before `batch.now`:
the demo's snapshots assess journeys as of a past moment: use `batch.now_for(journey_id)`,
which is `batch.now` except for those.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from care.models import RiskLevel


@dataclass(frozen=True)
class Finding:
    journey_id: int
    detail: str = ""
    since: dt.datetime | None = None
    points: int | None = None


@dataclass(frozen=True)
class JourneyFacts:
    """The journey row's own facts every reason may use without a query."""

    id: int
    booked_since: dt.datetime  # when it (last) entered booked
    awaiting_reply_since: dt.datetime | None
    planned_arrival: dt.date | None
    # Assess this journey as of an earlier moment than the batch's `now` (the demo's
    # snapshots of the past, one batch for many moments); None: as of `now`.
    as_of: dt.datetime | None = None


@dataclass
class RiskBatch:
    now: dt.datetime
    journeys: dict[int, JourneyFacts]
    # Shared reads that several reasons use (the inbound messages, the phrase matcher),
    # loaded once per batch by whichever reason asks first.
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def ids(self) -> list[int]:
        return list(self.journeys)

    def now_for(self, journey_id: int) -> dt.datetime:
        """The moment a journey is assessed at: evidence after it does not count."""
        return self.journeys[journey_id].as_of or self.now

    @property
    def earliest(self) -> dt.datetime:
        return min(facts.as_of or self.now for facts in self.journeys.values())

    def shared(self, key: str, load: Callable[[], Any]) -> Any:
        if key not in self.cache:
            self.cache[key] = load()
        return self.cache[key]


ReasonFunction = Callable[[RiskBatch], Iterable[Finding]]


@dataclass(frozen=True)
class Reason:
    code: str
    label: str
    points: int
    action: str
    function: ReasonFunction
    # For reasons with no new evidence to wait for (nothing heard for N days): how long a
    # "handled" keeps it quiet. None: until new evidence.
    renew_after: dt.timedelta | None = None


_registry: dict[str, Reason] = {}


def register(
    code: str,
    function: ReasonFunction,
    *,
    label: str,
    points: int,
    action: str,
    renew_after: dt.timedelta | None = None,
) -> None:
    """Add a reason; the same code again replaces it (ready() may run twice)."""
    if not code or len(code) > 40:
        raise ValueError("A risk reason's code is 1-40 characters (it is stored).")
    # RISK_POINTS (settings) overrides the default points: tuning without a release.
    points = settings.RISK_POINTS.get(code, points)
    _registry[code] = Reason(code, label, points, action, function, renew_after)


def reason(
    code: str, *, label: str, points: int, action: str, renew_after: dt.timedelta | None = None
) -> Callable[[ReasonFunction], ReasonFunction]:
    """Decorator form of register()."""

    def wrap(function: ReasonFunction) -> ReasonFunction:
        register(code, function, label=label, points=points, action=action, renew_after=renew_after)
        return function

    return wrap


def unregister(code: str) -> None:
    _registry.pop(code, None)


def reasons() -> list[Reason]:
    return [_registry[code] for code in sorted(_registry)]


def get(code: str) -> Reason | None:
    return _registry.get(code)


def level_for(score: int) -> int:
    """The level a score means (settings RISK_WATCH_SCORE / RISK_HIGH_SCORE)."""
    if score >= settings.RISK_HIGH_SCORE:
        return RiskLevel.HIGH
    if score >= settings.RISK_WATCH_SCORE:
        return RiskLevel.WATCH
    return RiskLevel.LOW


def check_points_setting() -> None:
    """RISK_POINTS may only name registered reasons (a typo would silently do nothing)."""
    unknown = sorted(set(settings.RISK_POINTS) - set(_registry))
    if unknown:
        raise ImproperlyConfigured(
            f"RISK_POINTS names unknown risk reasons: {', '.join(unknown)}; known: "
            + ", ".join(sorted(_registry))
            + "."
        )
