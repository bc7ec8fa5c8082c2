"""When the database is away (a PostgreSQL restart, a failover, a full connection pool),
every request answers 503 with a Retry-After, not 500 with a traceback.

Django turns an exception raised anywhere in a request (a view, or a middleware such as
the session saving its row) into the `handler500` response, then logs it on
`django.request` with the traceback. `server_error` is that handler: for the database's
connection errors it answers a short 503 page (JSON for callers that asked for JSON,
like the board) and logs one line without personal data; `SkipDatabaseUnavailable`
drops the traceback record Django logs after it. Any other error is Django's usual 500.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

logger = logging.getLogger(__name__)

# Seconds a client (or a person) should wait before trying again.
RETRY_AFTER = 30
MESSAGE = "The database is briefly unavailable. Nothing was lost; please try again in a minute."

_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Back in a moment</title></head>
<body><h1>Back in a moment</h1><p>{MESSAGE}</p></body></html>
"""


def database_unavailable(exc: BaseException | None) -> bool:
    """A connection-level database error (server restarting, connection lost, pool empty),
    as opposed to a bad query."""
    return isinstance(exc, (OperationalError, InterfaceError))


def unavailable_response(request: HttpRequest) -> HttpResponse:
    response: HttpResponse
    if "application/json" in request.headers.get("Accept", "") or request.path.startswith("/api/"):
        response = JsonResponse({"ok": False, "error": MESSAGE}, status=503)
    else:
        response = HttpResponse(_PAGE, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500 (crm/urls.py). Called inside Django's exception handling, so
    sys.exc_info() is the error that ended the request."""
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        # Method, path (ids at most) and the error's class: no query string, no body.
        logger.warning(
            "Database unavailable: %s %s answered 503 (%s)",
            request.method,
            request.path,
            type(exc).__name__,
        )
        return unavailable_response(request)
    return defaults.server_error(request)


class SkipDatabaseUnavailable(logging.Filter):
    """On `django.request`: drop the traceback record of a request `server_error` already
    answered with a 503 and logged in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not database_unavailable(exc)
