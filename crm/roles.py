"""Staff roles are Django groups, created by a data migration (crm/migrations)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

COORDINATOR = "Coordinator"
MANAGER = "Manager"


def is_manager(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False):
        return True
    # Cached on the user object: a request asks several times.
    cached = getattr(user, "_crm_is_manager", None)
    if cached is None:
        cached = user.groups.filter(name=MANAGER).exists()  # type: ignore[union-attr]
        user._crm_is_manager = cached  # type: ignore[union-attr]
    return bool(cached)
