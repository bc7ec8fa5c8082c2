"""anymail's webhook URLs, with only the configured ESP's doors open.

anymail.urls mounts every ESP's inbound and tracking views, and anymail accepts posts with
no basic-auth secret at all (it only warns). A system check refused that configuration, but
gunicorn never runs system checks: a forged post was stored as a patient's reply. So each
view is wrapped here:
- only the ESP named by INBOUND_ESP or by an anymail EMAIL_BACKEND answers; others are 404;
- with DEBUG off and no ANYMAIL_WEBHOOK_SECRET every post is refused with 403 before
  anymail reads it (and crm.wsgi refuses to start at all, see crm/startup.py);
- an open ESP that is only half configured (anymail raises ImproperlyConfigured) is a 404
  with one warning line, and a body its parser cannot read a 400. Errors raised in our own
  code behind the webhook (the signal receivers) stay 500s, so the ESP retries and the bug
  is seen.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from types import TracebackType
from typing import Any

from anymail import urls as anymail_urls
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import URLPattern
from django.views.decorators.csrf import csrf_exempt

ANYMAIL_BACKEND_PREFIX = "anymail.backends."
logger = logging.getLogger(__name__)
# What a parser raises on a body it cannot read.
_UNREADABLE = (ValueError, KeyError, IndexError, TypeError, AttributeError, UnicodeError)


def webhook_esps() -> frozenset[str]:
    """The ESPs with an open webhook: the one mail comes in through (INBOUND_ESP) and the
    one mail goes out through (its tracking events). Read per request, like the settings."""
    esps = set(inbound_esps())
    backend = settings.EMAIL_BACKEND_PATH
    if backend.startswith(ANYMAIL_BACKEND_PREFIX):
        esps.add(backend.removeprefix(ANYMAIL_BACKEND_PREFIX).split(".", 1)[0])
    return frozenset(esps)


def inbound_esps() -> frozenset[str]:
    """Only INBOUND_ESP's inbound route takes mail: the sending ESP's tracking route being
    open must not open its inbound one too (mail would arrive through a door nobody set up)."""
    return frozenset({settings.INBOUND_ESP}) if settings.INBOUND_ESP else frozenset()


def webhook_secret_missing() -> bool:
    return not settings.DEBUG and not settings.ANYMAIL.get("WEBHOOK_SECRET")


def _door(
    esp: str, view: Callable[..., HttpResponse], *, inbound: bool
) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if esp not in (inbound_esps() if inbound else webhook_esps()):
            raise Http404("No webhook for this ESP.")
        if webhook_secret_missing():
            return HttpResponseForbidden(
                "Webhooks are refused: ANYMAIL_WEBHOOK_SECRET is not set.",
                content_type="text/plain",
            )
        try:
            return view(request, *args, **kwargs)
        except ImproperlyConfigured as exc:
            # anymail's configuration errors (missing key, missing package). Names settings,
            # never their values.
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

    return csrf_exempt(guarded)


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


def _esp_of(pattern: URLPattern) -> str:
    return str(pattern.pattern).lstrip("^").split("/", 1)[0]


app_name = "anymail"  # anymail's own URL names keep working: reverse("anymail:...")
urlpatterns = [
    URLPattern(
        pattern.pattern,
        _door(_esp_of(pattern), pattern.callback, inbound="inbound" in str(pattern.pattern)),
        pattern.default_args,
        pattern.name,
    )
    for pattern in anymail_urls.urlpatterns
    if isinstance(pattern, URLPattern)
]
