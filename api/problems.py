"""Errors as RFC 9457 problem details (application/problem+json), for every error the API
answers: validation, authentication, permission, not found (including unknown URLs under
/api/v1/, see urls.py), method not allowed, conflicts, throttling.

    {"type": "about:blank", "title": "Not Found", "status": 404,
     "detail": "No such journey.", "instance": "/api/v1/journeys/7/"}

Validation problems add `errors`: [{"field": "country", "message": "..."}]; a refused move
adds `allowed_moves`. The `type` is "about:blank" (the status says it all) except for
the two problems a client acts on differently, named by a URI under /api/v1/problems/.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"
VALIDATION_TYPE = "/api/v1/problems/validation"
TRANSITION_TYPE = "/api/v1/problems/transition-not-allowed"


def _flatten(detail: Any, field: str = "") -> list[dict[str, str]]:
    if isinstance(detail, dict):
        return [
            error
            for key, value in detail.items()
            for error in _flatten(value, key if key != "non_field_errors" or field else field or "")
        ]
    if isinstance(detail, list):
        flat: list[dict[str, str]] = []
        for index, value in enumerate(detail):
            nested = isinstance(value, (dict, list))
            flat += _flatten(value, f"{field}.{index}" if nested and field else field)
        return flat
    return [{"field": field, "message": str(detail)}]


def problem(
    *,
    status: int,
    detail: str,
    instance: str = "",
    type_: str = "about:blank",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    body = {
        "type": type_,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": instance,
        **extra,
    }
    return Response(body, status=status, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: DRF's handler (headers such as
    WWW-Authenticate and Retry-After, the transaction rollback), then the body rewritten
    as a problem. Anything else (a bug) propagates to the 500 handler."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    instance = request.path if request is not None else ""
    extra: dict[str, Any] = {}
    type_ = "about:blank"
    if isinstance(exc, exceptions.ValidationError):
        type_ = VALIDATION_TYPE
        extra["errors"] = _flatten(exc.detail)
        detail = "The request has invalid fields: " + ", ".join(
            sorted({error["field"] or "(request)" for error in extra["errors"]})
        )
    elif isinstance(exc, exceptions.APIException):
        detail = str(exc.detail)
    else:
        detail = str(exc)
    headers = {
        name: value
        for name, value in response.headers.items()
        if name.lower() in ("www-authenticate", "retry-after", "allow")
    }
    return problem(
        status=response.status_code,
        detail=detail,
        instance=instance,
        type_=type_,
        headers=headers,
        **extra,
    )
