"""Writes for integrations: making and revoking API keys (webhook endpoints are in
webhooks.py). Both are recorded in the audit trail."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from api.models import ApiKey, Scope
from audit.models import Action
from audit.services import audit_record
from crm.roles import Actor, has_dashboard_role, person

KEY_PREFIX = "crm_"


class ApiKeyError(Exception):
    """A refused key request; the message is for the manager."""


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_key_create(*, name: str, user: User, scope: str, actor: Actor) -> tuple[ApiKey, str]:
    """Make a key acting as `user`. Returns the row and the key itself, which is shown
    once and never stored (only its hash is)."""
    if scope not in Scope.values:
        raise ApiKeyError(f"Unknown scope {scope!r}; choose one of {', '.join(Scope.values)}.")
    if not has_dashboard_role(user):
        raise ApiKeyError(
            f"{user.get_username()} is not an active coordinator or manager: a key acting "
            "as them could see nothing."
        )
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        key = ApiKey.objects.create(
            name=name.strip() or "Integration",
            user=user,
            scope=scope,
            prefix=raw[:12],
            key_hash=hash_key(raw),
            created_by=person(actor),
        )
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=key,
            patient_id=None,
            changes={"name": [None, key.name], "user": [None, user.pk], "scope": [None, scope]},
        )
    return key, raw


def api_key_revoke(*, key_id: int, actor: Actor) -> ApiKey:
    """Refuse the key from now on (kept, with its last use, for the record)."""
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().get(pk=key_id)
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.save(update_fields=["revoked_at"])
            audit_record(
                actor=actor,
                action=Action.CHANGE,
                obj=key,
                patient_id=None,
                changes={"revoked_at": [None, key.revoked_at.isoformat()]},
                note="API key revoked",
            )
    return key
