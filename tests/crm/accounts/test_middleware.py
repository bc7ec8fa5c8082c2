"""Headers on every page: a strict Content-Security-Policy, and no-store wherever patient
data can appear."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


def csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_every_kind_of_page_carries_a_self_only_policy(client, manager, journey):
    anonymous = [client.get("/accounts/login/"), client.get("/healthz")]
    client.force_login(manager)
    signed_in = [
        client.get(url)
        for url in ("/", "/board/", f"/journeys/{journey.pk}/", "/admin/", "/admin/crm/patient/")
    ]
    for response in anonymous + signed_in:
        assert response.status_code == 200, response.request["PATH_INFO"]
        policy = csp(response)
        assert policy["default-src"] == "'self'"
        assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
        assert policy["frame-ancestors"] == "'none'"
        assert "unsafe" not in response["Content-Security-Policy"]


def test_templates_hold_no_inline_script_style_or_handler():
    # Email templates are excluded: mail clients need inline styles, and mail is not served.
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if {"emails", "email"} & set(path.parts) or "email" in path.name:
            continue
        text = re.sub(r"\{#.*?#\}", "", path.read_text())
        text = re.sub(r"\{% comment %\}.*?\{% endcomment %\}", "", text, flags=re.S)
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"<style\b", text):
            offenders.append(f"{path}: inline script or style element")
        if re.search(r"\sstyle=|\son[a-z]+=", text):
            offenders.append(f"{path}: style or event-handler attribute")
    for path in [*(ROOT / "crm").rglob("admin.py"), *(ROOT / "followups").rglob("admin.py")]:
        if re.search(r"\sstyle=", path.read_text()):
            offenders.append(f"{path}: style attribute in admin HTML")
    assert offenders == []


def test_signed_in_pages_are_never_stored(client, coordinator, journey):
    client.force_login(coordinator)
    for url in ("/", f"/journeys/{journey.pk}/", "/search/?q=Anna", "/accounts/security/"):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_patients_token_pages_are_never_stored(client):
    response = client.get("/followups/unsubscribe/not-a-real-token/")
    assert "no-store" in response["Cache-Control"]


def test_proxy_headers_are_ignored_unless_a_proxy_is_declared(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    # The test settings were loaded without BEHIND_PROXY: a client claiming https is still
    # redirected, because X-Forwarded-Proto is not trusted.
    assert (
        not hasattr(settings, "SECURE_PROXY_SSL_HEADER") or settings.SECURE_PROXY_SSL_HEADER is None
    )
    response = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    # The health probe is exempt (load balancers probe plain http).
    assert client.get("/healthz").status_code == 200
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 200


def test_hsts_is_sent_when_configured(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
