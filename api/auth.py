"""API key authentication: `Authorization: Bearer <key>` (or `X-Api-Key: <key>`).

The key acts as its user: request.user is that person, so every queryset starts from
journeys_visible_to(request.user) exactly as for the browser session; request.auth is
the ApiKey (its scope decides whether it may write). No session, so no CSRF: a browser
cannot be made to send the header by another site.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from api.models import ApiKey
from api.services import KEY_PREFIX, hash_key
from crm.roles import has_dashboard_role

# last_used_at is written at most this often per key: one UPDATE a minute, not one per
# request (an integration polling hard would otherwise write on every read).
LAST_USED_RESOLUTION = dt.timedelta(seconds=60)


def _key_from(request: Request) -> str | None:
    header = get_authorization_header(request).split()
    if header and header[0].lower() == b"bearer":
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the key as 'Authorization: Bearer <key>'.")
        try:
            return header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("The API key is not valid.") from None
    alternative = request.META.get("HTTP_X_API_KEY")
    return alternative.strip() if alternative else None


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, ApiKey] | None:
        raw = _key_from(request)
        if raw is None:
            return None
        if not raw.startswith(KEY_PREFIX) or len(raw) > 100:
            raise exceptions.AuthenticationFailed("The API key is not valid.")
        key = (
            ApiKey.objects.select_related("user")
            .filter(key_hash=hash_key(raw), revoked_at__isnull=True)
            .first()
        )
        if key is None or not key.user.is_active:
            raise exceptions.AuthenticationFailed("The API key is not valid or was revoked.")
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
            ApiKey.objects.filter(pk=key.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
            ).update(last_used_at=now)
        return key.user, key

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) to a request without credentials.
        return 'Bearer realm="api"'


class IsStaffMember(BasePermission):
    """A coordinator or manager (what the dashboard asks); anyone else sees nothing."""

    message = "The API is for coordinators and managers."

    def has_permission(self, request: Request, view: Any) -> bool:
        return has_dashboard_role(request.user)


class KeyScopeAllowsWrite(BasePermission):
    """A read-only key may only read; the browser session writes as its person."""

    message = "This API key is read-only."

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        key = request.auth
        return not isinstance(key, ApiKey) or key.can_write
