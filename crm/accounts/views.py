"""Sign-in's second step, the Security page (two-factor enrolment, recovery codes, password
change) and a manager's unlock of locked sign-ins. Views parse, call a service, render."""

from __future__ import annotations

from base64 import b32encode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from crm.accounts import lockout, twofactor
from crm.roles import is_manager


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only: anything else (a view name, NUL bytes) would make
    # redirect() try to reverse it.
    if (
        target.startswith("/")
        and "\x00" not in target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return "/"


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Second step of signing in: a code from the authenticator app or a recovery code."""
    if twofactor.pending_step(request) != "verify":
        return redirect(_next_url(request))
    error = ""
    if request.method == "POST":
        if twofactor.second_factor_verify(request=request, token=request.POST.get("code", "")):
            return redirect(_next_url(request))
        error = "That code is not right (or too many tries: wait a little and retry)."
    return render(
        request,
        "accounts/verify.html",
        {"error": error, "next": _next_url(request)},
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: show the secret, confirm with the first code, then
    show the recovery codes once."""
    user = _user(request)
    if twofactor.pending_step(request) == "verify":
        return redirect("accounts:verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    error = ""
    if request.method == "POST":
        if request.POST.get("action") == "restart" or device is None:
            device = twofactor.totp_device_start(user=user)
        else:
            try:
                codes = twofactor.totp_device_confirm(
                    request=request, device=device, token=request.POST.get("code", "")
                )
            except ValueError as exc:
                error = str(exc)
            else:
                return render(request, "accounts/recovery_codes.html", {"codes": codes})
    if device is None:
        device = twofactor.totp_device_start(user=user)
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/enrol.html",
        {
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "config_url": device.config_url,
            "error": error,
            "required": twofactor.second_factor_required(user),
            "pending": twofactor.pending_step(request) is not None,
        },
        status=400 if error else 200,
    )


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The person's own sign-in settings; managers also see locked sign-ins."""
    user = _user(request)
    context: dict[str, object] = {
        "has_authenticator": twofactor.has_authenticator(user),
        "required": twofactor.second_factor_required(user),
        "recovery_codes_left": twofactor.recovery_codes_left(user),
        "manager": is_manager(user),
    }
    if context["manager"]:
        context["lockouts"] = lockout.lockouts_active()
    return render(request, "accounts/security.html", context)


@login_required
@require_POST
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not twofactor.has_authenticator(user):
        return redirect("accounts:security")
    codes = twofactor.recovery_codes_issue(user=user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


@login_required
@require_POST
def second_factor_off(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if twofactor.second_factor_required(user):
        messages.error(request, "Two-factor sign-in is required for your account.")
    else:
        twofactor.second_factor_disable(user=user)
        messages.success(request, "Two-factor sign-in is off.")
    return redirect("accounts:security")


@login_required
@require_POST
def unlock(request: HttpRequest) -> HttpResponse:
    """A manager clears the failed sign-ins of one username or one address."""
    if not is_manager(request.user):
        raise PermissionDenied
    kind = request.POST.get("kind", "")
    value = request.POST.get("value", "")
    try:
        lockout.lockout_clear(kind=kind, value=value)
    except ValueError:
        messages.error(request, "Nothing to unlock.")
    else:
        messages.success(request, f"Unlocked {kind} {value}.")
    return redirect("accounts:security")
