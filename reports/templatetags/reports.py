"""Filters for the report pages: one way to show each kind of figure."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template

from reports import formatting as report_format
from reports.tables import Column, csv_value

register = template.Library()


@register.filter
def cell(value: Any, column: Column) -> str:
    return report_format.display(column.kind, value)


@register.filter
def cell_data(value: Any, column: Column) -> str:
    """The CSV value, for the cell's data-value attribute."""
    return csv_value(column.kind, value)


register.filter("percent", report_format.percent)
register.filter("duration", report_format.duration)
register.filter("count", report_format.count)
register.filter("points", report_format.points)
register.filter("signed", report_format.signed)


@register.simple_tag
def query(params: dict[str, str], **overrides: str) -> str:
    """A query string from the report's parameters with some replaced."""
    merged = {**params, **overrides}
    return urlencode({k: v for k, v in merged.items() if v})
