"""Reading the audit trail (managers only: the views check the role)."""

from __future__ import annotations

from django.db.models import QuerySet

from audit.models import AuditEntry


def audit_entries(*, patient_id: int | None = None, username: str = "") -> QuerySet[AuditEntry]:
    """Newest first, for one patient, one member of staff, or both."""
    entries = AuditEntry.objects.all()
    if patient_id is not None:
        entries = entries.filter(patient_id=patient_id)
    if username:
        entries = entries.filter(actor_username=username)
    return entries.order_by("-at", "-id")
