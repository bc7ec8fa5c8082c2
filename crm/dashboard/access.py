"""Who may use the dashboard, and the time zone its pages speak."""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from crm.roles import has_dashboard_role

View = Callable[..., HttpResponse]

# The browser reports its IANA zone in this cookie (static/js/app.js); the coordinator's
# own clock is the one the dashboard shows times in.
TZ_COOKIE = "tz"


def staff_required(view: View) -> View:
    """Signed-in staff in the Coordinator or Manager group. Anyone else signed in gets a
    clear refusal page (403), not a redirect loop back to the login form."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_dashboard_role(request.user):
            return render(request, "dashboard/refused.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def timezone_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Any:
    """Activate the coordinator's time zone from the browser's cookie (ignored if it is
    not a real IANA zone); the project's TIME_ZONE otherwise."""

    def middleware(request: HttpRequest) -> HttpResponse:
        name = unquote(request.COOKIES.get(TZ_COOKIE, ""))
        zone = None
        if name and len(name) < 64:
            try:
                zone = zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                zone = None
        if zone is not None:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        try:
            return get_response(request)
        finally:
            timezone.deactivate()

    return middleware
