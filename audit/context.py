"""Where a request came from, for the audit entries written while it runs.

A middleware sets it per request; services read it, so no service takes a request. System
work (tasks, commands) has none and records no address."""

from __future__ import annotations

import contextvars
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class Origin:
    ip: str | None
    request_id: str


_origin: contextvars.ContextVar[Origin | None] = contextvars.ContextVar(
    "audit_origin", default=None
)

# A request id from a proxy is kept only if it looks like one (it is stored and shown).
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def current() -> Origin | None:
    return _origin.get()


def audit_context_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Any:
    """Remember the caller's address (REMOTE_ADDR: behind a proxy, the proxy's unless the
    deployment rewrites it) and a request id (the proxy's X-Request-ID, or a new one)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        token = _origin.set(
            Origin(ip=request.META.get("REMOTE_ADDR") or None, request_id=request_id)
        )
        try:
            return get_response(request)
        finally:
            _origin.reset(token)

    return middleware
