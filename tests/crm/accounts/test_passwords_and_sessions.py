"""Passwords refuse the clinic-name-and-year kind; sessions end when idle and when the
password changes; a forgotten password is reset by email."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from crm import demo

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password",
    ["Clinic2026", "Clinic2026!", "password1234", "123456789012345", "carmen-clinic-example"],
)
def test_weak_passwords_are_refused(coordinator, password):
    with pytest.raises(ValidationError):
        validate_password(password, coordinator)


def test_the_demo_password_passes_the_same_rules(coordinator):
    validate_password(demo.DEFAULT_PASSWORD, coordinator)
    validate_password("a-long-phrase-of-words", coordinator)


def test_each_request_renews_an_idle_session_and_an_expired_one_signs_out(client, coordinator):
    client.force_login(coordinator)
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + dt.timedelta(minutes=1))
    assert client.get("/").status_code == 200
    renewed = Session.objects.get(pk=key).expire_date
    assert renewed > timezone.now() + dt.timedelta(hours=7, minutes=59)

    # Idle past the limit: the next request is sent to sign in.
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_idle_limit_is_a_setting(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_changing_the_password_ends_the_other_sessions(coordinator):
    here, elsewhere = Client(), Client()
    here.force_login(coordinator)
    elsewhere.force_login(coordinator)
    response = here.post(
        "/accounts/password/",
        {
            "old_password": "pw-carmen",
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )
    assert (response.status_code, response["Location"]) == (302, "/accounts/security/")
    assert here.get("/").status_code == 200
    assert elsewhere.get("/")["Location"].startswith("/accounts/login/")


def test_a_weak_new_password_is_refused_on_the_form(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        "/accounts/password/",
        {"old_password": "pw-carmen", "new_password1": "Clinic2026", "new_password2": "Clinic2026"},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()


def test_password_reset_by_email_end_to_end(client, coordinator):
    signed_in_elsewhere = Client()
    signed_in_elsewhere.force_login(coordinator)

    response = client.post("/accounts/password-reset/", {"email": "carmen@clinic.example"})
    assert response["Location"] == "/accounts/password-reset/sent/"
    # An unknown address sends nothing and looks the same.
    client.post("/accounts/password-reset/", {"email": "nobody@clinic.example"})
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["carmen@clinic.example"]
    assert email.subject == "Reset your password for the patient-journey CRM"
    html = email.alternatives[0].content if email.alternatives else ""
    link = re.search(r"https?://[^/\s]+(/accounts/password-reset/\S+/)", email.body)
    assert link is not None and link.group(1) in html

    form = client.get(link.group(1), follow=True)
    set_url = form.redirect_chain[-1][0]
    assert "Choose a new password" in form.content.decode()
    weak = client.post(set_url, {"new_password1": "Clinic2026", "new_password2": "Clinic2026"})
    assert weak.status_code == 200
    done = client.post(
        set_url,
        {"new_password1": "fresh-long-passphrase", "new_password2": "fresh-long-passphrase"},
    )
    assert done["Location"] == "/accounts/password-reset/done/"

    signed_in = Client().post(
        "/accounts/login/", {"username": "carmen", "password": "fresh-long-passphrase"}
    )
    assert signed_in.status_code == 302
    # The link works once, and the old sessions are over.
    assert (
        "expired or was already used" in Client().get(link.group(1), follow=True).content.decode()
    )
    assert signed_in_elsewhere.get("/")["Location"].startswith("/accounts/login/")
