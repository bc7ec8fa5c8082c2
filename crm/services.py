"""Writes to people records. (Logging a contact is journeys.services.interaction_log:
it moves the journey's clocks.) Every write is recorded in the audit trail (audit/), in
the same transaction, with the old and new values."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.bulk import insert_objects
from audit.models import Action
from audit.services import (
    audit_record,
    audit_record_many,
    changes_between,
    creation_changes,
    snapshot,
)
from crm.models import Patient
from crm.roles import Actor

# The patient fields staff edit (the admin's form, the API later); the rest are written
# by the services that own them (follow-ups' opt-out and bounce columns).
PATIENT_EDITABLE = (
    "full_name",
    "email",
    "phone",
    "country",
    "preferred_language",
    "timezone",
    "source",
    "referred_by",
    "notes",
)


def normalize_email(value: str) -> str:
    """Patients are matched by email (replies, duplicates), so it is stored lower-cased."""
    return value.strip().lower()


def patient_create(
    *,
    full_name: str,
    email: str,
    country: str,
    phone: str = "",
    preferred_language: str = "en",
    timezone_name: str = "UTC",
    source: str = "website",
    notes: str = "",
    referred_by: Patient | None = None,
    actor: Actor = None,
) -> Patient:
    """Register a patient. The email is stored lower-cased; a duplicate (whatever its case)
    is refused with a message for the person typing it."""
    patient = Patient(
        full_name=full_name.strip(),
        email=normalize_email(email),
        phone=phone.strip(),
        country=country.strip().upper(),
        preferred_language=preferred_language,
        timezone=timezone_name,
        source=source,
        notes=notes.strip(),
        referred_by=referred_by,
    )
    # Field validators (country code, IANA timezone, choices) and the unique email.
    patient.full_clean()
    try:
        with transaction.atomic():
            patient.save()
            audit_record(
                actor=actor,
                action=Action.CREATE,
                obj=patient,
                patient_id=patient.pk,
                changes=changes_between({}, snapshot(patient, PATIENT_EDITABLE)),
            )
    except IntegrityError:
        # Lost a race with another request registering the same address.
        raise ValidationError(
            {"email": "A patient with this email address already exists."}
        ) from None
    return patient


def patient_update(*, patient_id: int, actor: Actor, **fields: Any) -> Patient:
    """Change a patient's editable fields (PATIENT_EDITABLE); the old and new values go to
    the audit trail in the same transaction. Validation errors are keyed by field."""
    unknown = set(fields) - set(PATIENT_EDITABLE)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}.")
    if "email" in fields:
        fields["email"] = normalize_email(fields["email"])
    with transaction.atomic():
        patient = Patient.objects.select_for_update().get(pk=patient_id)
        before = snapshot(patient, fields)
        for name, value in fields.items():
            setattr(patient, name, value)
        changes = changes_between(before, snapshot(patient, fields))
        if not changes:
            return patient
        patient.full_clean()
        try:
            with transaction.atomic():
                patient.save(update_fields=[*fields, "updated_at"])
        except IntegrityError:
            raise ValidationError(
                {"email": "A patient with this email address already exists."}
            ) from None
        audit_record(
            actor=actor, action=Action.CHANGE, obj=patient, patient_id=patient.pk, changes=changes
        )
    return patient


def patients_create_bulk(*, patients: list[Patient], actor: Actor) -> list[Patient]:
    """Register many patients at once (a CSV import): the same normalisation and field
    validation as patient_create, one COPY (audit.bulk), every row in the audit trail.

    The caller has already matched each address against the existing patients; a
    duplicate that slipped in meanwhile hits the unique index and fails the caller's whole
    transaction (a batch is all or nothing) rather than being skipped silently."""
    for patient in patients:
        patient.full_name = patient.full_name.strip()
        patient.email = normalize_email(patient.email)
        patient.phone = patient.phone.strip()
        patient.country = patient.country.strip().upper()
        patient.notes = patient.notes.strip()
        # Field validators and choices only: the unique email is the index's job here.
        patient.clean_fields()
    with transaction.atomic():
        insert_objects(patients)
        created = patients
        audit_record_many(
            actor=actor,
            action=Action.CREATE,
            items=((p, p.pk, creation_changes(p, PATIENT_EDITABLE)) for p in created),
        )
    return created
