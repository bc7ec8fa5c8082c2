"""An uploaded import file between its dry run and its application (the dashboard's
import page). The command line reads its file directly and keeps nothing here."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    historical = models.BooleanField(default=False)
    # The uploaded bytes, kept only until the file is applied: patient data must not
    # linger in a second place (blanked by transfer.services.import_run_apply).
    content = models.BinaryField(blank=True)
    # The dry run's counts, then the applied ones ({"rows": ..., "created": ...}).
    counts = models.JSONField(default=dict, blank=True)
    # The refused rows with their reason, as the CSV offered for download.
    refused_csv = models.BinaryField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when someone presses Apply (claimed once, by a conditional UPDATE); the worker
    # sets finished_at when every batch is written.
    applied_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"
