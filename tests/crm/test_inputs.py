"""Reading untrusted ids, text and dates (crm/inputs.py) and the `<id:>` path converter."""

from __future__ import annotations

import datetime as dt

import pytest

from crm.inputs import MAX_ID, IdConverter, clean_text, date_problem, parse_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("42", 42),
        (" 42 ", 42),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("99999999999999999999", None),
        ("0", None),
        ("-1", None),
        ("4\x002", None),
        ("٤٢", None),  # Arabic-Indic digits: isdigit() says yes, the database says no
        ("", None),
        (None, None),
    ],
)
def test_parse_id(raw, expected):
    assert parse_id(raw) == expected


def test_clean_text_drops_nul_and_control_characters_and_cuts():
    assert clean_text(" a\x00b\x07c\td ") == "abc\td"
    assert clean_text("x" * 500, max_length=100) == "x" * 100
    assert clean_text(None) == ""


def test_date_problem_names_the_window():
    assert date_problem(None) == "" and date_problem(dt.date(2027, 1, 1)) == ""
    assert "between 2000-01-01 and 2100-12-31" in date_problem(dt.date(1, 1, 1))


def test_the_id_converter_refuses_ids_beyond_bigint():
    converter = IdConverter()
    assert converter.to_python("7") == 7 and converter.to_url(7) == "7"
    with pytest.raises(ValueError):
        converter.to_python(str(MAX_ID + 1))
