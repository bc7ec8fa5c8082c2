"""Cursor pages (stable under inserts, and a constant-cost next page at any depth) with a
client-chosen ordering from the view's short list of indexed orderings."""

from __future__ import annotations

import functools
import operator
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request


def page_ids(queryset: QuerySet[Any], limit: int, parts: list[Q]) -> QuerySet[Any]:
    """Each part's first `limit` ids of `queryset` (in its order), UNION ALL, as a subquery.
    The same as crm/dashboard/selectors.py page_ids, which the API may not import (the
    dashboard is a screen above it, tests/journeys/test_hooks.py)."""
    if not connection.features.supports_slicing_ordering_in_compound:
        # SQLite (`make run` without PostgreSQL) cannot LIMIT inside a UNION: one OR.
        parts = [functools.reduce(operator.or_, parts)]
    pages = [queryset.filter(part).values("pk")[:limit] for part in parts]
    return pages[0] if len(pages) == 1 else pages[0].union(*pages[1:], all=True)


class _PagedByParts(QuerySet[Any]):
    """A queryset (already restricted to what the user may see) whose slice, the page the
    cursor asks for, is picked part by part: each visibility part's first rows on its own
    index, UNION ALL, then only those ids are loaded, in order (page_ids above).
    PostgreSQL misestimates "coordinator = me OR coordinator IS NULL" combined with a
    filter such as a stage and walks the whole primary key backwards instead."""

    _parts: list[Q]

    def _clone(self) -> Any:
        clone = super()._clone()  # type: ignore[misc]
        clone._parts = self._parts
        return clone

    def __getitem__(self, k: Any) -> Any:
        if not isinstance(k, slice) or k.stop is None or self._result_cache is not None:
            return super().__getitem__(k)
        plain: QuerySet[Any] = QuerySet(
            model=self.model,
            query=self.query.chain(),
            using=self._db,  # type: ignore[attr-defined]
            hints=self._hints,  # type: ignore[attr-defined]
        )
        return plain.filter(pk__in=page_ids(plain, k.stop, self._parts))[k.start : k.stop]


def paged_by_parts(queryset: QuerySet[Any], parts: list[Q]) -> QuerySet[Any]:
    """`queryset` (restricted to the union of `parts`), paged part by part when there are
    several parts; as it is otherwise (a manager's single, empty part)."""
    if len(parts) < 2:
        return queryset
    paged = queryset._chain()  # type: ignore[attr-defined]
    paged.__class__ = _PagedByParts
    paged._parts = parts
    return paged


class ApiCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"
    ordering_param = "ordering"

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> tuple[str, ...]:
        allowed: list[str] = list(getattr(view, "ordering_fields", ["id"]))
        default: str = getattr(view, "default_ordering", "-id")
        asked = request.query_params.get(self.ordering_param, "") or default
        if asked.lstrip("-") not in allowed:
            raise ValidationError(
                {
                    self.ordering_param: f"Order by one of: {', '.join(allowed)} "
                    "(a leading - for descending)."
                }
            )
        # The id breaks ties, in the same direction, so a page boundary never splits rows
        # that share a time.
        if asked.lstrip("-") == "id":
            return (asked,)
        return (asked, "-id" if asked.startswith("-") else "id")

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        allowed = list(getattr(view, "ordering_fields", ["id"]))
        for parameter in parameters:
            if parameter["name"] == self.ordering_param:
                parameter["schema"] = {
                    "type": "string",
                    "enum": [*allowed, *(f"-{name}" for name in allowed)],
                }
        if not any(p["name"] == self.ordering_param for p in parameters):
            parameters.append(
                {
                    "name": self.ordering_param,
                    "required": False,
                    "in": "query",
                    "description": "Which field to order by; a leading - for descending.",
                    "schema": {
                        "type": "string",
                        "enum": [*allowed, *(f"-{name}" for name in allowed)],
                    },
                }
            )
        return parameters
