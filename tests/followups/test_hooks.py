"""followups/hooks.py and the link registry: how apps above followups plug in."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from followups import context, hooks


def test_unknown_hook_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown followups hook"):
        hooks.register("reply_deleted", print, name="x")


def test_listeners_run_in_name_order_and_replace_by_name() -> None:
    calls: list[str] = []
    hooks.register(hooks.INBOUND_REPLY_STORED, lambda **kw: calls.append("b"), name="t.b")
    hooks.register(hooks.INBOUND_REPLY_STORED, lambda **kw: calls.append("a"), name="t.a")
    hooks.register(hooks.INBOUND_REPLY_STORED, lambda **kw: calls.append("a2"), name="t.a")
    # Not the patient's own reply: care's listener (also registered) leaves it alone.
    message = SimpleNamespace(counts_as_reply=False)
    try:
        hooks.fire(hooks.INBOUND_REPLY_STORED, message=message, journey=None)
    finally:
        hooks.unregister(hooks.INBOUND_REPLY_STORED, "t.a")
        hooks.unregister(hooks.INBOUND_REPLY_STORED, "t.b")
    assert calls == ["a2", "b"]


def test_registered_links_reach_the_sample_context() -> None:
    context.register_links("test", lambda journey: {"extra": "x"}, {"extra": "sample"})
    try:
        assert context.sample_context()["links"]["extra"] == "sample"
    finally:
        context.unregister_links("test")
    assert "extra" not in context.sample_context()["links"]


def test_care_provides_the_page_links(settings: Any) -> None:
    links = context.sample_context()["links"]
    assert {"page", "checkin_fine", "checkin_question", "checkin_help"} <= set(links)
