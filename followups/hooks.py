"""Hook points for apps above followups, which followups never imports (care, feedback).

    from followups import hooks
    hooks.register(hooks.INBOUND_REPLY_STORED, listener, name="care.help_reply")

INBOUND_REPLY_STORED fires in followups.inbound.store.act_on_message, inside the inbound
transaction, for every message stored on a journey that is not a bounce or an auto-reply
(`message`, `journey` keyword arguments; check `message.counts_as_reply` for the
patient's own reply). A listener only writes rows and schedules work on commit; one that
raises fails the whole inbound message (it is kept and reported as failed).

MESSAGE_STATUS_CHANGED fires in followups.services.message_track_event when a delivery or
tracking event moved one of our emails' status or stamped it (delivered, opened, bounced…),
inside the webhook's transaction (`message` keyword argument). ESPs post many of these: a
listener schedules its work on commit rather than doing it in the request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

INBOUND_REPLY_STORED = "inbound_reply_stored"
MESSAGE_STATUS_CHANGED = "message_status_changed"
HOOKS = (INBOUND_REPLY_STORED, MESSAGE_STATUS_CHANGED)

_registry: dict[str, dict[str, Callable[..., Any]]] = {hook: {} for hook in HOOKS}


def register(hook: str, listener: Callable[..., Any], *, name: str) -> None:
    """Add a listener; the same name again replaces it (ready() may run twice). Listeners
    run in name order."""
    if hook not in _registry:
        raise ValueError(f"Unknown followups hook {hook!r}; known: {', '.join(HOOKS)}.")
    _registry[hook][name] = listener


def unregister(hook: str, name: str) -> None:
    _registry[hook].pop(name, None)


def fire(hook: str, **kwargs: Any) -> None:
    for name in sorted(_registry[hook]):
        _registry[hook][name](**kwargs)
