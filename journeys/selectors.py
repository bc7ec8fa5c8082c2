"""Reads about journeys that views, the admin, the API and commands share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from journeys.models import TRANSITION_KINDS, Journey, JourneyEvent, Outcome

if TYPE_CHECKING:
    from crm.models import Patient, Procedure


def journey_has_active(*, patient: Patient, procedure: Procedure) -> bool:
    return Journey.objects.filter(
        patient=patient, procedure=procedure, outcome=Outcome.ACTIVE
    ).exists()


@dataclass(frozen=True)
class Replay:
    stage: str
    outcome: str
    problems: list[str]


def journey_replay(events: list[JourneyEvent]) -> Replay:
    """Rebuild stage and outcome from a journey's events alone, checking that every step
    starts where the previous one ended. Events are the source of truth for the funnel, so
    a journey whose replay disagrees with its row is a bug somewhere."""
    stage, outcome = "", ""
    problems: list[str] = []
    for event in events:
        if event.kind not in TRANSITION_KINDS:
            continue
        if event.from_stage != stage:
            problems.append(
                f"event {event.pk} starts from {event.from_stage or 'nothing'!r}, "
                f"journey was at {stage or 'nothing'!r}"
            )
        stage, outcome = event.to_stage, event.outcome
    return Replay(stage=stage, outcome=outcome, problems=problems)
