"""Two-factor sign-in: managers enrol before anything else and sign in with a TOTP code;
recovery codes work once; coordinators may enrol; a setting requires it for everyone."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from crm.accounts.twofactor import recovery_codes_issue

pytestmark = pytest.mark.django_db


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the phone shows now (or in a later 30 s step: a code is accepted once, and
    the device also accepts the next step's, for clocks a little ahead)."""
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0 - steps_ahead * device.step, device.digits)
    return f"{value:06d}"


def password_sign_in(client: Client, user: User) -> str:
    """Post the sign-in form, follow the redirects; return where it lands."""
    response = client.post(
        "/accounts/login/",
        {"username": user.username, "password": f"pw-{user.username}"},
        follow=True,
    )
    assert response.status_code == 200
    return response.redirect_chain[-1][0]


def enrolled(user: User) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return device, recovery_codes_issue(user=user)


def test_a_manager_enrols_before_anything_else(client, manager):
    assert password_sign_in(client, manager) == "/accounts/two-factor/"
    # Every other page, the admin and the API included, sends them back to enrol.
    for url in ("/", "/board/", "/reports/", "/admin/", "/api/v1/", "/accounts/security/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/accounts/two-factor/"), url

    page = client.get("/accounts/two-factor/").content.decode()
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    assert "otpauth://totp/" in page and "Clinic" in page  # issuer: the company name
    assert client.post("/accounts/two-factor/", {"code": "000000"}).status_code == 400

    response = client.post("/accounts/two-factor/", {"code": code(device)})
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())
    assert len(codes) == 10
    assert client.get("/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


@pytest.fixture
def no_throttle(settings):
    # django-otp makes each device wait 1 s, 2 s, 4 s... after wrong codes (tested below);
    # tests that follow a wrong code with a right one at once switch that off.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def test_a_manager_signs_in_with_a_totp_code(client, manager, no_throttle):
    device, _ = enrolled(manager)
    assert password_sign_in(client, manager) == "/accounts/verify/?next=%2F"
    assert client.get("/board/")["Location"] == "/accounts/verify/?next=%2Fboard%2F"
    # The password alone cannot replace the authenticator.
    assert client.get("/accounts/two-factor/")["Location"].startswith("/accounts/verify/")

    wrong = client.post("/accounts/verify/", {"code": "123456"})
    assert wrong.status_code == 400
    response = client.post("/accounts/verify/", {"code": code(device), "next": "/board/"})
    assert response.status_code == 302
    assert response["Location"] == "/board/"
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_works_once(manager, no_throttle):
    _, codes = enrolled(manager)
    first = Client()
    password_sign_in(first, manager)
    assert first.post("/accounts/verify/", {"code": codes[0].upper()})["Location"] == "/"
    assert first.get("/").status_code == 200
    assert StaticToken.objects.filter(device__user=manager).count() == 9

    again = Client()
    password_sign_in(again, manager)
    assert again.post("/accounts/verify/", {"code": codes[0]}).status_code == 400
    assert again.get("/").status_code == 302
    assert again.post("/accounts/verify/", {"code": codes[1]}).status_code == 302


def test_wrong_codes_make_the_next_try_wait(client, manager):
    device, codes = enrolled(manager)
    password_sign_in(client, manager)
    for wrong in ("111111", "222222", "333333"):
        client.post("/accounts/verify/", {"code": wrong})
    # Three failures: the next try must wait 4 s; even the right code is refused now.
    assert client.post("/accounts/verify/", {"code": code(device)}).status_code == 400
    assert client.post("/accounts/verify/", {"code": codes[0]}).status_code == 400
    assert client.get("/").status_code == 302


def test_a_code_is_accepted_once(manager):
    device, _ = enrolled(manager)
    token = code(device)
    first, second = Client(), Client()
    password_sign_in(first, manager)
    password_sign_in(second, manager)
    assert first.post("/accounts/verify/", {"code": token}).status_code == 302
    assert second.post("/accounts/verify/", {"code": token}).status_code == 400


def test_a_coordinator_signs_in_without_until_they_enrol(client, coordinator):
    assert password_sign_in(client, coordinator) == "/"
    assert "Off." in client.get("/accounts/security/").content.decode()
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=coordinator)
    client.post("/accounts/two-factor/", {"code": code(device)})

    later = Client()
    assert password_sign_in(later, coordinator) == "/accounts/verify/?next=%2F"
    assert later.post("/accounts/verify/", {"code": code(device, steps_ahead=1)}).status_code == 302
    # Not required for a coordinator: they may turn it off again.
    later.post("/accounts/two-factor/off/")
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert password_sign_in(Client(), coordinator) == "/"


def test_a_manager_cannot_turn_it_off(client, manager):
    enrolled(manager)
    client.force_login(manager)
    client.post("/accounts/two-factor/off/")
    assert TOTPDevice.objects.filter(user=manager, confirmed=True).exists()


def test_superusers_must_enrol(client):
    User.objects.create_superuser("root", "root@clinic.example", "pw-root")
    root = User.objects.get(username="root")
    assert password_sign_in(client, root) == "/accounts/two-factor/"
    assert client.get("/admin/").status_code == 302


def test_require_2fa_for_all_sends_coordinators_to_enrol(client, coordinator, settings):
    settings.REQUIRE_2FA_FOR_ALL = True
    assert password_sign_in(client, coordinator) == "/accounts/two-factor/"


def test_new_recovery_codes_replace_the_old_ones(client, manager):
    _, old = enrolled(manager)
    client.force_login(manager)
    response = client.post("/accounts/two-factor/recovery-codes/")
    new = re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    stored = StaticToken.objects.filter(device__user=manager).values_list("token", flat=True)
    assert set(stored) == set(new)


def test_verify_sends_only_to_pages_of_this_site(client, manager):
    device, _ = enrolled(manager)
    password_sign_in(client, manager)
    response = client.post(
        "/accounts/verify/", {"code": code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
