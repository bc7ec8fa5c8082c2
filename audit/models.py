"""The audit trail: who read or changed which patient's data, when, from where.

The lowest layer of the project: it imports nothing of ours, so the people layer (crm),
journeys and follow-ups all record into it from their services. It names patients and
objects by id (no foreign keys), so it can outlive what it describes and never blocks a
delete. It holds no bodies: field values of a change, never an email or a file.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Action(models.TextChoices):
    VIEW = "view", "Viewed"
    DOWNLOAD = "download", "Downloaded"
    EXPORT = "export", "Exported"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    ERASE = "erase", "Erased"
    DELETE = "delete", "Deleted"


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("Audit entries are append-only: they are never updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit entries are append-only: they are never deleted.")

    def erase_values(self, *, marker: str) -> int:
        """The one sanctioned rewrite: a patient's erasure (right to erasure) replaces the
        old and new values their entries recorded, keeping who did what, when. Without it
        the trail would keep the very data the erasure removes."""
        erased = 0
        for entry in self.exclude(changes={}).only("pk", "changes"):
            values = {field: [marker, marker] for field in entry.changes}
            erased += models.QuerySet.update(self.filter(pk=entry.pk), changes=values)
        return erased


class AuditEntry(models.Model):
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept beside the key: the trail still names a member of staff whose login was removed.
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    object_type = models.CharField(max_length=64, help_text="app_label.model, e.g. crm.patient")
    object_id = models.CharField(max_length=64, blank=True)
    patient_id = models.BigIntegerField(null=True, blank=True)
    # {field: [old, new]} for changes; {} for reads.
    changes = models.JSONField(default=dict, blank=True)
    # What was read or why, in a few words; never personal data.
    note = models.CharField(max_length=200, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["patient_id", "-at"], name="audit_patient_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return (
            f"{self.actor_username or 'system'} {self.action} {self.object_type}#{self.object_id}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A guard, not logic: the trail must not be rewritten after the fact.
        if not self._state.adding:
            raise TypeError("Audit entries are append-only: they are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit entries are append-only: they are never deleted.")
