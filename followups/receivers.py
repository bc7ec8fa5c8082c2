"""Signal receivers: parse, call one service. No logic here (rules of the house, 1)."""

from __future__ import annotations

from typing import Any

from anymail.exceptions import AnymailWebhookValidationFailure
from django.conf import settings

from followups.services import message_track_event


def on_tracking_event(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    """anymail.signals.tracking: a delivery/tracking webhook from the ESP."""
    message_track_event(event=event, esp_name=esp_name)


def esp_key(esp_name: str) -> str:
    """anymail's display name as in its URLs and INBOUND_ESP: "Amazon SES" -> amazon_ses."""
    return esp_name.strip().lower().replace(" ", "_")


def on_inbound_event(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    """anymail.signals.inbound: an email posted to /anymail/<esp>/inbound/.

    anymail has checked the basic-auth secret (and the ESP's signature where it has
    one). Only INBOUND_ESP's door is open when it is set: a post to another ESP's URL
    is refused with 400. The message is kept and answered 200 at once; a worker task
    processes it (duplicates, refusals and parse failures are recorded on the raw
    email). Only a database outage answers 500, so the ESP retries.
    """
    from followups.inbound.store import inbound_receive_webhook
    from followups.inbound.webhook import current_esp_post

    key = esp_key(esp_name)
    if settings.INBOUND_ESP and key != settings.INBOUND_ESP:
        raise AnymailWebhookValidationFailure(
            f"Inbound mail is accepted from {settings.INBOUND_ESP} only (INBOUND_ESP), "
            f"not from {key}."
        )
    inbound_receive_webhook(anymail_message=event.message, esp=key, esp_post=current_esp_post())
