"""How long raw inbound mail is kept, and deleting a patient's at once.

The raw bytes of every email are kept so that nothing received is lost while it is being
processed and looked at. After INBOUND_RAW_RETENTION_DAYS they have served that purpose:
the file is deleted and the RawEmail row is marked pruned (`pruned_at`). The row stays
(no personal data beyond the envelope, which is blanked) because messages and triage items
point at it; the parsed message (text, sanitised HTML, attachments) stays on the journey.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from crm.models import Patient
from followups.models import RawEmail, RawStatus

log = logging.getLogger(__name__)

_BATCH = 500


def _delete_files(rows: QuerySet[RawEmail], *, now: dt.datetime, detail: str | None) -> int:
    """Delete the files of `rows` (not yet pruned) and mark them pruned, in batches. A
    file already gone is fine; a storage error leaves that row for the next run."""
    done = 0
    while True:
        batch = list(rows.filter(pruned_at__isnull=True).order_by("pk")[:_BATCH])
        if not batch:
            return done
        pruned: list[int] = []
        for raw_email in batch:
            try:
                if raw_email.file.name:
                    raw_email.file.storage.delete(raw_email.file.name)
            except OSError:
                log.warning("Could not delete the file of raw email %d.", raw_email.pk)
                continue
            pruned.append(raw_email.pk)
        if not pruned:
            return done  # every file of this batch failed: try again on the next run
        changes: dict[str, object] = {"pruned_at": now, "file": "", "updated_at": now}
        if detail is not None:
            changes |= {"envelope_sender": "", "envelope_recipient": "", "detail": detail}
        with transaction.atomic():
            done += RawEmail.objects.filter(pk__in=pruned).update(**changes)


def raw_emails_prune(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """Delete the raw files of emails received more than `days` (default
    INBOUND_RAW_RETENTION_DAYS) before `now`; returns how many. Rows still being
    processed ("received") are left alone."""
    now = now or timezone.now()
    days = settings.INBOUND_RAW_RETENTION_DAYS if days is None else days
    cutoff = now - dt.timedelta(days=days)
    rows = RawEmail.objects.filter(received_at__lt=cutoff).exclude(status=RawStatus.RECEIVED)
    return _delete_files(rows, now=now, detail=None)


def raw_email_delete_for_patient(*, patient_id: int, now: dt.datetime | None = None) -> int:
    """Delete every raw email of one patient at once (their erasure): the ones stored on
    their journeys, the triage items that name them, and those sent from their address.
    The files go; the rows stay, pruned, with envelope and detail blanked. Returns how
    many raw emails were deleted. Call it inside or outside a transaction; files are
    deleted before the rows are marked, so a rollback leaves rows whose files are gone
    (they read as pruned-without-date, which the admin shows as missing)."""
    now = now or timezone.now()
    email = Patient.objects.filter(pk=patient_id).values_list("email", flat=True).first()
    address = (email or "").strip().lower()
    mine = (
        Q(messages__journey__patient_id=patient_id)
        | Q(triage_items__sender_patient_id=patient_id)
        | Q(triage_items__journey__patient_id=patient_id)
    )
    if address:
        mine |= (
            Q(lower_sender=address)
            | Q(triage_items__from_email__iexact=address)
            # Mail they sent that matched someone else's journey (a spouse's, say).
            | Q(messages__from_email__iexact=address)
        )
    ids = (
        RawEmail.objects.alias(lower_sender=Lower("envelope_sender"))
        .filter(mine)
        .values_list("pk", flat=True)
        .distinct()
    )
    rows = RawEmail.objects.filter(pk__in=list(ids))
    return _delete_files(rows, now=now, detail="deleted with the patient's data")
