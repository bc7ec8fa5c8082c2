"""Repeated failed sign-ins lock the account and the address; a manager unlocks them."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def sign_in(client: Client, username: str, password: str, address: str = "203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_thirty_wrong_passwords_lock_the_account(client, coordinator, settings):
    statuses = [sign_in(client, "carmen", f"wrong-{n}").status_code for n in range(30)]
    limit = settings.AXES_FAILURE_LIMIT
    # The form answers "wrong password" until the limit, then the lockout page, every time.
    assert statuses[: limit - 1] == [200] * (limit - 1)
    assert statuses[limit - 1 :] == [429] * (31 - limit)
    # The right password no longer helps, from this address or any other.
    locked = sign_in(client, "carmen", "pw-carmen")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert sign_in(Client(), "carmen", "pw-carmen", address="198.51.100.9").status_code == 429
    assert "_auth_user_id" not in client.session


def test_one_address_is_locked_for_every_username(client, coordinator, other_coordinator, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess-{n}", "password")
    # omar never failed, but the address guessing usernames is stopped.
    assert sign_in(client, "omar", "pw-omar").status_code == 429
    assert sign_in(Client(), "omar", "pw-omar", address="198.51.100.9").status_code == 302


def test_a_manager_unlocks_the_account_on_the_security_page(client, coordinator, manager, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), "carmen", f"wrong-{n}", address=f"198.51.100.{n + 1}")
    assert sign_in(Client(), "carmen", "pw-carmen").status_code == 429

    client.force_login(manager)
    page = client.get("/accounts/security/").content.decode()
    assert "Locked sign-ins" in page and "carmen" in page
    response = client.post("/accounts/security/unlock/", {"kind": "username", "value": "carmen"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="carmen").exists()
    assert sign_in(Client(), "carmen", "pw-carmen").status_code == 302


def test_only_managers_unlock(client, coordinator, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), "omar", f"wrong-{n}")
    client.force_login(coordinator)
    assert "Locked sign-ins" not in client.get("/accounts/security/").content.decode()
    response = client.post("/accounts/security/unlock/", {"kind": "username", "value": "omar"})
    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username="omar").exists()


def test_the_admin_sign_in_is_watched_too(client, manager, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/admin/login/",
            {"username": "maria", "password": f"wrong-{n}"},
            REMOTE_ADDR="203.0.113.8",
        )
    assert sign_in(Client(), "maria", "pw-maria", address="198.51.100.3").status_code == 429


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(client, coordinator, settings):
    settings.BEHIND_PROXY = True
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": f"guess-{n}", "password": "x"},
            REMOTE_ADDR="10.0.0.1",
            # The client may prepend anything; the proxy appends what it saw.
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.50",
        )
    assert (
        AccessAttempt.objects.filter(ip_address="203.0.113.50").count()
        == settings.AXES_FAILURE_LIMIT
    )
    # Another client behind the same proxy is not locked out with the guesser.
    other = client.post(
        LOGIN,
        {"username": "carmen", "password": "pw-carmen"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.60",
    )
    assert other.status_code == 302


def test_signing_in_as_yourself_does_not_clear_guesses_at_a_colleague(
    coordinator, other_coordinator, settings
):
    """An insider guessing a colleague's password nine times, then signing in as themselves
    from the same address to reset the count, is still stopped: a success forgets only
    its own username's failures."""
    limit = settings.AXES_FAILURE_LIMIT
    guessed = 0
    for _round in range(4):
        for n in range(limit - 1):
            sign_in(Client(), "omar", f"guess-{guessed + n}", address="203.0.113.50")
        guessed += limit - 1
        # carmen's own sign-in from the same address; until the address itself is locked.
        sign_in(Client(), "carmen", "pw-carmen", address="203.0.113.50")
    # omar is locked from anywhere, even with his right password.
    assert sign_in(Client(), "omar", "pw-omar", address="198.51.100.20").status_code == 429


def test_a_success_forgets_its_own_failures(coordinator, settings):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(Client(), "carmen", f"typo-{n}")
    assert sign_in(Client(), "carmen", "pw-carmen").status_code == 302
    assert not AccessAttempt.objects.filter(username="carmen").exists()
