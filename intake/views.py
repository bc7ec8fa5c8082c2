"""The public inquiry form (/inquire/, /inquire/<site>/) and its JSON endpoint
(/inquire/submit.json). Both are public: no session, no CSRF cookie (a third-party iframe
does not get one; nothing here acts for a signed-in user). Bots are kept out by
intake.abuse (honeypot, signed form token, rate limits, size cap). Only these pages may
be framed, by the origins in INTAKE_FRAME_ANCESTORS and the site's own list."""

from __future__ import annotations

import base64
import binascii
import json
import logging
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.csp import CSP
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from crm.accounts.lockout import client_ip
from crm.timezones import COUNTRY_ZONES
from followups.context import COUNTRY_NAMES
from followups.inbound.parse import human_size
from intake import abuse
from intake.inputs import procedures_for, read_submission
from intake.models import Channel, IntakeSite
from intake.services import IntakeError, intake_submit
from intake.words import FORM_LANGUAGES, pick_language, words_for

log = logging.getLogger(__name__)


def _site(slug: str | None) -> IntakeSite | None:
    if slug is None:
        return None
    site = IntakeSite.objects.filter(slug=slug, active=True).first()
    if site is None:
        raise Http404("No such inquiry form.")
    return site


def _framable(response: HttpResponse, site: IntakeSite | None) -> HttpResponse:
    """Let the configured origins embed this page (CSP frame-ancestors; the legacy
    X-Frame-Options header cannot name origins, so it is left off here only)."""
    origins = list(settings.INTAKE_FRAME_ANCESTORS)
    if site is not None:
        origins += [line.strip() for line in site.embed_origins.splitlines() if line.strip()]
    policy = dict(settings.SECURE_CSP)
    policy["frame-ancestors"] = [CSP.SELF, *origins]
    response._csp_config = policy  # type: ignore[attr-defined]
    return response


def _too_big(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > settings.INTAKE_MAX_REQUEST_BYTES


def _choices(site: IntakeSite | None) -> dict[str, Any]:
    countries = sorted(
        ((code, COUNTRY_NAMES.get(code, code)) for code in COUNTRY_ZONES), key=lambda c: c[1]
    )
    return {
        "procedures": list(procedures_for(site.clinic_id if site else None)),
        "countries": countries,
        "languages": settings.PATIENT_LANGUAGES,
        "channels": Channel.values,
    }


@csrf_exempt
@xframe_options_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def intake_form(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    site = _site(slug)
    source = request.POST if request.method == "POST" else request.GET
    language = pick_language(
        str(source.get("lang", "")), request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    )
    words = words_for(language)
    context: dict[str, Any] = {
        "site": site,
        "lang": language,
        "form_languages": FORM_LANGUAGES,
        "w": {
            **words,
            "consent_care": words["consent_care"].format(company=settings.COMPANY_NAME),
            "attachments": words["attachments"].format(
                count=settings.INTAKE_MAX_FILES, size=human_size(settings.INTAKE_MAX_FILE_BYTES)
            ),
        },
        "honeypot": settings.INTAKE_HONEYPOT_FIELD,
        "values": {
            "language": language,
            **{
                k: str(request.GET.get(k, ""))[:100]
                for k in ("utm_source", "utm_medium", "utm_campaign", "ref")
            },
        },
        "errors": {},
        **_choices(site),
    }
    status = 200
    if request.method == "POST":
        if _too_big(request):
            context["errors"] = {
                "attachments": words["too_big"].format(
                    size=human_size(settings.INTAKE_MAX_REQUEST_BYTES)
                )
            }
            return _framable(render(request, "intake/form.html", context, status=413), site)
        if abuse.rate_limited("form", client_ip(request), settings.INTAKE_RATE_LIMIT_PER_HOUR):
            context["errors"] = {"form": words["rate_limited"]}
            response = render(request, "intake/form.html", context, status=429)
            response["Retry-After"] = "3600"
            return _framable(response, site)
        files = [(f.name or "", f.read()) for f in request.FILES.getlist("attachments")[:50]]
        data, errors = read_submission(
            dict(request.POST.items()),
            files,
            words_language=language,
            clinic_id=site.clinic_id if site else None,
        )
        if not errors:
            try:
                intake_submit(
                    data=data,
                    site=site,
                    via="form",
                    bot_reason=abuse.token_problem(str(request.POST.get("form_token", ""))),
                )
            except IntakeError:
                log.error("Inquiry form used with no procedure configured.")
                errors = {"form": words["rate_limited"]}
            else:
                url = (
                    reverse("intake:thanks_site", args=[site.slug])
                    if site
                    else reverse("intake:thanks")
                )
                return redirect(f"{url}?lang={language}")
        context["errors"] = errors
        context["values"] = {k: str(v)[:2000] for k, v in request.POST.items()}
        status = 400
    context["form_token"] = abuse.form_token()
    return _framable(render(request, "intake/form.html", context, status=status), site)


@xframe_options_exempt
@require_http_methods(["GET"])
def intake_thanks(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    site = _site(slug)
    language = pick_language(str(request.GET.get("lang", "")), "")
    return _framable(
        render(request, "intake/thanks.html", {"w": words_for(language), "lang": language}), site
    )


# --- The JSON endpoint ---------------------------------------------------------------------


def _problem(status: int, title: str, **extra: Any) -> JsonResponse:
    """RFC 9457 problem details."""
    body = {"type": "about:blank", "title": title, "status": status, **extra}
    return JsonResponse(body, status=status, content_type="application/problem+json")


def _site_for_key(request: HttpRequest) -> IntakeSite | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    key = header[7:].strip() if header.lower().startswith("bearer ") else ""
    key = key or request.META.get("HTTP_X_INTAKE_KEY", "").strip()
    if not key or len(key) > 200:
        return None
    return IntakeSite.objects.filter(key_hash=abuse.key_hash(key), active=True).first()


def _decode_files(raw: Any) -> tuple[list[tuple[str, bytes]], str]:
    if raw in (None, ""):
        return [], ""
    if not isinstance(raw, list):
        return [], "attachments must be a list of {filename, content_base64} objects."
    files = []
    for index, item in enumerate(raw[:50]):
        if not isinstance(item, dict) or not isinstance(item.get("content_base64"), str):
            return [], f"attachments[{index}] needs filename and content_base64."
        try:
            payload = base64.b64decode(item["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            return [], f"attachments[{index}].content_base64 is not base64."
        files.append((str(item.get("filename") or "attachment"), payload))
    return files, ""


@csrf_exempt
@never_cache
@require_POST
def intake_json(request: HttpRequest) -> JsonResponse:
    """POST /inquire/submit.json with a site key: see the README ("Public inquiry form")."""
    site = _site_for_key(request)
    if site is None:
        response = _problem(
            401,
            "A valid site key is required",
            detail="Send the key of an active intake site as Authorization: Bearer <key>.",
        )
        response["WWW-Authenticate"] = 'Bearer realm="intake"'
        return response
    if abuse.rate_limited("key", str(site.pk), settings.INTAKE_KEY_RATE_LIMIT_PER_HOUR):
        response = _problem(429, "Too many inquiries for this site key; try again later.")
        response["Retry-After"] = "3600"
        return response
    if _too_big(request):
        return _problem(
            413, f"The request is larger than {human_size(settings.INTAKE_MAX_REQUEST_BYTES)}."
        )
    if request.content_type != "application/json":
        return _problem(415, "Send the inquiry as application/json.")
    # Read the stream ourselves: request.body would apply the site-wide 2.5 MB limit,
    # and attachments in base64 are bigger; the cap above bounds what is read.
    raw = request.read(settings.INTAKE_MAX_REQUEST_BYTES + 1)
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        return _problem(400, "The body is not valid JSON.")
    if not isinstance(body, dict):
        return _problem(400, "The body must be a JSON object.")
    files, file_problem = _decode_files(body.get("attachments"))
    if file_problem:
        return _problem(400, "Invalid attachments", errors={"attachments": file_problem})
    values = {
        k: v for k, v in body.items() if isinstance(v, str | bool | int) and k != "attachments"
    }
    data, errors = read_submission(values, files, words_language="en", clinic_id=site.clinic_id)
    if errors:
        return _problem(400, "The inquiry has invalid fields", errors=errors)
    try:
        result = intake_submit(data=data, site=site, via="json")
    except IntakeError as exc:
        return _problem(503, str(exc))
    # The same answer whatever became of it (new, joined, spam): the caller must not learn
    # whether this address wrote before.
    return JsonResponse({"status": "received", "id": result.submission.pk}, status=201)
