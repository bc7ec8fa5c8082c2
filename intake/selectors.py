"""Reads about intake that privacy/ and the admin share."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from intake.models import IntakeSubmission


def submissions_of(*, patient_id: int, email: str) -> QuerySet[IntakeSubmission]:
    """A patient's form submissions: linked to them, or sent from their address (held or
    spam ones have no patient)."""
    return IntakeSubmission.objects.filter(Q(patient_id=patient_id) | Q(email__iexact=email))
