"""Delete raw inbound emails older than INBOUND_RAW_RETENTION_DAYS (beat runs it daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from followups.inbound.retention import raw_emails_prune


class Command(BaseCommand):
    help = (
        "Delete the files of raw inbound emails older than INBOUND_RAW_RETENTION_DAYS "
        "(the parsed messages stay on their journeys) and mark their rows pruned."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help="Override INBOUND_RAW_RETENTION_DAYS (>= 1)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        pruned = raw_emails_prune(days=days)
        self.stdout.write(f"pruned {pruned} raw email{'s' if pruned != 1 else ''}")
