"""Fake ESPs: the only thing the follow-ups tests mock."""

from __future__ import annotations

import smtplib
from typing import Any

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FlakyBackend(LocmemBackend):
    """Fails with a transient error `failures` times, then delivers to mail.outbox."""

    failures = 0
    error: type[Exception] = smtplib.SMTPServerDisconnected
    calls = 0

    def send_messages(self, messages: Any) -> int:
        FlakyBackend.calls += 1
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise FlakyBackend.error("connection dropped")
        return super().send_messages(messages)


class RefusingBackend(LocmemBackend):
    """The recipient's server refuses the address (a permanent failure)."""

    def send_messages(self, messages: Any) -> int:
        raise smtplib.SMTPRecipientsRefused({"x@example.de": (550, b"No such user")})


class EspBackend(LocmemBackend):
    """Behaves like an anymail ESP backend: sets anymail_status with the ESP's id."""

    counter = 0

    def send_messages(self, messages: Any) -> int:
        for message in messages:
            EspBackend.counter += 1
            status = type("Status", (), {})()
            status.message_id = f"esp-{EspBackend.counter}"
            status.status = {"queued"}
            message.anymail_status = status
        return super().send_messages(messages)
