"""Appending many rows at once for the bulk writers (the CSV import): PostgreSQL's COPY,
several times faster than bulk_create's INSERTs for thousands of rows because no model
instance is built per row; other databases (SQLite for `make run`) get one executemany.

For append-only rows whose ids nobody needs back (audit entries, journey events). Lives in
audit/, the lowest layer, so every app may use it. Values are given per column, as the
database stores them (foreign keys by id, JSON as Python objects)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert `rows` (one value per attname in `columns`) into `model`'s table in the
    caller's transaction; returns how many. Columns not named take no default: name them."""
    fields = [model._meta.get_field(name) for name in columns]
    json_at = [i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"]
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    names = ", ".join(qn(str(f.column)) for f in fields)  # type: ignore[union-attr]
    count = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor: COPY is not in the DB-API
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    values = list(row)
                    for i in json_at:
                        values[i] = json.dumps(values[i])
                    copy.write_row(values)
                    count += 1
        return count
    # Other databases: each value as Django would save it (SQLite stores dates as text).
    prepared = [
        [f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)]  # type: ignore[union-attr]
        for row in rows
    ]
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", prepared)  # noqa: S608
    return len(prepared)


def insert_objects(objs: Sequence[models.Model]) -> None:
    """bulk_create for thousands of new rows of one model, setting each object's id: on
    PostgreSQL the ids are taken from the table's sequence first and the rows go in by
    COPY (bulk_create spends most of its time building the INSERT); elsewhere it is
    bulk_create. auto_now/auto_now_add fields get the current time, as with save()."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs, batch_size=500)
        return
    from django.utils import timezone

    opts = model._meta
    pk = opts.pk
    assert pk is not None
    fields = [f for f in opts.concrete_fields if not f.generated]
    now = timezone.now()
    stamped = [
        f.attname
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, pk.column, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    for obj, new_id in zip(objs, ids, strict=True):
        obj.pk = new_id
        for name in stamped:
            setattr(obj, name, now)
        obj._state.adding = False
        obj._state.db = connection.alias
    insert_rows(
        model,
        [f.attname for f in fields],
        ([getattr(obj, f.attname) for f in fields] for obj in objs),
    )
