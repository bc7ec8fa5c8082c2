"""The sends behind feedback's tasks. Each claims its row with a conditional UPDATE before
sending (at most once: a crash between the claim and the send loses that email, never
doubles it; the case stays on My day either way)."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from feedback import emails
from feedback.models import CaseStatus, RecoveryCase, Referral, ReferralCode
from feedback.services import managers_for
from followups.services import FollowupError, message_send_one_off
from journeys.models import Journey

log = logging.getLogger(__name__)


def _journey(journey_id: int) -> Journey:
    return Journey.objects.select_related("patient", "coordinator", "clinic", "procedure").get(
        pk=journey_id
    )


def _one_off(journey: Journey, which: str) -> bool:
    subject, text = emails.patient_email(journey=journey, which=which)
    try:
        # Sent as the coordinator: it is their acknowledgment, and it starts no clock.
        message_send_one_off(
            journey_id=journey.pk, actor=journey.coordinator, subject=subject, text=text
        )
    except FollowupError as exc:
        log.warning("Feedback email %s on journey %d failed: %s", which, journey.pk, exc)
        return False
    return True


def case_notices_send(*, journey_id: int, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    won = RecoveryCase.objects.filter(journey_id=journey_id, notice_sent_at__isnull=True).update(
        notice_sent_at=now
    )
    if not won:
        return "skipped"
    case = RecoveryCase.objects.select_related(
        "manager", "journey__patient", "journey__clinic", "journey__procedure"
    ).get(journey_id=journey_id)
    for manager in managers_for(case):
        try:
            emails.case_notice(case=case, recipient=manager).send()
        except Exception as exc:  # noqa: BLE001 - the case is on My day regardless
            log.warning("Recovery notice for journey %d failed: %s", journey_id, type(exc).__name__)
    _one_off(_journey(journey_id), "ack")
    return "sent"


def rerate_ask_send(*, journey_id: int) -> str:
    case = RecoveryCase.objects.filter(journey_id=journey_id, rerate_asked_at__isnull=False).first()
    if case is None:
        return "skipped"
    return "sent" if _one_off(_journey(journey_id), "rerate") else "failed"


def referrer_thank_send(*, journey_id: int) -> str:
    """Thank the referrer of this (friend's) journey, on the referrer's own journey."""
    referral = Referral.objects.filter(journey_id=journey_id, thanked_at__isnull=False).first()
    if referral is None:
        return "skipped"
    code = ReferralCode.objects.filter(patient_id=referral.referrer_id).first()
    referrer_journey_id = code.journey_id if code is not None else None
    if referrer_journey_id is None:
        referrer_journey_id = (
            Journey.objects.filter(patient_id=referral.referrer_id)
            .order_by("-id")
            .values_list("pk", flat=True)
            .first()
        )
    if referrer_journey_id is None:
        return "skipped"
    return "sent" if _one_off(_journey(referrer_journey_id), "thank") else "failed"


# --- The deadline passed unresolved (issue 13) ----------------------------------------
# Like care's escalation notices: the row carries its due time (deadline_at), a beat entry
# claims the due ones with SKIP LOCKED and sends after commit; a claim older than
# LATE_CLAIM_TIMEOUT (a worker died) goes back to pending. One email per case.
LATE_CLAIM_TIMEOUT = dt.timedelta(minutes=10)
LATE_BATCH = 500


def cases_late_dispatch(*, now: dt.datetime | None = None, send_inline: bool = False) -> int:
    """The beat entry: claim open cases past their deadline whose late notice is unsent.
    Returns how many were claimed."""
    from functools import partial

    from django.db import transaction

    now = now or timezone.now()
    RecoveryCase.objects.filter(
        late_notice_sent_at__isnull=True,
        late_notice_claimed_at__lt=timezone.now() - LATE_CLAIM_TIMEOUT,
    ).update(late_notice_claimed_at=None)
    with transaction.atomic():
        ids = list(
            RecoveryCase.objects.select_for_update(skip_locked=True)
            .filter(
                status=CaseStatus.OPEN,
                deadline_at__lte=now,
                late_notice_sent_at__isnull=True,
                late_notice_claimed_at__isnull=True,
            )
            .values_list("pk", flat=True)[:LATE_BATCH]
        )
        RecoveryCase.objects.filter(pk__in=ids).update(late_notice_claimed_at=timezone.now())
        if not send_inline:
            from feedback import tasks

            for pk in ids:
                transaction.on_commit(partial(tasks.case_late.delay, pk))
    if send_inline:
        for pk in ids:
            case_late_send(journey_id=pk, now=now)
    return len(ids)


def case_late_send(*, journey_id: int, now: dt.datetime | None = None) -> str:
    """Send one claimed late notice to the clinic's manager (every manager if none). A
    case resolved since is not reported; a duplicate task finds it sent and does nothing."""
    from django.db import transaction

    now = now or timezone.now()
    with transaction.atomic():
        case = (
            RecoveryCase.objects.select_for_update(skip_locked=True)
            .select_related("journey__patient", "journey__clinic", "journey__procedure")
            .filter(
                pk=journey_id,
                late_notice_claimed_at__isnull=False,
                late_notice_sent_at__isnull=True,
            )
            .first()
        )
        if case is None:
            return "skipped"
        if case.status != CaseStatus.OPEN:
            case.late_notice_claimed_at = None
            case.save(update_fields=["late_notice_claimed_at"])
            return "resolved"
        # Stamped before the send, in the same transaction: at most one email per case.
        case.late_notice_sent_at = now
        case.save(update_fields=["late_notice_sent_at"])
        for recipient in managers_for(case):
            try:
                emails.case_notice(case=case, recipient=recipient, late=True).send(using="default")
            except Exception as exc:  # noqa: BLE001 - the case stays "late" on My day
                log.warning("Late notice of case %d failed: %s", case.pk, type(exc).__name__)
    return "sent"
