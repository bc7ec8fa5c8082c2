"""manage.py export_patient ID --out file.zip: a patient's data for a right-of-access
request (the same archive as the patient page's "Export" button; audited)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crm.models import Patient
from privacy.export import patient_export


class Command(BaseCommand):
    help = "Export one patient's data (record, journeys, messages, files, audit) as a zip."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("patient_id", type=int)
        parser.add_argument("--out", required=True, help="Where to write the .zip")

    def handle(self, *args: Any, **options: Any) -> None:
        if not Patient.objects.filter(pk=options["patient_id"]).exists():
            raise CommandError(f"Patient #{options['patient_id']} does not exist.")
        out = Path(options["out"])
        with out.open("wb") as handle:
            # actor None: the trail records a system export (the shell user is not a login).
            summary = patient_export(patient_id=options["patient_id"], actor=None, out=handle)
        self.stdout.write(
            f"Wrote {out}: patient #{summary.patient_id}, {summary.journeys} journey(s), "
            f"{summary.messages} message(s), {summary.files} file(s)."
        )
