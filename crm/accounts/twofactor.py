"""Two-factor sign-in with django-otp: one TOTP authenticator and one set of recovery codes
per person.

After the password, a session owes its second factor when the person has a confirmed
authenticator ("verify") or must enrol one ("enrol": managers, superusers, everyone with
REQUIRE_2FA_FOR_ALL). The middleware lets such a session reach only the sign-in pages.
Whether the person had an authenticator is read once, at sign-in, and kept in the session,
so a coordinator without one costs no query per request.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from crm.roles import is_manager

# Session key: "verify" when the person signed in with an authenticator to confirm.
PENDING_KEY = "crm_second_factor"
RECOVERY_CODE_COUNT = 10
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def second_factor_required(user: User) -> bool:
    """Must this person use a second factor? Managers and superusers always."""
    return bool(settings.REQUIRE_2FA_FOR_ALL or user.is_superuser or is_manager(user))


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@receiver(user_logged_in, dispatch_uid="crm.accounts.second_factor_pending")
def _remember_pending_second_factor(
    sender: object, request: HttpRequest | None, user: User, **kwargs: object
) -> None:
    # A fresh sign-in (password only) owes the second factor if there is one to give.
    if request is None or not hasattr(request, "session"):
        return
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    if has_authenticator(user):
        request.session[PENDING_KEY] = "verify"
    else:
        request.session.pop(PENDING_KEY, None)


def pending_step(request: HttpRequest) -> str | None:
    """What the signed-in session still owes: "verify", "enrol" or nothing."""
    user = request.user
    if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
        return None
    if request.session.get(PENDING_KEY) == "verify":
        return "verify"
    if second_factor_required(user):
        return "enrol"
    return None


def totp_device_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator (a fresh secret) replacing any unconfirmed one."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def totp_device_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the authenticator with its first code: it replaces any earlier one, recovery
    codes are issued (shown once), and this session counts as signed in with it.
    Returns the recovery codes; raises ValueError for a wrong code."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, confirmed=False)
        if not device.verify_token(token.strip()):
            raise ValueError("That code is not right; check the time on your phone and retry.")
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = recovery_codes_issue(user=device.user)
    otp_login(request, device)
    request.session.pop(PENDING_KEY, None)
    return codes


def recovery_codes_issue(*, user: User) -> list[str]:
    """A new set of one-time recovery codes; the old ones stop working."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def second_factor_verify(*, request: HttpRequest, token: str) -> bool:
    """The sign-in's second step: a code from the authenticator, or one recovery code (used
    up). django-otp throttles each device after wrong codes."""
    user = request.user
    token = token.strip().replace(" ", "").lower()
    if not token:
        return False
    with transaction.atomic():
        devices: list[TOTPDevice | StaticDevice] = []
        devices.extend(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True))
        devices.extend(StaticDevice.objects.select_for_update().filter(user=user, confirmed=True))
        for device in devices:
            if device.verify_token(token):
                break
        else:
            return False
    otp_login(request, device)
    request.session.pop(PENDING_KEY, None)
    return True


def second_factor_disable(*, user: User) -> None:
    """Remove the authenticator and recovery codes (the person, when not required to have
    one, or a manager resetting a lost phone)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
