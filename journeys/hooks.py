"""How the apps above `journeys` react to a journey's life without `journeys` importing them.

`journey_create`, `journey_move` and `journey_plan_dates` call `fire(...)` inside their
transaction, after the journey row and its event are written. Each listening app registers
in its `AppConfig.ready()`:

    hooks.register(hooks.JOURNEY_MOVED, messages_replan, order=100, name="followups.replan")

Listeners run in a fixed order (`order`, then `name`), in the caller's transaction and with
the journey's row lock held: whatever they write commits or rolls back with the move, and a
listener that raises refuses the whole move. So a listener only writes rows and schedules
work with `transaction.on_commit`; it never sends anything itself.

The hooks and what their listeners receive (keyword arguments):

- JOURNEY_CREATED: `journey`, `event` (the CREATED event).
- JOURNEY_MOVED: `journey`, `event` (the stage or outcome change just written).
- DATES_CHANGED: `journey`, `changed` ({field name: (old date, new date)}).
- JOURNEYS_SEEDED: `journey_ids` (the demo seeder wrote these in bulk, events included).

Historical inquiries imported in bulk (journeys.services.journeys_import_history, the
CSV import's --historical) fire no hook at all: an inquiry received months ago gets no
acknowledgment, nudges, automatic assignment or webhook. Their CREATED events carry
{"imported": true, "historical": true}.

Order bands: 0-99 intake (automatic assignment, before the acknowledgment is planned),
100-199 followups (messages), 200-299 care, 300-399 feedback, 400-499 api (outgoing
webhooks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

JOURNEY_CREATED = "journey_created"
JOURNEY_MOVED = "journey_moved"
DATES_CHANGED = "dates_changed"
JOURNEYS_SEEDED = "journeys_seeded"
HOOKS = (JOURNEY_CREATED, JOURNEY_MOVED, DATES_CHANGED, JOURNEYS_SEEDED)

Listener = Callable[..., Any]


@dataclass(frozen=True)
class _Registration:
    order: int
    name: str
    listener: Listener


_registry: dict[str, list[_Registration]] = {hook: [] for hook in HOOKS}


def register(hook: str, listener: Listener, *, order: int, name: str) -> None:
    """Add a listener. Registering the same name again replaces it (ready() may run twice)."""
    if hook not in _registry:
        raise ValueError(f"Unknown journey hook {hook!r}; known: {', '.join(HOOKS)}.")
    entries = [entry for entry in _registry[hook] if entry.name != name]
    entries.append(_Registration(order, name, listener))
    entries.sort(key=lambda entry: (entry.order, entry.name))
    _registry[hook] = entries


def unregister(hook: str, name: str) -> None:
    _registry[hook] = [entry for entry in _registry[hook] if entry.name != name]


def listeners(hook: str) -> list[str]:
    """The registered names, in the order they run (for tests and `manage.py shell`)."""
    return [entry.name for entry in _registry[hook]]


def fire(hook: str, **kwargs: Any) -> None:
    """Run every listener of `hook`, in order, in the caller's transaction."""
    for entry in _registry[hook]:
        entry.listener(**kwargs)
