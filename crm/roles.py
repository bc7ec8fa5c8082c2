"""Staff roles are Django groups, created by a data migration (crm/migrations)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

# Who asked for a write: a signed-in user, or nobody for system work (tasks, inbound mail).
Actor = User | AnonymousUser | None

COORDINATOR = "Coordinator"
MANAGER = "Manager"


def staff_roles(user: Actor) -> frozenset[str]:
    """The user's staff roles (group names), one query per request: cached on the user."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_crm_roles", None)
    if cached is None:
        cached = frozenset(
            user.groups.filter(name__in=[COORDINATOR, MANAGER]).values_list("name", flat=True)
        )
        setattr(user, "_crm_roles", cached)  # noqa: B010 - a per-request memo
    return cached


def is_manager(user: Actor) -> bool:
    if user is None or isinstance(user, AnonymousUser):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return MANAGER in staff_roles(user)


def has_dashboard_role(user: Actor) -> bool:
    """May use the coordinators' dashboard: an active member of the Coordinator or Manager
    group (or a superuser). Deliberately not `is_staff`: that flag opens Django's admin,
    which is for managers only (see may_use_admin)."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_active:
        return False
    if getattr(user, "is_superuser", False):
        return True
    return bool(staff_roles(user))


def may_use_admin(user: Actor) -> bool:
    """May open Django's admin: an active manager or superuser who is also `is_staff`
    (the admin's own login form asks for it). Coordinators never, even if someone left
    `is_staff` set on them: the admin's model permissions know nothing of who owns which
    patient."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_active:
        return False
    return bool(user.is_staff and is_manager(user))


def person(user: Actor) -> User | None:
    """The user to record on a row: a signed-in person, or None for system work."""
    return user if isinstance(user, User) else None


def _role_or_404(
    allowed: Callable[[Actor], bool],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# The staff buttons other apps put on the dashboard's pages (care's escalations and travel
# checklist, feedback's recovery cases): signed-in staff with a dashboard role (or, for
# manager_or_404, a manager); anyone else signed in gets a 404, so the route says nothing
# of what exists.
staff_or_404 = _role_or_404(has_dashboard_role)
manager_or_404 = _role_or_404(is_manager)
