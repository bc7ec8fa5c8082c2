"""Erase a patient on request (right to erasure): their personal data goes, the counts stay.

Anonymised: the patient's name, email, phone and notes; the free text of their messages,
interactions, triage items and journey events (notes and reasons may quote them); the
values their audit entries recorded; the admin's history labels; what they typed into the
inquiry form (intake/; the consent record stays). Deleted: their raw
emails' and attachments' files from storage (and the attachment rows). Cancelled: their
pending messages. Kept: the patient row (as "Erased patient #id"), the journeys with
their stages, dates and outcomes, the events' kinds and times, so the funnel, the speed
reports and every aggregate stay as they were. Written: a note on each journey and an
audit entry saying who erased and why.

Manager only. One transaction; files are deleted inside it (storage is not
transactional): a failure after a deletion leaves the rows whole but that file gone, and
asking again finishes the job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from audit.models import Action
from audit.services import ERASED, audit_erase_patient, audit_record
from crm.models import Interaction, Patient
from crm.roles import is_manager, person
from followups.inbound.retention import raw_email_delete_for_patient
from followups.models import (
    Attachment,
    Direction,
    Message,
    MessageEvent,
    RawEmail,
    ScheduledMessage,
    Status,
    TriageItem,
)
from followups.services import messages_cancel
from intake.services import submissions_erase_for_patient
from journeys.models import EventKind, Journey, JourneyEvent
from privacy.export import patient_triage_items


class ErasureError(Exception):
    """The erasure was refused; the message is meant for the person who asked."""


@dataclass(frozen=True)
class ErasureSummary:
    patient_id: int
    journeys: int
    messages: int
    cancelled: int
    files_deleted: int


def erased_email(patient_id: int) -> str:
    # Unique (the address column is), and a reserved domain nothing is ever sent to.
    return f"erased-{patient_id}@erased.invalid"


def _delete_files(rows: list[Any]) -> int:
    deleted = 0
    for row in rows:
        if row.file:
            row.file.storage.delete(row.file.name)
            deleted += 1
    return deleted


def _scrub_admin_log(objects: dict[type[models.Model], list[Any]]) -> None:
    """The admin's history repeats object labels ("Lucía Fernández", a subject)."""
    for model, ids in objects.items():
        if not ids:
            continue
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=[str(pk) for pk in ids],
        ).update(object_repr=ERASED, change_message="[]")


def patient_erase(*, patient_id: int, actor: Any, reason: str) -> ErasureSummary:
    """Anonymise a patient and everything that quotes them (see the module docstring)."""
    if not is_manager(actor):
        raise ErasureError("Only a manager may erase a patient's data.")
    reason = reason.strip()
    if not reason:
        raise ErasureError("Say why the data is erased (e.g. the request's date and channel).")
    now = timezone.now()
    by = person(actor)
    who = by.get_username() if by is not None else "system"
    with transaction.atomic():
        try:
            patient = Patient.objects.select_for_update().get(pk=patient_id)
        except Patient.DoesNotExist:
            raise ErasureError(f"Patient #{patient_id} does not exist.") from None
        if patient.email == erased_email(patient.pk):
            raise ErasureError(f"Patient #{patient.pk} was already erased.")
        journey_ids = list(Journey.objects.filter(patient=patient).values_list("pk", flat=True))
        # Theirs: every message on their journeys, and mail they sent that landed on
        # someone else's journey (a spouse's, matched by thread or by hand).
        message_ids = list(
            Message.objects.filter(
                Q(journey_id__in=journey_ids)
                | Q(direction=Direction.IN, from_email__iexact=patient.email)
            ).values_list("pk", flat=True)
        )
        triage = patient_triage_items(patient, journey_ids)
        triage_ids = list(triage.values_list("pk", flat=True))
        raw_ids = set(
            Message.objects.filter(pk__in=message_ids, raw_email__isnull=False).values_list(
                "raw_email_id", flat=True
            )
        ) | set(triage.values_list("raw_email_id", flat=True))

        cancelled = messages_cancel(
            ids=list(
                ScheduledMessage.objects.filter(
                    journey_id__in=journey_ids, status__in=[Status.PENDING, Status.CLAIMED]
                ).values_list("pk", flat=True)
            )
        )
        ScheduledMessage.objects.filter(journey_id__in=journey_ids).update(last_error="")
        # Before the patient row is anonymised: it finds mail sent from their address by
        # that address.
        files_deleted = raw_email_delete_for_patient(patient_id=patient.pk, now=now)
        # What they typed into the inquiry form (intake/); the consent record stays.
        submissions_erase_for_patient(
            patient_id=patient.pk, email=patient.email, placeholder=erased_email(patient.pk)
        )

        Patient.objects.filter(pk=patient.pk).update(
            full_name=f"Erased patient #{patient.pk}",
            email=erased_email(patient.pk),
            phone="",
            notes="",
            email_undeliverable_reason="",
            # Nothing automated may go to the placeholder address.
            marketing_opt_out_at=patient.marketing_opt_out_at or now,
            updated_at=now,
        )
        Interaction.objects.filter(journey_id__in=journey_ids).update(summary=ERASED)
        JourneyEvent.objects.filter(journey_id__in=journey_ids).exclude(reason="").anonymise(
            reason=ERASED
        )
        messages = Message.objects.filter(pk__in=message_ids)
        messages.update(
            subject=ERASED,
            text=ERASED,
            html="",
            from_name="",
            text_reply="",
            text_quoted="",
            signature="",
            references="",
            in_reply_to="",
            label_reason="",
            parse_warnings=[],
        )
        messages.filter(direction=Direction.OUT).update(to_email=erased_email(patient.pk))
        # The sender's own Message-ID (unique) can carry their address: replaced.
        for pk in messages.filter(direction=Direction.IN).values_list("pk", flat=True):
            Message.objects.filter(pk=pk).update(
                from_email=erased_email(patient.pk), message_id=f"<erased-{pk}@erased.invalid>"
            )
        MessageEvent.objects.filter(message_id__in=message_ids).update(
            recipient="", description="", mta_response=""
        )
        attachments = list(Attachment.objects.filter(message_id__in=message_ids))
        TriageItem.objects.filter(pk__in=triage_ids).update(
            from_email="",
            from_name="",
            to_email="",
            subject=ERASED,
            snippet="",
            attachment_names=[],
            parse_warnings=[],
            label_reason="",
        )
        for pk in triage_ids:
            TriageItem.objects.filter(pk=pk).update(message_key=f"erased-{pk}")
        _scrub_admin_log(
            {
                Patient: [patient.pk],
                Journey: journey_ids,
                Message: message_ids,
                TriageItem: triage_ids,
                Attachment: [a.pk for a in attachments],
                RawEmail: list(raw_ids),
            }
        )
        audit_erase_patient(patient_id=patient.pk)
        for journey_id in journey_ids:
            JourneyEvent.objects.create(
                journey_id=journey_id,
                kind=EventKind.NOTE,
                actor=by,
                reason=f"Patient's personal data erased on request by {who}: {reason}",
                data={"erased": True},
                created_at=now,
            )
        audit_record(
            actor=actor,
            action=Action.ERASE,
            obj=patient,
            patient_id=patient.pk,
            note=f"erased: {reason}",
        )
        # Last: the attachments' bytes. (See the module docstring.)
        files_deleted += _delete_files(attachments)
        Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    return ErasureSummary(
        patient_id=patient.pk,
        journeys=len(journey_ids),
        messages=len(message_ids),
        cancelled=cancelled,
        files_deleted=files_deleted,
    )
