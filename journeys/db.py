"""Database expressions the reports need and Django lacks: durations in seconds and exact
percentiles, computed by the database over the rows it aggregates.

PostgreSQL is the production database: `percentile_cont` does the work. SQLite (the
embedded default of `make run`) has no percentile function, so the app registers an exact
Python aggregate with the same semantics on each SQLite connection (journeys.apps).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Aggregate, Func
from django.db.models.sql.compiler import SQLCompiler

SQLITE_PERCENTILES = "journeys_percentiles"


class Seconds(Func):
    """`end - start` in seconds as a float; NULL when either side is NULL."""

    arity = 2
    template = "EXTRACT(EPOCH FROM (%(expressions)s))::float8"
    arg_joiner = " - "
    output_field = models.FloatField()

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(end, start)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, Any]:
        return self.as_sql(
            compiler,
            connection,
            # julianday is a float of days: rounded to the millisecond, its noise goes.
            template="ROUND((julianday(%(expressions)s)) * 86400.0, 3)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class FloatList(models.Field):
    """The output type of Percentiles: float8[] from PostgreSQL, JSON text from SQLite."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> list[float] | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = json.loads(value)
        return [float(v) for v in value]


class Percentiles(Aggregate):
    """Continuous percentiles (linear interpolation, like PostgreSQL's percentile_cont) of
    an expression at several fractions, from one sort: `Percentiles(x, (0.5, 0.9))` gives
    `[median, p90]`, or None when no non-NULL input. NULL inputs are ignored."""

    function = "PERCENTILE_CONT"
    name = "Percentiles"
    template = (
        "%(function)s(ARRAY[%(fractions)s]) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"
    )
    output_field = FloatList()

    def __init__(self, expression: Any, fractions: Sequence[float], **extra: Any) -> None:
        if not fractions or not all(0 <= f <= 1 for f in fractions):
            raise ValueError("Percentile fractions must be between 0 and 1.")
        # Literals in the SQL: floats we made, formatted by repr, never user input.
        super().__init__(
            expression, fractions=", ".join(repr(float(f)) for f in fractions), **extra
        )

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, Any]:
        return self.as_sql(
            compiler,
            connection,
            template=f"{SQLITE_PERCENTILES}(%(expressions)s, '%(fractions)s')%(filter)s",
            **extra_context,
        )


def percentile_cont(ordered: Sequence[float], fraction: float) -> float:
    """PostgreSQL's percentile_cont over an already sorted, non-empty sequence."""
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class SqlitePercentiles:
    """The SQLite stand-in for Percentiles: an aggregate class for create_aggregate."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.fractions: list[float] = []

    def step(self, value: float | None, fractions: str) -> None:
        if not self.fractions:
            self.fractions = [float(f) for f in fractions.split(",")]
        if value is not None:
            self.values.append(float(value))

    def finalize(self) -> str | None:
        if not self.values:
            return None
        self.values.sort()
        return json.dumps([percentile_cont(self.values, f) for f in self.fractions])


def register_sqlite_functions(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """connection_created receiver: give SQLite connections the percentile aggregate."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_PERCENTILES, 2, SqlitePercentiles)
