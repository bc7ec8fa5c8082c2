"""`manage.py receive_email`: receive one raw email (RFC 5322) from standard input, as an
MTA pipe delivers it, or each FILE given (an operator replaying .eml files).

Prints one line per message: stored / new inquiry / triage / duplicate on stdout,
refused / failed on stderr. Exit status follows sysexits(3), which Postfix's pipe(8) and
other MTAs understand:

  0   every message was stored (on a journey, as a new inquiry, in triage) or was a duplicate
  65  EX_DATAERR   a message was refused (too big, not an email); the MTA bounces it
  66  EX_NOINPUT   a FILE could not be read
  70  EX_SOFTWARE  a message could not be processed (kept for a person to look at)
  75  EX_TEMPFAIL  the database is unavailable; the MTA keeps the message and retries

Postfix (master.cf), for mail routed to this transport (followups/README.md has the rest):
  crm  unix  -  n  n  -  -  pipe  flags=Rq user=crm
    argv=/srv/crm/.venv/bin/python /srv/crm/manage.py receive_email
    --recipient ${original_recipient} --sender ${sender}
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from followups.inbound.store import FAILED, REFUSED, inbound_receive

EX_DATAERR = 65
EX_NOINPUT = 66
EX_SOFTWARE = 70
EX_TEMPFAIL = 75
_CHUNK = 1 << 20


def read_bounded(stream: IO[bytes], keep: int) -> tuple[bytes, int]:
    """Read the whole stream (an MTA expects its pipe drained) but keep at most `keep`
    bytes in memory. Returns (kept bytes, total size)."""
    kept: list[bytes] = []
    held = total = 0
    while chunk := stream.read(_CHUNK):
        total += len(chunk)
        if held < keep:
            piece = chunk[: keep - held]
            kept.append(piece)
            held += len(piece)
    return b"".join(kept), total


class Command(BaseCommand):
    help = (
        "Receive an email (raw RFC 5322) from standard input, or each FILE: match it to a "
        "journey, a new inquiry or the triage inbox. Exit status per sysexits (65 refused, "
        "75 retry later)."
    )
    # An MTA pipe must not stop on a deploy check meant for the web process (the webhook
    # secret); it needs only the database.
    requires_system_checks: list[str] = []
    # Tests pass a bytes stream: call_command("receive_email", stdin=io.BytesIO(raw)).
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", help=".eml files (default: standard input)")
        parser.add_argument(
            "--recipient", default="", help="Envelope recipient (Postfix: ${original_recipient})"
        )
        parser.add_argument("--sender", default="", help="Envelope sender (Postfix: ${sender})")
        parser.add_argument(
            "--source", default="", help="Recorded on the raw email (default: pipe or file)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        keep = 2 * settings.INBOUND_MAX_MESSAGE_BYTES
        files: list[str] = options["files"]
        worst = 0
        refused = 0
        for name in files or ["-"]:
            if name == "-":
                stream = options.get("stdin") or sys.stdin.buffer
                raw, size = read_bounded(stream, keep)
                source = options["source"] or "pipe"
            else:
                try:
                    with Path(name).open("rb") as handle:
                        raw, size = read_bounded(handle, keep)
                except OSError as exc:
                    self.stderr.write(f"{name}: cannot read: {exc.strerror or exc}")
                    worst = max(worst, EX_NOINPUT)
                    continue
                source = options["source"] or "file"
            prefix = f"{name}: " if files else ""
            try:
                result = inbound_receive(
                    raw=raw,
                    source=source,
                    envelope_recipient=options["recipient"],
                    envelope_sender=options["sender"],
                    size=size,
                    truncated=size > len(raw),
                )
            except DatabaseError as exc:
                raise CommandError(
                    f"{prefix}temporary failure: the database is unavailable "
                    f"({type(exc).__name__}); the message was not stored, retry later",
                    returncode=EX_TEMPFAIL,
                ) from None
            if result.outcome == REFUSED:
                refused += 1
                worst = max(worst, EX_DATAERR)
            elif result.outcome == FAILED:
                refused += 1
                worst = max(worst, EX_SOFTWARE)
            if result.accepted:
                self.stdout.write(f"{prefix}{result.detail}")
            elif not files:
                # One message: the line becomes the command's error (and the MTA's bounce text).
                raise CommandError(result.detail, returncode=worst)
            else:
                self.stderr.write(f"{prefix}{result.detail}")
        if worst and files:
            total = len(files)
            raise CommandError(
                f"{refused} of {total} message{'s' if total != 1 else ''} not stored "
                "(refused or failed; each raw message is kept)",
                returncode=worst,
            )
