"""Writing the audit trail. Callers record inside their own transaction, so a change and
its entry commit or roll back together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.utils import timezone

from audit import context
from audit.bulk import insert_rows
from audit.models import Action, AuditEntry

ERASED = "[erased]"


def jsonable(value: Any) -> Any:
    """A field value as the trail stores it."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value differs."""
    return {
        field: [jsonable(before.get(field)), jsonable(after.get(field))]
        for field in after
        if jsonable(before.get(field)) != jsonable(after.get(field))
    }


def creation_changes(obj: models.Model, fields: Iterable[str]) -> dict[str, list[Any]]:
    """changes_between({}, snapshot(obj, fields)) in one pass: what the bulk writers
    record for each new row (a CSV import writes a hundred thousand of them)."""
    changes = {}
    for name in fields:
        value = jsonable(getattr(obj, obj._meta.get_field(name).attname))  # type: ignore[union-attr]
        if value is not None:
            changes[name] = [None, value]
    return changes


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields` (foreign keys by id)."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        values[name] = getattr(obj, field.attname)  # type: ignore[union-attr]
    return values


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    patient_id: int | None,
    changes: Mapping[str, list[Any]] | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> AuditEntry:
    """Append one entry: who (`actor`, a user or None for system work), did what
    (`action`, audit.models.Action) to which object (`obj`, or `object_type`+`object_id`)
    of which patient. One INSERT, no savepoint: it rides on the caller's transaction."""
    if action not in Action.values:
        raise ValueError(f"Unknown audit action {action!r}.")
    if obj is not None:
        object_type, object_id = obj._meta.label_lower, obj.pk
    user: Any = actor if isinstance(actor, AbstractBaseUser) and actor.pk else None
    origin = context.current()
    return AuditEntry.objects.create(
        at=at or timezone.now(),
        actor=user,
        actor_username=user.get_username() if user is not None else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        patient_id=patient_id,
        changes=dict(changes or {}),
        note=note[:200],
        ip=origin.ip if origin else None,
        request_id=origin.request_id if origin else "",
    )


def audit_record_many(
    *,
    actor: Any,
    action: str,
    items: Iterable[tuple[models.Model, int | None, Mapping[str, list[Any]]]],
    note: str = "",
    at: dt.datetime | None = None,
) -> int:
    """Append one entry per (object, patient id, changes) in one COPY (audit.bulk): the
    bulk writers (a CSV import) record as much as audit_record would, row for row."""
    if action not in Action.values:
        raise ValueError(f"Unknown audit action {action!r}.")
    user: Any = actor if isinstance(actor, AbstractBaseUser) and actor.pk else None
    origin = context.current()
    when = at or timezone.now()
    fixed = (
        when,
        user.pk if user is not None else None,
        user.get_username() if user is not None else "",
        action,
        note[:200],
        origin.ip if origin else None,
        origin.request_id if origin else "",
    )
    return insert_rows(
        AuditEntry,
        (
            "at",
            "actor_id",
            "actor_username",
            "action",
            "note",
            "ip",
            "request_id",
            "object_type",
            "object_id",
            "patient_id",
            "changes",
        ),
        (
            (*fixed, obj._meta.label_lower, str(obj.pk), patient_id, dict(changes or {}))
            for obj, patient_id, changes in items
        ),
    )


def audit_erase_patient(*, patient_id: int) -> int:
    """Blank the values the trail recorded for a patient being erased (who did what and
    when stay). Returns how many entries were rewritten."""
    return AuditEntry.objects.filter(patient_id=patient_id).erase_values(marker=ERASED)
