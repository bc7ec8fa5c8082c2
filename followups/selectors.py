"""Reads the dashboard, the admin and the services share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from crm.roles import is_manager
from followups.models import Message, MessageTemplate, ScheduledMessage, Status
from journeys.models import Journey, Outcome

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


def _journeys_of(user: User | AnonymousUser | None) -> QuerySet[Journey]:
    journeys = Journey.objects.all()
    if is_manager(user):
        return journeys
    if user is None or not user.is_authenticated:
        return journeys.none()
    return journeys.filter(coordinator=user)


def messages_failed_for(
    user: User | AnonymousUser | None,
) -> QuerySet[ScheduledMessage]:
    """Automated messages that gave up, on the user's journeys (all journeys for managers)."""
    return (
        ScheduledMessage.objects.filter(status=Status.FAILED, journey__in=_journeys_of(user))
        .select_related("rule", "journey__patient")
        .order_by("-updated_at")
    )


def journeys_with_undeliverable_email_for(
    user: User | AnonymousUser | None,
) -> QuerySet[Journey]:
    """Active journeys whose patient's address bounced or complained: call them instead."""
    return (
        _journeys_of(user)
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
