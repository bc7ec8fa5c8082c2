"""A stand-in ESP for the reliability tests: every accepted message becomes one line in a
log file, so a test can count what was really sent (and what was sent twice).

The line is written after the optional delay, like an ESP answering "accepted" at the end
of its API call; a process killed after this write and before its commit is exactly the
documented "sent, but not yet recorded" case.
"""

from __future__ import annotations

import os
import time
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class LogBackend(BaseEmailBackend):
    def send_messages(self, messages: Any) -> int:
        path = os.environ["RELIABILITY_MAIL_LOG"]
        delay = float(os.environ.get("RELIABILITY_MAIL_DELAY", "0") or 0)
        after = float(os.environ.get("RELIABILITY_MAIL_DELAY_AFTER", "0") or 0)
        for message in messages:
            if delay:
                time.sleep(delay)
            headers = message.extra_headers
            scheduled = headers.get("X-CRM-Scheduled-Message", "-")
            line = f"{scheduled} {os.getpid()} {headers.get('Message-ID', '-')}\n"
            # O_APPEND: one write per line, so concurrent processes never interleave.
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line.encode())
            finally:
                os.close(fd)
            if after:
                # The ESP has it; its answer is slow to come back: a process killed now
                # dies between "accepted" and our commit.
                time.sleep(after)
        return len(messages)


def read_sends(path: str) -> list[tuple[int, str]]:
    """(scheduled-message id, Message-ID) of every accepted message, in order: what an
    ESP's tracking events would report."""
    if not os.path.exists(path):
        return []
    with open(path) as handle:
        return [
            (int(parts[0]), parts[2])
            for parts in (line.split() for line in handle)
            if len(parts) >= 3 and parts[0] != "-"
        ]


def read_log(path: str) -> list[int]:
    """Scheduled-message ids in the order they were accepted."""
    if not os.path.exists(path):
        return []
    with open(path) as handle:
        return [int(line.split()[0]) for line in handle if line.strip() and line[0] != "-"]
