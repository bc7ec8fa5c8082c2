"""anymail's webhook URLs, with only the configured ESP's doors open.

anymail.urls mounts every ESP's inbound and tracking views, and anymail accepts posts with
no basic-auth secret at all (it only warns). A system check refused that configuration, but
gunicorn never runs system checks: a forged post was stored as a patient's reply. So each
view is wrapped here:
- only the ESP named by INBOUND_ESP or by an anymail EMAIL_BACKEND answers; others are 404;
- with DEBUG off and no ANYMAIL_WEBHOOK_SECRET every post is refused with 403 before
  anymail reads it (and crm.wsgi refuses to start at all, see crm/startup.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from anymail import urls as anymail_urls
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.urls import URLPattern
from django.views.decorators.csrf import csrf_exempt

ANYMAIL_BACKEND_PREFIX = "anymail.backends."


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
        return view(request, *args, **kwargs)

    return csrf_exempt(guarded)


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
