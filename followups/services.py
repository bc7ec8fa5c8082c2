"""Automated messages. The timed-email engine (issue #3) fills this in."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from journeys.models import Journey, JourneyEvent


def messages_replan(*, journey: Journey, event: JourneyEvent) -> None:
    """Called by journeys.services inside the transition's transaction, after the stage and
    its event are written: cancel messages whose stop condition fired and schedule the new
    stage's cadence. Nothing is sent here."""
    return None
