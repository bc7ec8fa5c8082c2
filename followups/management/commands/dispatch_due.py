"""One dispatcher pass in this process: reap stuck claims, claim due messages and send
them here (no worker needed). For cron, and for operators draining a backlog."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from followups.services import messages_dispatch_due


class Command(BaseCommand):
    help = "Send the follow-up messages that are due now, in this process."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--max-batches",
            type=int,
            default=50,
            help="Stop after this many batches of FOLLOWUPS_BATCH_SIZE (default 50).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = messages_dispatch_due(send_inline=True, max_batches=options["max_batches"])
        outcomes = ", ".join(f"{name} {count}" for name, count in sorted(result.outcomes.items()))
        self.stdout.write(
            f"reaped {result.reaped}, gave up {result.gave_up}, claimed {result.claimed}"
            + (f": {outcomes}" if outcomes else "")
        )
