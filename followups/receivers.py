"""Signal receivers: parse, call one service. No logic here (rules of the house, 1)."""

from __future__ import annotations

from typing import Any

from followups.services import message_track_event


def on_tracking_event(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    """anymail.signals.tracking: a delivery/tracking webhook from the ESP."""
    message_track_event(event=event, esp_name=esp_name)
