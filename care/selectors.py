"""Reads for the patient's page, the coordinators' My day and the journey page.

Staff lists start from `journeys.selectors.journeys_visible_to(user)`, the one access rule.
The patient's page reads only the journey its signed token names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce
from django.utils import timezone

from care.links import page_url
from care.models import CareAccess, CheckIn, Escalation, JourneyStep, StepStatus
from care.tokens import read_page_token
from crm.roles import Actor
from followups.scheduling import zone
from journeys.models import Journey, Outcome, Stage
from journeys.selectors import journeys_visible_to

# My day lists show this many rows each.
LIMIT = 20
# A must-confirm step still open this many days after its date is flagged on My day.
UNCONFIRMED_AFTER_DAYS = 2
# The comfort check-in series ends after this many days in the procedure stage; a journey
# still there is flagged on My day (followups' procedure_comfort rule: 14 occurrences).
PROCEDURE_STAGE_DAYS = 14
# Outcomes whose patient may still open their page (after-care continues after completion).
PAGE_OUTCOMES = (Outcome.ACTIVE, Outcome.COMPLETED)


def journey_for_token(token: str) -> Journey | None:
    """The journey a page token opens, or None: forged, expired, revoked (older version),
    or the journey is lost/postponed. One primary-key read, the link version with it."""
    read = read_page_token(token)
    if read is None:
        return None
    journey_id, version = read
    current = CareAccess.objects.filter(journey_id=OuterRef("pk")).values("version")[:1]
    journey = (
        Journey.objects.select_related("patient", "coordinator", "procedure", "clinic")
        .filter(pk=journey_id, outcome__in=PAGE_OUTCOMES)
        .annotate(care_version=Coalesce(Subquery(current), 0))
        .order_by()[:1]
    )
    found = next(iter(journey), None)
    if found is None or found.care_version != version:
        return None
    return found


@dataclass
class PageData:
    journey: Journey
    today: dt.date
    latest: CheckIn | None
    open_escalation: Escalation | None
    steps_due: list[JourneyStep]
    steps_later: list[JourneyStep]
    steps_answered: list[JourneyStep]
    checkin_open: bool


def page_data(
    journey: Journey, *, language: str = "en", now: dt.datetime | None = None
) -> PageData:
    """What the patient's page shows: a few small indexed reads. Steps carry
    `title_local` and `text_local` in `language` (English where a text is missing)."""
    now = now or timezone.now()
    today = now.astimezone(zone(journey.patient.timezone)).date()
    steps = list(JourneyStep.objects.filter(journey=journey).select_related("step"))
    for row in steps:
        row.title_local = row.step.title(language)  # type: ignore[attr-defined]
        row.text_local = row.step.text(language)  # type: ignore[attr-defined]
    return PageData(
        journey=journey,
        today=today,
        latest=CheckIn.objects.filter(journey=journey).order_by("-created_at", "-id").first(),
        # At most one is open (care_one_open); no ordering, so the journey's index serves.
        open_escalation=next(
            iter(
                Escalation.objects.filter(journey=journey, resolved_at__isnull=True).order_by()[:1]
            ),
            None,
        ),
        steps_due=[s for s in steps if s.status == StepStatus.OPEN and s.due_on <= today],
        steps_later=[s for s in steps if s.status == StepStatus.OPEN and s.due_on > today][:5],
        steps_answered=[s for s in steps if s.status != StepStatus.OPEN][-5:],
        checkin_open=journey.outcome == Outcome.ACTIVE,
    )


@dataclass
class CareSection:
    rows: list[Any]
    total: int

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.rows))


def _section(queryset: QuerySet[Any]) -> CareSection:
    """One query: the first LIMIT rows and, in the same query, how many there are (these
    lists are short: what needs doing now, not history)."""
    rows = list(queryset.annotate(_total=Window(Count("*")))[:LIMIT])
    return CareSection(rows=rows, total=rows[0]._total if rows else 0)


def escalations_open_for(user: Actor) -> CareSection:
    """Open escalations on journeys the user may see, the oldest (most urgent) first."""
    return _section(
        Escalation.objects.filter(resolved_at__isnull=True, journey__in=journeys_visible_to(user))
        .select_related("journey__patient", "journey__procedure", "acknowledged_by")
        .order_by("opened_at", "pk")
    )


def steps_unconfirmed_for(user: Actor, *, now: dt.datetime | None = None) -> CareSection:
    """Must-confirm after-care steps still open two days after their date, on active
    journeys the user may see, the oldest first."""
    now = now or timezone.now()
    before = timezone.localdate(now) - dt.timedelta(days=UNCONFIRMED_AFTER_DAYS)
    return _section(
        JourneyStep.objects.filter(
            status=StepStatus.OPEN,
            must_confirm=True,
            due_on__lt=before,
            journey__in=journeys_visible_to(user).filter(outcome=Outcome.ACTIVE),
        )
        .select_related("journey__patient", "step")
        .order_by("due_on", "pk")
    )


def procedure_overstay_for(user: Actor, *, now: dt.datetime | None = None) -> CareSection:
    """Active journeys still in the procedure stage after its check-ins ended: past the
    planned departure, or 14 days in the stage."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return _section(
        journeys_visible_to(user)
        .filter(outcome=Outcome.ACTIVE, stage=Stage.PROCEDURE)
        .filter(
            Q(stage_entered_at__lte=now - dt.timedelta(days=PROCEDURE_STAGE_DAYS))
            | Q(planned_departure__lt=today)
        )
        .select_related("patient", "procedure")
        .order_by("stage_entered_at", "pk")
    )


@dataclass
class CareDay:
    escalations: CareSection
    unconfirmed: CareSection
    overstay: CareSection

    @property
    def empty(self) -> bool:
        return not (self.escalations.rows or self.unconfirmed.rows or self.overstay.rows)


def my_day_care(user: Actor, *, now: dt.datetime | None = None) -> CareDay:
    """The care part of My day (templates/care/_my_day.html), kept apart from
    crm/dashboard/selectors.my_day so the two change independently."""
    return CareDay(
        escalations=escalations_open_for(user),
        unconfirmed=steps_unconfirmed_for(user, now=now),
        overstay=procedure_overstay_for(user, now=now),
    )


def steps_open_for_journey(*, journey_id: int) -> list[JourneyStep]:
    """Plan steps not yet confirmed (asked about before completing a journey)."""
    return list(
        JourneyStep.objects.filter(
            journey_id=journey_id, status=StepStatus.OPEN, must_confirm=True
        ).select_related("step")
    )


def escalations_for_journey(*, journey_id: int) -> list[Escalation]:
    return list(
        Escalation.objects.filter(journey_id=journey_id)
        .select_related("acknowledged_by", "resolved_by")
        .order_by("-opened_at")[:10]
    )


@dataclass
class JourneyCare:
    page_url: str
    escalations: list[Escalation]
    steps: list[JourneyStep]


def journey_care(journey: Journey) -> JourneyCare:
    """The care panel of the coordinator's journey page (templates/care/_journey.html):
    the patient's page link (to send by WhatsApp), escalations, the after-care steps."""
    return JourneyCare(
        page_url=page_url(journey),
        escalations=escalations_for_journey(journey_id=journey.pk),
        steps=list(JourneyStep.objects.filter(journey=journey).select_related("step")),
    )
