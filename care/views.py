"""The patient's page (no login: the signed token in the URL is the proof) and the
coordinators' escalation buttons.

A GET never records anything: mail security scanners open every link in an email, so a
link with `?answer=help` only shows the page with that answer chosen; one tap (a POST)
records it. The POST carries the signed token in the form as well as the URL and a
one-time key; there is no session or cookie, so CSRF protection is the token itself (a
forged cross-site form cannot know it) rather than Django's cookie, which a patient
opening a link from their mail app would not have yet.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from care import selectors, services
from care.models import Answer, Escalation
from care.quotes import services as quote_services
from care.quotes.selectors import page_quote
from care.quotes.words import quote_words
from care.risk import services as risk_services
from care.travel import selectors as travel_selectors
from care.travel import views as travel_views
from care.travel.words import travel_words
from care.words import words_for
from crm.inputs import clean_text, parse_id
from crm.roles import staff_or_404
from followups.scheduling import zone
from journeys.models import Outcome
from journeys.selectors import journeys_visible_to


def _private(response: HttpResponse) -> HttpResponse:
    # The token is in the URL: never send it on as a Referer, never let a search engine
    # or a shared cache keep the page.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _invalid(request: HttpRequest) -> HttpResponse:
    language = (request.GET.get("lang") or "en")[:2]
    _, words = words_for(language)
    return _private(render(request, "care/invalid.html", {"w": words}, status=404))


def _pain(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 0 <= number <= 10 else None


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, token: str) -> HttpResponse:
    journey = selectors.journey_for_token(token)
    if journey is None:
        return _invalid(request)
    language, words = words_for(journey.patient.preferred_language)
    extra: dict[str, Any] = {}
    if request.method == "POST":
        if not constant_time_compare(request.POST.get("token", ""), token):
            return _invalid(request)
        if request.POST.get("action") != "travel":
            return _page_post(request, token, journey)
        # The page offers the checklist only while the patient travels.
        if journey.outcome != Outcome.ACTIVE or journey.stage not in travel_selectors.TRAVEL_STAGES:
            return _invalid(request)
        result = travel_views.patient_post(request, token, journey)
        if isinstance(result, HttpResponse):
            return _private(result)
        extra = result  # refused: the page again, with the reason and what was typed
    data = selectors.page_data(journey, language=language)
    quotes = page_quote(journey, language=language, today=data.today)
    chosen = request.GET.get("answer", "")
    if chosen not in Answer.values:
        chosen = ""
    recorded = request.GET.get("recorded", "")
    coordinator = journey.coordinator
    phone = settings.COMPANY_PHONE
    context: dict[str, Any] = {
        "w": words,
        "language": language,
        "journey": journey,
        "data": data,
        "quotes": quotes,
        "token": token,
        "nonce": secrets.token_urlsafe(16),
        "chosen": chosen,
        "answers": [(a.value, words[a.value]) for a in Answer],
        "pains": list(range(11)),
        "recorded": recorded,
        "recorded_help_text": words["recorded_help"].format(
            minutes=settings.CARE_ESCALATION_MINUTES
        ),
        "hello": words["hello"].format(name=journey.patient.full_name.split(" ")[0]),
        "recorded_text": words["recorded"].format(
            time=timezone.localtime(
                data.latest.created_at, zone(journey.patient.timezone)
            ).strftime("%H:%M")
        )
        if data.latest
        else "",
        "coordinator_name": (
            (coordinator.get_full_name() or coordinator.get_username())
            if coordinator
            else f"{settings.COMPANY_NAME}"
        ),
        "coordinator_email": (coordinator.email if coordinator else "")
        or settings.DEFAULT_FROM_EMAIL,
        "phone": phone,
        "whatsapp": "".join(ch for ch in phone if ch.isdigit()),
        "emergency": settings.COMPANY_EMERGENCY_PHONE,
        "company": settings.COMPANY_NAME,
        **_travel_context(journey, language, extra),
        **extra,
    }
    status = 400 if extra else 200
    return _private(render(request, "care/page.html", context, status=status))


def _travel_context(journey: Any, language: str, refused: dict[str, Any]) -> dict[str, Any]:
    """The checklist section (templates/care/_travel.html) while the patient travels. After
    a refused entry, the item shows what was typed, not what is stored."""
    if journey.outcome != Outcome.ACTIVE or journey.stage not in travel_selectors.TRAVEL_STAGES:
        return {"travel_items": []}
    _, words = travel_words(language)
    items = travel_selectors.item_views(journey, language)
    posted = refused.get("travel_posted") or {}
    for view in items:
        if view.item.kind == refused.get("travel_error_item"):
            for field in view.fields:
                if field.name in posted:
                    field.value = posted[field.name]
    return {"travel_items": items, "tw": words}


def _page_post(request: HttpRequest, token: str, journey: Any) -> HttpResponse:
    url = reverse("care:page", args=[token])
    action = request.POST.get("action", "")
    try:
        if action == "checkin":
            if journey.outcome != Outcome.ACTIVE:  # the page hides it on a closed journey
                return _invalid(request)
            result = services.checkin_record(
                journey_id=journey.pk,
                answer=request.POST.get("answer", ""),
                pain=_pain(request.POST.get("pain", "")),
                note=request.POST.get("note", ""),
                nonce=request.POST.get("nonce", ""),
            )
            kind = result.checkin.answer
        elif action in ("step_done", "step_problem"):
            try:
                step_id = int(request.POST.get("step", ""))
            except ValueError:
                return _invalid(request)
            services.step_answer(
                journey_step_id=step_id,
                journey_id=journey.pk,
                problem=action == "step_problem",
                note=request.POST.get("note", ""),
            )
            kind = "step_help" if action == "step_problem" else "step"
        elif action == "quote_accept":
            quote_id = parse_id(request.POST.get("quote", ""))
            if quote_id is None:
                return _invalid(request)
            quote_services.quote_accept(quote_id=quote_id, journey_id=journey.pk)
            kind = "quote_accepted"
        elif action == "bill_ack":
            quote_services.bill_acknowledge(journey_id=journey.pk)
            kind = "bill_acked"
        else:
            return _invalid(request)
    except quote_services.QuoteError:
        # A quote replaced meanwhile, expired, or nothing to confirm: say so on the page, in
        # the patient's words (the service's message is for staff).
        return _private(HttpResponse(_quote_refusal(request, journey, token), status=409))
    except services.CareError:
        return _invalid(request)
    # Post/redirect/get: a reload shows the page, it never posts again.
    return _private(HttpResponseRedirect(f"{url}?recorded={kind}#top", status=303))


def _quote_refusal(request: HttpRequest, journey: Any, token: str) -> str:
    language, words = words_for(journey.patient.preferred_language)
    _, quote_words_, _ = quote_words(language)
    message = quote_words_["refused"]
    return render_to_string(
        "care/refused.html",
        {
            "w": words,
            "language": language,
            "message": message,
            "back": reverse("care:page", args=[token]) + "#quote",
            "company": settings.COMPANY_NAME,
        },
        request=request,
    )


# --- Staff: acknowledge and resolve (My day, the journey page) ---------------------------


def _visible_escalation(request: HttpRequest, escalation_id: int) -> Escalation:
    return get_object_or_404(
        Escalation.objects.filter(journey__in=journeys_visible_to(request.user)),
        pk=escalation_id,
    )


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = reverse("dashboard:my_day")
    return redirect(target)


@require_POST
@staff_or_404
def escalation_acknowledge(request: HttpRequest, escalation_id: int) -> HttpResponse:
    escalation = _visible_escalation(request, escalation_id)
    services.escalation_acknowledge(escalation_id=escalation.pk, actor=request.user)
    messages.success(request, "Acknowledged: managers will not be alerted.")
    return _back(request)


@require_POST
@staff_or_404
def escalation_resolve(request: HttpRequest, escalation_id: int) -> HttpResponse:
    escalation = _visible_escalation(request, escalation_id)
    try:
        services.escalation_resolve(
            escalation_id=escalation.pk, actor=request.user, note=request.POST.get("note", "")
        )
    except services.CareError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Escalation resolved.")
    return _back(request)


@require_POST
@staff_or_404
def links_revoke(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = get_object_or_404(journeys_visible_to(request.user), pk=journey_id)
    services.care_links_revoke(journey_id=journey.pk, actor=request.user)
    messages.success(request, "Old links to the patient's page no longer work.")
    return _back(request)


@require_POST
@staff_or_404
def risk_handle(request: HttpRequest, journey_id: int) -> HttpResponse:
    """A coordinator marks one booked-risk reason handled (My day's "Handled")."""
    journey = get_object_or_404(journeys_visible_to(request.user), pk=journey_id)
    code = clean_text(request.POST.get("code", ""), max_length=40)
    try:
        risk_services.risk_reason_handle(
            journey_id=journey.pk,
            code=code,
            actor=request.user,
            note=clean_text(request.POST.get("note", ""), max_length=500),
        )
    except risk_services.RiskError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Marked handled: it comes back only with new evidence.")
    return _back(request)
