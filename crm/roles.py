"""Staff roles are Django groups, created by a data migration (crm/migrations)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

# Who asked for a write: a signed-in user, or nobody for system work (tasks, inbound mail).
Actor = User | AnonymousUser | None

COORDINATOR = "Coordinator"
MANAGER = "Manager"


def is_manager(user: Actor) -> bool:
    if user is None or isinstance(user, AnonymousUser):
        return False
    if getattr(user, "is_superuser", False):
        return True
    # Cached on the user object: a request asks several times.
    cached = getattr(user, "_crm_is_manager", None)
    if cached is None:
        cached = user.groups.filter(name=MANAGER).exists()
        setattr(user, "_crm_is_manager", cached)  # noqa: B010 - a per-request memo
    return bool(cached)


def person(user: Actor) -> User | None:
    """The user to record on a row: a signed-in person, or None for system work."""
    return user if isinstance(user, User) else None
