"""Reads the dashboard, the admin and the services share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from followups.models import (
    Attachment,
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
from journeys.selectors import (
    journey_visibility,
    journeys_visible_to,
    patients_visible_to,
    visible_through,
)

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


def triage_visible_to(user: User | AnonymousUser | None) -> QuerySet[TriageItem]:
    """Unmatched mail the user may see: from unknown senders, everyone with a dashboard
    role; from a known patient, only those who may see that patient (a coordinator never
    reads, or learns of, mail from another coordinator's patient). A resolved item follows
    the journey it went to."""
    parts = journey_visibility(user)
    if not parts:
        return TriageItem.objects.none()
    if parts == [Q()]:
        return TriageItem.objects.all()
    return TriageItem.objects.filter(
        Q(sender_patient__isnull=True) | Q(sender_patient__in=patients_visible_to(user)),
        Q(journey__isnull=True) | Q(journey__in=journeys_visible_to(user)),
    )


def triage_open(user: User | AnonymousUser | None) -> QuerySet[TriageItem]:
    """Inbound mail no journey matched, waiting for a coordinator, the oldest first: the
    part of it `user` may see (triage_visible_to)."""
    return (
        triage_visible_to(user)
        .filter(status=TriageStatus.OPEN)
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


def messages_visible_to(user: User | AnonymousUser | None) -> QuerySet[Message]:
    rule = visible_through(user, "journey")
    return Message.objects.none() if rule is None else Message.objects.filter(rule)


def attachments_visible_to(user: User | AnonymousUser | None) -> QuerySet[Attachment]:
    rule = visible_through(user, "message__journey")
    return Attachment.objects.none() if rule is None else Attachment.objects.filter(rule)


def raw_emails_visible_to(user: User | AnonymousUser | None) -> QuerySet[RawEmail]:
    """Raw mail the user may download: stored on a journey they may see, or in a triage
    item they may see, or tied to nothing yet (refused or failed mail, for whoever runs
    the admin to look at)."""
    parts = journey_visibility(user)
    if not parts:
        return RawEmail.objects.none()
    if parts == [Q()]:
        return RawEmail.objects.all()
    on_journey = Exists(
        Message.objects.filter(raw_email=OuterRef("pk"), journey__in=journeys_visible_to(user))
    )
    in_triage = Exists(triage_visible_to(user).filter(raw_email=OuterRef("pk")))
    tied = Exists(Message.objects.filter(raw_email=OuterRef("pk"))) | Exists(
        TriageItem.objects.filter(raw_email=OuterRef("pk"))
    )
    return RawEmail.objects.filter(on_journey | in_triage | ~tied)


def raw_email_patient_id(*, raw_email_id: int) -> int | None:
    """The patient a raw email is about (for the audit trail): the journey it was stored
    on, else the known sender of its triage item; None for mail tied to nobody."""
    on_journey = (
        Message.objects.filter(raw_email_id=raw_email_id)
        .values_list("journey__patient_id", flat=True)
        .first()
    )
    if on_journey is not None:
        return on_journey
    return (
        TriageItem.objects.filter(raw_email_id=raw_email_id, sender_patient__isnull=False)
        .values_list("sender_patient_id", flat=True)
        .first()
    )
