"""One dispatcher pass in this process: reap stuck claims, claim due messages and send
them here (no worker needed). For cron, and for operators draining a backlog.

`--as-of "+15 days"` (or an ISO date-time) sends what is due by then instead of now: a
demo of the cadences without waiting, and of what happens after an outage that long
(only the latest of each series goes, stale ones are skipped as missed). Time is never
taken from this host's clock: without --as-of the database's clock decides, and claims
and the reaper always use it (so `faketime` around this command changes nothing).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from followups.services import db_now, messages_dispatch_due

_RELATIVE = re.compile(r"^\+?\s*(\d+)\s*(minute|hour|day|week)s?$")


def parse_as_of(value: str, *, now: dt.datetime) -> dt.datetime:
    """'+15 days', '3 hours', '+2 weeks' from `now`, or an ISO 8601 date-time (UTC if it
    has no offset)."""
    text = value.strip().lower()
    match = _RELATIVE.match(text)
    if match:
        amount, unit = int(match[1]), match[2]
        return now + dt.timedelta(**{f"{unit}s": amount})
    parsed = parse_datetime(value.strip())
    if parsed is None:
        raise CommandError(
            f"--as-of {value!r}: use '+15 days' (minutes, hours, days, weeks) or an ISO "
            "date-time such as 2026-12-14T09:00:00+01:00."
        )
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


class Command(BaseCommand):
    help = "Send the follow-up messages that are due now (or by --as-of), in this process."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--max-batches",
            type=int,
            default=50,
            help="Stop after this many batches of FOLLOWUPS_BATCH_SIZE (default 50).",
        )
        parser.add_argument(
            "--as-of",
            default="",
            help="Send what is due by then: '+15 days' from the database's clock, or an "
            "ISO date-time. For demos; sent_at records that time.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = parse_as_of(options["as_of"], now=db_now()) if options["as_of"] else None
        result = messages_dispatch_due(
            now=as_of, send_inline=True, max_batches=options["max_batches"]
        )
        outcomes = ", ".join(f"{name} {count}" for name, count in sorted(result.outcomes.items()))
        self.stdout.write(
            (f"as of {as_of:%Y-%m-%d %H:%M} UTC: " if as_of else "")
            + f"reaped {result.reaped}, gave up {result.gave_up}, "
            + (f"skipped {result.missed} as missed, " if result.missed else "")
            + f"claimed {result.claimed}"
            + (f": {outcomes}" if outcomes else "")
        )
