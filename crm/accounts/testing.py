"""For the test suite and bench/ only: a finished sign-in without typing a code."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from crm.accounts.twofactor import second_factor_required


def mark_second_factor_done(client: Client, user: User) -> None:
    """After `client.force_login(user)`: the session counts as signed in with a second
    factor, as it would after the code, for people who must use one."""
    if not second_factor_required(user):
        return
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="signed in by a test", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
