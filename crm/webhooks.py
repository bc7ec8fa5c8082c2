"""anymail's webhook routes, guarded so a stranger's post is a 4xx, never a 500.

anymail mounts a tracking and an inbound URL for every ESP it knows. Two things made
them answer 500 to anyone on the web: an ESP we do not use (its view raises a
configuration error for the missing API key or signing secret) and a body the ESP's
parser cannot read (empty or broken JSON, missing fields). Here the first is a 404 ("no
such webhook here", with one warning line so a half-configured ESP is noticed) and the
second a 400. Errors raised in our own code behind the webhook (the signal receivers)
are not touched: they stay 500s, so the ESP retries and the bug is seen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import TracebackType
from typing import Any

from anymail import urls as anymail_urls
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern

logger = logging.getLogger(__name__)

# What a parser raises on a body it cannot read.
_UNREADABLE = (ValueError, KeyError, IndexError, TypeError, AttributeError, UnicodeError)


def _raised_in_anymail(tb: TracebackType | None) -> bool:
    """True when every frame below the view's own is library code (anymail parsing the
    post), False when our code (a signal receiver) is in the traceback."""
    tb = tb.tb_next if tb is not None else None  # skip our wrapper's frame
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if "site-packages" not in filename and "/lib/python" not in filename:
            return False
        tb = tb.tb_next
    return True


def _guard(view: Callable[..., HttpResponse], esp: str) -> Callable[..., HttpResponse]:
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ImproperlyConfigured as exc:
            # anymail's configuration errors (missing key, missing package): the ESP is
            # not one this server uses. Names settings, never their values.
            logger.warning("Webhook for %s called but not configured: %s", esp, exc)
            return HttpResponse(
                f"This server does not receive {esp} webhooks.",
                status=404,
                content_type="text/plain; charset=utf-8",
            )
        except _UNREADABLE as exc:
            if not _raised_in_anymail(exc.__traceback__):
                raise
            logger.warning("Unreadable %s webhook post (%s)", esp, type(exc).__name__)
            return HttpResponse(
                f"The {esp} webhook payload could not be read.",
                status=400,
                content_type="text/plain; charset=utf-8",
            )

    guarded.csrf_exempt = True  # type: ignore[attr-defined]  # as anymail's own views
    return guarded


def anymail_urlpatterns() -> list[URLPattern]:
    """anymail's own URL patterns (same paths and names), each view guarded."""
    patterns = []
    for pattern in anymail_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        view_class = getattr(pattern.callback, "view_class", None)
        esp = str(getattr(view_class, "esp_name", "this ESP"))
        patterns.append(
            URLPattern(
                pattern.pattern,
                _guard(pattern.callback, esp),
                pattern.default_args,
                pattern.name,
            )
        )
    return patterns
