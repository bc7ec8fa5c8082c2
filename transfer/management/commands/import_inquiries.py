"""manage.py import_inquiries FILE [--apply] [--historical] [--refused OUT.csv]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from transfer.csvfile import FileProblem
from transfer.imports import import_csv


class Command(BaseCommand):
    help = (
        "Import patients and inquiries from a CSV file (docs/import-template.csv). Without "
        "--apply it is a dry run: it prints what each refused row lacks and the counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--apply", action="store_true", help="write (default: dry run)")
        parser.add_argument(
            "--historical",
            action="store_true",
            help="past inquiries: no acknowledgment, follow-ups or automatic assignment",
        )
        parser.add_argument(
            "--refused",
            type=Path,
            help="where to write the refused rows with their reason (default: FILE.refused.csv)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            with path.open("rb") as stream:
                # System work: no signed-in person; the audit trail records "system".
                result = import_csv(
                    stream=stream,
                    actor=None,
                    apply=options["apply"],
                    historical=options["historical"],
                )
        except FileProblem as exc:
            raise CommandError(f"{path}: {exc}") from None
        summary = result.summary()
        for outcome in result.shown:
            if outcome.action == "refuse":
                self.stdout.write(f"row {outcome.line}: refused: {outcome.detail}")
        self.stdout.write(
            ("Applied" if options["apply"] else "Dry run (nothing written; --apply writes)")
            + f": {summary['rows']} rows: {summary['created']} create, {summary['merged']} "
            f"merge, {summary['refused']} refused; {summary['new_patients']} new patients, "
            f"{summary['new_inquiries']} new inquiries."
        )
        if summary["reasons"]:
            reasons = ", ".join(f"{k} {v}" for k, v in summary["reasons"].items())
            self.stdout.write(f"Refused by reason: {reasons}.")
            out = options["refused"] or path.with_name(path.name + ".refused.csv")
            out.write_text(result.refused_file.getvalue(), encoding="utf-8")
            self.stdout.write(f"Refused rows with their reason: {out}")
