"""manage.py erase_patient ID --manager USERNAME --reason "...": erase a patient's personal
data on request (the same service as the patient page's "Erase" button; audited)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from privacy.erase import ErasureError, patient_erase


class Command(BaseCommand):
    help = "Erase one patient's personal data (anonymise, delete files, keep the counts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("patient_id", type=int)
        parser.add_argument("--manager", required=True, help="The manager who decided it")
        parser.add_argument("--reason", required=True, help="The request: date and channel")

    def handle(self, *args: Any, **options: Any) -> None:
        manager = get_user_model().objects.filter(username=options["manager"]).first()
        if manager is None:
            raise CommandError(f"No user called {options['manager']!r}.")
        try:
            summary = patient_erase(
                patient_id=options["patient_id"], actor=manager, reason=options["reason"]
            )
        except ErasureError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Erased patient #{summary.patient_id}: {summary.messages} message(s), "
            f"{summary.files_deleted} file(s) deleted, {summary.cancelled} cancelled."
        )
