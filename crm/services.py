"""Writes to people records."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from crm.models import Interaction, InteractionDirection, InteractionKind

if TYPE_CHECKING:
    from crm.roles import Actor


def interaction_log(
    *,
    journey_id: int,
    kind: str,
    summary: str,
    by: Actor,
    direction: str = InteractionDirection.OUTBOUND,
    minutes_spent: int = 0,
    occurred_at: dt.datetime | None = None,
) -> Interaction:
    """Log a call, WhatsApp, meeting, email or note. A coordinator's first outbound contact
    stops the time-to-first-response clock."""
    from crm.roles import person
    from journeys.services import journey_mark_answered, journey_record_first_response

    if kind not in InteractionKind.values:
        raise ValueError(f"Unknown interaction kind {kind!r}.")
    when = occurred_at or timezone.now()
    with transaction.atomic():
        interaction = Interaction.objects.create(
            journey_id=journey_id,
            kind=kind,
            direction=direction,
            summary=summary.strip(),
            minutes_spent=minutes_spent,
            by=person(by),
            occurred_at=when,
        )
        if direction == InteractionDirection.OUTBOUND and kind != InteractionKind.NOTE:
            journey_record_first_response(journey_id=journey_id, at=when)
            journey_mark_answered(journey_id=journey_id, at=when)
    return interaction


def normalize_email(value: str) -> str:
    """Patients are matched by email (replies, duplicates), so it is stored lower-cased."""
    return value.strip().lower()
