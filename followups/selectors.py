"""Reads the dashboard, the admin and the services share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import OuterRef, QuerySet, Subquery

from followups.models import (
    Direction,
    InboundLabel,
    Message,
    MessageTemplate,
    RawEmail,
    RawStatus,
    ScheduledMessage,
    Status,
    TriageItem,
    TriageStatus,
)
from journeys.models import Journey, Outcome
from journeys.selectors import journeys_visible_to

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

FALLBACK_LANGUAGE = "en"


def template_for(*, key: str, language: str) -> MessageTemplate | None:
    """The variant in `language`, else English, else None."""
    found = {
        t.language: t
        for t in MessageTemplate.objects.filter(key=key, language__in={language, FALLBACK_LANGUAGE})
    }
    return found.get(language) or found.get(FALLBACK_LANGUAGE)


def messages_failed_for(
    user: User | AnonymousUser | None,
) -> QuerySet[ScheduledMessage]:
    """Automated messages that gave up, on the journeys the user may see."""
    return (
        ScheduledMessage.objects.filter(status=Status.FAILED, journey__in=journeys_visible_to(user))
        .select_related("rule", "journey__patient")
        .order_by("-updated_at")
    )


def journeys_with_undeliverable_email_for(
    user: User | AnonymousUser | None,
) -> QuerySet[Journey]:
    """Active journeys whose patient's address bounced or complained: call them instead."""
    return (
        journeys_visible_to(user)
        .filter(outcome=Outcome.ACTIVE, patient__email_undeliverable_at__isnull=False)
        .select_related("patient")
        .order_by("-patient__email_undeliverable_at")
    )


def messages_for_journey(*, journey_id: int) -> QuerySet[Message]:
    return Message.objects.filter(journey_id=journey_id).order_by("sent_at", "id")


def messages_pending_for_journey(*, journey_id: int) -> QuerySet[ScheduledMessage]:
    return (
        ScheduledMessage.objects.filter(
            journey_id=journey_id, status__in=[Status.PENDING, Status.CLAIMED]
        )
        .select_related("rule")
        .order_by("due_at")
    )


def replies_waiting_for(user: User | AnonymousUser | None) -> QuerySet[Journey]:
    """Journeys where the patient wrote and no coordinator has answered yet, the longest
    waiting first: the coordinator's own journeys and unassigned ones (managers: all).
    Closed journeys are included (a "lost" patient who writes back matters most).

    Each journey is annotated with its latest patient message (auto-replies and bounces
    left out): latest_reply_id, latest_reply_subject, latest_reply_at and
    latest_reply_flagged (True when it came from an address that is not the patient's).
    """
    # The one access rule (journeys.selectors), not a copy of it.
    journeys = journeys_visible_to(user).filter(awaiting_reply_since__isnull=False)
    latest = (
        Message.objects.filter(journey=OuterRef("pk"), direction=Direction.IN)
        .exclude(label__in=[InboundLabel.AUTO_REPLY, InboundLabel.BOUNCE])
        .order_by("-sent_at", "-pk")
    )
    return (
        journeys.select_related("patient", "coordinator", "procedure")
        .annotate(
            latest_reply_id=Subquery(latest.values("pk")[:1]),
            latest_reply_subject=Subquery(latest.values("subject")[:1]),
            latest_reply_at=Subquery(latest.values("sent_at")[:1]),
            latest_reply_flagged=Subquery(latest.values("sender_mismatch")[:1]),
        )
        .order_by("awaiting_reply_since", "pk")
    )


def triage_open() -> QuerySet[TriageItem]:
    """Inbound mail no journey matched, waiting for a coordinator, the oldest first."""
    return (
        TriageItem.objects.filter(status=TriageStatus.OPEN)
        .select_related("sender_patient")
        .order_by("received_at", "pk")
    )


def raw_emails_failed() -> QuerySet[RawEmail]:
    """Inbound mail that could not be processed (a parser crash, a worker that died
    INBOUND_MAX_ATTEMPTS times, a post the ESP library could not read): kept for a
    manager to look at in the admin, newest first. Only their ids and sizes: the raw
    bytes may hold any patient's data."""
    return RawEmail.objects.filter(status=RawStatus.FAILED).order_by("-received_at", "-pk")


def messages_inbound_for_journey(*, journey_id: int) -> QuerySet[Message]:
    """The patient's emails on a journey, oldest first, with their attachments."""
    return (
        Message.objects.filter(journey_id=journey_id, direction=Direction.IN)
        .prefetch_related("attachments")
        .order_by("sent_at", "id")
    )
