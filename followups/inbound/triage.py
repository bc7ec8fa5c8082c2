"""The triage inbox's actions (attach, create an inquiry, dismiss) and the coordinator's
reply notice."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from crm.models import Procedure
from crm.roles import COORDINATOR, person
from followups import emails
from followups.inbound.mime import Label, ParsedEmail
from followups.inbound.parse import parse_email
from followups.inbound.store import (
    TriageError,
    act_on_message,
    open_inquiry,
    sender_mismatch,
    store_message,
)
from followups.models import (
    MatchedBy,
    Message,
    NotificationPreference,
    RawEmail,
    RawStatus,
    TriageItem,
    TriageStatus,
)
from followups.selectors import triage_visible_to
from journeys.models import Journey
from journeys.selectors import journeys_visible_to

if TYPE_CHECKING:
    from crm.roles import Actor

log = logging.getLogger(__name__)

# --- Triage --------------------------------------------------------------------------------


def _open_item(item_id: int, actor: Actor) -> TriageItem:
    # A person acts only on what they may see (triage_visible_to): mail from another
    # coordinator's patient is refused exactly like a missing item, revealing nothing.
    items = TriageItem.objects.all() if person(actor) is None else triage_visible_to(actor)
    try:
        item = items.select_for_update(of=("self",)).select_related("raw_email").get(pk=item_id)
    except TriageItem.DoesNotExist:
        raise TriageError(f"Triage item #{item_id} does not exist.") from None
    if item.status != TriageStatus.OPEN:
        where = f" (journey #{item.journey_id})" if item.journey_id else ""
        raise TriageError(
            f"Triage item #{item.pk} was already handled: {item.get_status_display().lower()}"
            f"{where}."
        )
    return item


def _reparse(item: TriageItem) -> ParsedEmail:
    if item.raw_email.pruned_at is not None:
        raise TriageError(
            f"The raw email of triage item #{item.pk} was deleted (retention or erasure): "
            "dismiss it."
        )
    with item.raw_email.file.open("rb") as handle:
        return parse_email(handle.read())


def triage_attach(*, item_id: int, journey_id: int, actor: Actor) -> Message:
    """Attach an unmatched email to a journey: it is stored like a matched one and acts
    like one (a reply stops the nudges and waits for the coordinator). A person vouched
    for it, so a reply counts even from another address (still shown as flagged)."""

    with transaction.atomic():
        item = _open_item(item_id, actor)
        journeys = Journey.objects.all() if person(actor) is None else journeys_visible_to(actor)
        journey = journeys.select_related("patient").filter(pk=journey_id).first()
        if journey is None:
            raise TriageError(f"Journey #{journey_id} does not exist.")
        parsed = _reparse(item)
        mismatch = sender_mismatch(parsed, journey)
        message = store_message(
            parsed,
            journey=journey,
            raw_email=item.raw_email,
            key=item.message_key,
            matched_by=MatchedBy.TRIAGE,
            label=parsed.label,
            counts_as_reply=parsed.label == Label.REPLY,
            sender_mismatch=mismatch,
            recipient="",
        )
        act_on_message(message, journey, parsed)
        _resolve(item, TriageStatus.ATTACHED, actor, journey=journey, message=message)
        RawEmail.objects.filter(pk=item.raw_email_id).update(
            status=RawStatus.STORED, updated_at=timezone.now()
        )
    return message


def triage_create_inquiry(
    *, item_id: int, procedure_id: int, actor: Actor, full_name: str = ""
) -> Journey:
    """Make an unmatched email a new inquiry for `procedure_id`: the sender becomes a
    patient (or the existing one is used), the journey starts its inquiry cadence and
    the email is stored on it. Raises TriageError (e.g. an active journey exists)."""

    with transaction.atomic():
        item = _open_item(item_id, actor)
        procedure = Procedure.objects.filter(pk=procedure_id).first()
        if procedure is None:
            raise TriageError(f"Procedure #{procedure_id} does not exist.")
        parsed = _reparse(item)
        if not parsed.from_email:
            raise TriageError(
                "This email has no sender address to make a patient from: attach it to a "
                "journey instead."
            )
        journey, message, _ = open_inquiry(
            parsed,
            raw_email=item.raw_email,
            key=item.message_key,
            procedure=procedure,
            actor=actor,
            full_name=full_name,
            matched_by=MatchedBy.TRIAGE,
        )
        _resolve(item, TriageStatus.CREATED_INQUIRY, actor, journey=journey, message=message)
        RawEmail.objects.filter(pk=item.raw_email_id).update(
            status=RawStatus.STORED, updated_at=timezone.now()
        )
    return journey


def triage_dismiss(*, item_id: int, actor: Actor) -> TriageItem:
    """Spam, newsletters, stray auto-replies: out of the inbox, kept with the raw mail."""
    with transaction.atomic():
        item = _open_item(item_id, actor)
        _resolve(item, TriageStatus.DISMISSED, actor)
    return item


def _resolve(
    item: TriageItem,
    status: str,
    actor: Actor,
    *,
    journey: Journey | None = None,
    message: Message | None = None,
) -> None:
    item.status = status
    item.journey = journey
    item.message = message
    item.resolved_by = person(actor)
    item.resolved_at = timezone.now()
    item.save(update_fields=["status", "journey", "message", "resolved_by", "resolved_at"])


# --- The coordinator's notice --------------------------------------------------------------


def notification_preference_set(*, user_id: int, notify_on_reply: bool) -> NotificationPreference:
    """A staff member turns "email me when a patient replies" on or off (their own)."""
    preference, _ = NotificationPreference.objects.update_or_create(
        user_id=user_id, defaults={"notify_on_reply": notify_on_reply}
    )
    return preference


def reply_notice_send(*, message_id: int) -> int:
    """Email the people who asked to hear about replies (NotificationPreference): the
    journey's coordinator, or for an unassigned journey every coordinator who opted in.
    Returns how many were sent. Failures are logged, not retried: the queue has it."""

    message = Message.objects.select_related("journey__patient", "journey__coordinator").get(
        pk=message_id
    )
    journey = message.journey
    wanted = NotificationPreference.objects.filter(notify_on_reply=True)
    if journey.coordinator_id is not None:
        wanted = wanted.filter(user_id=journey.coordinator_id)
    else:
        wanted = wanted.filter(user__groups__name=COORDINATOR)
    users = (
        get_user_model()
        .objects.filter(pk__in=wanted.values("user_id"), is_active=True)
        .exclude(email="")
    )
    sent = 0
    for user in users:
        try:
            emails.deliver_notice(emails.reply_notice(message=message, to=user.email))
        except Exception as exc:  # noqa: BLE001 - one failed notice must not stop the others
            log.warning("Reply notice for message %d failed: %s", message_id, type(exc).__name__)
        else:
            sent += 1
    return sent
