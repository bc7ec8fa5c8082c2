"""Two middlewares for every request: the second-factor gate and no-store caching."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control

from crm.accounts.twofactor import pending_step

# Pages a session that still owes its second factor may open: the sign-in steps themselves.
# Enrolling is open only to a session with no authenticator yet: one that has an authenticator
# to confirm must not be able to replace it with the password alone.
OPEN_BEFORE_SECOND_FACTOR = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
STEP_PAGE = {"verify": "accounts:verify", "enrol": "accounts:enrol"}
# Patients' pages reached by a signed link (no session): their content is personal too.
TOKEN_PAGE_PREFIXES = ("/followups/unsubscribe/",)


def second_factor_middleware(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        step = pending_step(request)
        if step is not None:
            try:
                name = resolve(request.path_info).view_name
            except Resolver404:
                name = ""
            if name not in OPEN_BEFORE_SECOND_FACTOR and name != STEP_PAGE[step]:
                target = reverse(STEP_PAGE[step])
                if step == "verify" and request.method == "GET":
                    # Back to the page that was asked for once the code is in.
                    target += "?" + urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(target)
        return get_response(request)

    return middleware


def no_store_middleware(get_response: Callable[[HttpRequest], HttpResponse]):
    """Nothing a signed-in person sees, and no patient token page, is kept by the browser or a
    proxy cache: a shared computer's back button must not show a patient."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path_info.startswith(TOKEN_PAGE_PREFIXES):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response

    return middleware
