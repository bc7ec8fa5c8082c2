"""System checks for the follow-ups app."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security)
def webhook_secret_required(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """The configured ESP's webhook URLs (/anymail/<esp>/inbound/ and /tracking/) are
    mounted. Without a secret anyone could post mail onto a journey or fake a bounce, so
    outside DEBUG the secret is required: runserver, migrate and collectstatic stop on this,
    the WSGI/ASGI entry points refuse to start (crm/startup.py), and followups/webhooks.py
    refuses every post at run time."""
    if settings.DEBUG or settings.ANYMAIL.get("WEBHOOK_SECRET"):
        return []
    return [
        Error(
            "ANYMAIL_WEBHOOK_SECRET is not set: the inbound and tracking webhooks would "
            "accept posts from anyone.",
            hint="Set ANYMAIL_WEBHOOK_SECRET=user:password (random) and put the same "
            "credentials in the ESP's webhook URLs (https://user:password@host/anymail/...).",
            id="followups.E001",
        )
    ]


@register(Tags.security, deploy=True)
def inbound_authentication_configured(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Without the receiving server's authserv-id, no sender can be authenticated: a forged
    From: of a patient would count as their reply (cancelling their check-ins) whenever the
    message matches by sender alone (followups/inbound/auth.py)."""
    if settings.DEBUG or settings.INBOUND_AUTHSERV_ID:
        return []
    return [
        Warning(
            "INBOUND_AUTHSERV_ID is not set: a forged From: address of a patient counts as "
            "their reply when an email matches by sender alone.",
            hint="Set INBOUND_AUTHSERV_ID to the authserv-id your receiving server or ESP "
            "writes in Authentication-Results, and INBOUND_REQUIRE_AUTH=1 to send "
            "unauthenticated sender-only matches to triage.",
            id="followups.W002",
        )
    ]
