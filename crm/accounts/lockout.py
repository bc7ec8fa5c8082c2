"""Repeated failed sign-ins (django-axes): who is locked out, and a manager's unlock."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models import Sum
from django.dispatch import receiver
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address lockouts count against. Behind a proxy (BEHIND_PROXY=1) REMOTE_ADDR is the
    proxy's, shared by everyone, so the last X-Forwarded-For entry is used: the address our
    own proxy saw (entries to its left are whatever the client chose to send)."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return str(request.META.get("REMOTE_ADDR", ""))


# No username is longer (Django's User.username); axes' AccessAttempt holds 255.
USERNAME_MAX_LENGTH = 150


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """AXES_USERNAME_CALLABLE: the username a failed sign-in counts against, cut to what a
    username can be. Django's sign-in form does not enforce the length before it tries
    to authenticate, so a 10 kB "username" reached axes' varchar(255) column: a 500."""
    source = credentials if credentials else request.POST
    value = str((source or {}).get("username") or "")
    return value.replace("\x00", "")[:USERNAME_MAX_LENGTH]


@dataclass(frozen=True)
class Lockout:
    kind: str  # "username" or "address"
    value: str
    failures: int


def lockouts_active() -> list[Lockout]:
    """Usernames and addresses at or over the failure limit (expired attempts are already
    gone: axes deletes them after the cool-off when it next looks)."""
    limit = settings.AXES_FAILURE_LIMIT
    found: list[Lockout] = []
    for field, kind in (("username", "username"), ("ip_address", "address")):
        rows = (
            AccessAttempt.objects.exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(failures=Sum("failures_since_start"))
            .filter(failures__gte=limit)
            .order_by(field)
        )
        found.extend(Lockout(kind=kind, value=row[field], failures=row["failures"]) for row in rows)
    return found


def lockout_clear(*, kind: str, value: str) -> int:
    """A manager's unlock: forget the failed attempts of one username or one address.
    Returns how many attempt rows were removed."""
    if kind not in {"username", "address"} or not value:
        raise ValueError(f"Unknown lockout {kind!r}.")
    field = "username" if kind == "username" else "ip_address"
    with transaction.atomic():
        count, _ = AccessAttempt.objects.filter(**{field: value}).delete()
    return count


@receiver(user_logged_in, dispatch_uid="crm.accounts.lockout_forget_own_failures")
def _forget_own_failures(
    sender: object, request: HttpRequest, user: object, **kwargs: object
) -> None:
    """A successful sign-in forgets the failures of that username only. The address's
    failures against other usernames stay counted (AXES_RESET_ON_SUCCESS is off)."""
    username = getattr(user, "get_username", lambda: "")()
    if username:
        AccessAttempt.objects.filter(username=username).delete()
