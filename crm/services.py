"""Writes to people records. (Logging a contact is journeys.services.interaction_log:
it moves the journey's clocks.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from crm.models import Patient

if TYPE_CHECKING:
    pass


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
) -> Patient:
    """Register a patient. The email is stored lower-cased; a duplicate (whatever its case)
    is refused with a message for the person typing it."""
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError

    patient = Patient(
        full_name=full_name.strip(),
        email=normalize_email(email),
        phone=phone.strip(),
        country=country.strip().upper(),
        preferred_language=preferred_language,
        timezone=timezone_name,
        source=source,
        notes=notes.strip(),
    )
    # Field validators (country code, IANA timezone, choices) and the unique email.
    patient.full_clean()
    try:
        with transaction.atomic():
            patient.save()
    except IntegrityError:
        # Lost a race with another request registering the same address.
        raise ValidationError(
            {"email": "A patient with this email address already exists."}
        ) from None
    return patient
