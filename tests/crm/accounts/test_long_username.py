"""A sign-in with a username longer than any can be is a failed sign-in, not a 500 (axes
keeps usernames in a varchar(255); crm.accounts.lockout.lockout_username cuts them)."""

import pytest
from axes.models import AccessAttempt
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/admin/login/", "/accounts/login/"])
def test_a_10_kb_username_is_a_failed_sign_in(url: str) -> None:
    response = Client().post(url, {"username": "x" * 10_000, "password": "y"})
    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "x" * 150
