"""One patient's data as a zip of JSON and files, for a right-of-access request.

patient.json      the record
journeys.json     each journey with its events, interactions, planned and sent messages
                  (both ways, with delivery events and attachment details)
triage.json       unmatched mail from or about the patient
intake.json       inquiry forms they sent, with their consents (text version, time)
audit.json        the audit trail about the patient (this export included)
files/attachments/<id>-<name>   the files that came with their emails
files/raw/<id>.eml              the raw emails as received
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from audit.models import Action
from audit.selectors import audit_entries
from audit.services import audit_record
from crm.models import Interaction, Patient
from followups.models import (
    Attachment,
    Message,
    MessageEvent,
    RawEmail,
    ScheduledMessage,
    TriageItem,
)
from intake.selectors import submissions_of
from journeys.models import Journey, JourneyEvent

README = """This archive holds everything the CRM keeps about one patient, as of {at}.
JSON files are UTF-8; times are UTC (ISO 8601). Files under files/ are exactly as received.
See patient.json, journeys.json, triage.json, intake.json and audit.json.
"""


@dataclass(frozen=True)
class ExportSummary:
    patient_id: int
    journeys: int
    messages: int
    files: int


def _row(obj: models.Model, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every concrete field, foreign keys as ids, files as their stored name."""
    row: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in skip:
            continue
        value = field.value_from_object(obj)
        if isinstance(field, models.FileField):
            value = value.name if value else ""
        row[field.attname] = value
    return row


def _dump(archive: zipfile.ZipFile, name: str, data: Any) -> None:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    archive.writestr(name, text)


def _copy(archive: zipfile.ZipFile, field: Any, name: str) -> bool:
    """A stored file into the archive; False when it is missing from storage."""
    if not field:
        return False
    try:
        with field.open("rb") as handle:
            archive.writestr(name, handle.read())
    except (FileNotFoundError, ValueError):
        return False
    return True


def patient_triage_items(patient: Patient, journey_ids: list[int]) -> models.QuerySet[TriageItem]:
    return TriageItem.objects.filter(
        Q(sender_patient=patient)
        | Q(journey_id__in=journey_ids)
        | Q(from_email__iexact=patient.email)
    )


def patient_export(*, patient_id: int, actor: Any, out: IO[bytes]) -> ExportSummary:
    """Write the patient's archive to `out` and record the export in the audit trail
    (inside the archive too). Callers check who may export (managers)."""
    with transaction.atomic():
        patient = Patient.objects.get(pk=patient_id)
        audit_record(
            actor=actor,
            action=Action.EXPORT,
            obj=patient,
            patient_id=patient.pk,
            note="data export",
        )
        journeys = list(
            Journey.objects.filter(patient=patient).order_by("inquiry_received_at", "pk")
        )
        journey_ids = [j.pk for j in journeys]
        messages = list(
            Message.objects.filter(journey_id__in=journey_ids).order_by("sent_at", "pk")
        )
        attachments = list(Attachment.objects.filter(message__in=messages))
        triage = list(patient_triage_items(patient, journey_ids))
        raw_ids = {m.raw_email_id for m in messages if m.raw_email_id} | {
            t.raw_email_id for t in triage
        }
        raw_emails = list(RawEmail.objects.filter(pk__in=raw_ids))
        files = 0
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("README.txt", README.format(at=timezone.now().isoformat()))
            _dump(archive, "patient.json", _row(patient))
            by_message: dict[int, list[dict[str, Any]]] = {}
            for attachment in attachments:
                name = f"files/attachments/{attachment.pk}-{attachment.filename}"
                copied = _copy(archive, attachment.file, name)
                files += copied
                by_message.setdefault(attachment.message_id, []).append(
                    {**_row(attachment), "archive_path": name if copied else None}
                )
            events_of: dict[int, list[dict[str, Any]]] = {}
            for event in MessageEvent.objects.filter(message__in=messages):
                events_of.setdefault(event.message_id or 0, []).append(_row(event))
            _dump(
                archive,
                "journeys.json",
                [
                    {
                        **_row(journey),
                        "events": [_row(e) for e in JourneyEvent.objects.filter(journey=journey)],
                        "interactions": [
                            _row(i) for i in Interaction.objects.filter(journey=journey)
                        ],
                        "scheduled_messages": [
                            _row(s) for s in ScheduledMessage.objects.filter(journey=journey)
                        ],
                        "messages": [
                            {
                                **_row(m),
                                "delivery_events": events_of.get(m.pk, []),
                                "attachments": by_message.get(m.pk, []),
                            }
                            for m in messages
                            if m.journey_id == journey.pk
                        ],
                    }
                    for journey in journeys
                ],
            )
            _dump(archive, "triage.json", [_row(t) for t in triage])
            # The inquiry forms they sent, with each consent's text version and time.
            _dump(
                archive,
                "intake.json",
                [_row(s) for s in submissions_of(patient_id=patient.pk, email=patient.email)],
            )
            for raw in raw_emails:
                files += _copy(archive, raw.file, f"files/raw/{raw.pk}.eml")
            _dump(archive, "raw_emails.json", [_row(r) for r in raw_emails])
            _dump(archive, "audit.json", [_row(e) for e in audit_entries(patient_id=patient.pk)])
    return ExportSummary(
        patient_id=patient.pk, journeys=len(journeys), messages=len(messages), files=files
    )
