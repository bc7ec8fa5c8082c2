"""Small display helpers of the dashboard: quoted-text folding, threads, clocks."""

from __future__ import annotations

import datetime as dt

from crm.dashboard.selectors import COUNT_CAP, thread_key
from crm.templatetags.dashboard import count_label, humanize_key, since, split_quoted


def test_split_quoted_folds_the_quoted_reply():
    text = "Yes, the 12th works.\n\nOn Mon, 3 Nov 2026, Carmen wrote:\n> Does the 12th suit you?"
    new, quoted = split_quoted(text)
    assert new == "Yes, the 12th works."
    assert quoted.startswith("On Mon, 3 Nov 2026, Carmen wrote:")


def test_split_quoted_knows_german_and_angle_quotes():
    assert split_quoted("Danke!\nAm 3. Nov. schrieb Carmen:\n> Hallo")[0] == "Danke!"
    assert split_quoted("Fine\n> earlier") == ("Fine", "> earlier")
    assert split_quoted("No quote here.") == ("No quote here.", "")


def test_threads_ignore_reply_prefixes():
    assert thread_key("Re: AW: Your plan") == thread_key("your plan") == "your plan"


def test_since_is_a_compact_running_clock():
    now = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
    assert since(now - dt.timedelta(minutes=5), now) == "5 min"
    assert since(now - dt.timedelta(hours=3, minutes=12), now) == "3 h 12 min"
    assert since(now - dt.timedelta(days=2, hours=4), now) == "2 d 4 h"


def test_labels():
    assert count_label(COUNT_CAP) == f"{COUNT_CAP:,}+"
    assert count_label(12) == "12"
    assert humanize_key("inquiry_info_pack") == "Inquiry info pack"
