"""The survey on the patient's page (no login: care's signed page token is the proof),
the old survey link in emails, the public referral landing, and the staff's buttons.

A GET never records anything (mail scanners open every link in an email): answers,
consents and review clicks are POSTs that carry the token in the form as well as the URL,
as on care's page (the token is the CSRF protection; there is no session).
"""

from __future__ import annotations

import csv
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from care.links import current_version
from care.models import CareAccess
from care.selectors import journey_for_token
from care.tokens import page_token
from crm.roles import manager_or_404, staff_or_404
from feedback import selectors, services
from feedback.models import ActionKind, PublishAs, ReferralCode
from feedback.words import words_for
from journeys.selectors import journeys_visible_to

_SURVEY_SALT = "followups.survey"


def _private(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _invalid(request: HttpRequest) -> HttpResponse:
    _, words = words_for((request.GET.get("lang") or "en")[:2])
    return _private(render(request, "care/invalid.html", {"w": words}, status=404))


@never_cache
@require_GET
def survey_link(request: HttpRequest, token: str) -> HttpResponse:
    """`/survey/<token>/`, the link in the satisfaction emails (followups' survey token):
    on to the survey on the patient's page. It expires like a page link and stops working
    when the page links were revoked after it was issued. Records nothing."""
    try:
        journey_id = signing.loads(
            token, salt=_SURVEY_SALT, max_age=settings.CARE_LINK_MAX_AGE_DAYS * 86400
        )
        issued = signing.b62_decode(token.rsplit(":", 2)[1])
    except (signing.BadSignature, ValueError, IndexError):
        return _invalid(request)
    if not isinstance(journey_id, int):
        return _invalid(request)
    revoked = (
        CareAccess.objects.filter(journey_id=journey_id)
        .values_list("revoked_at", flat=True)
        .first()
    )
    if revoked is not None and revoked.timestamp() > issued:
        return _invalid(request)
    page = page_token(journey_id, current_version(journey_id))
    if journey_for_token(page) is None:
        return _invalid(request)
    return _private(HttpResponseRedirect(reverse("feedback:survey", args=[page])))


def _referral_url(code: ReferralCode | None) -> str:
    if code is None:
        return ""
    return f"{settings.SITE_URL}{reverse('feedback:referral', args=[code.code])}"


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    journey = journey_for_token(token)
    if journey is None:
        return _invalid(request)
    language, words = words_for(journey.patient.preferred_language)
    if request.method == "POST":
        if not constant_time_compare(request.POST.get("token", ""), token):
            return _invalid(request)
        return _survey_post(request, token, journey, language)
    data = selectors.survey_page(journey)
    answer = data.answer
    now = timezone.now()
    until = services.editable_until(answer) if answer else None
    coordinator = journey.coordinator
    context: dict[str, Any] = {
        "w": words,
        "language": language,
        "journey": journey,
        "token": token,
        "data": data,
        "answer": answer,
        "editable": answer is None or (until is not None and now <= until),
        "change_text": words["change"].format(date=until.strftime("%d.%m.%Y")) if until else "",
        "done": request.GET.get("done", ""),
        "error": request.GET.get("error", "") == "1",
        "star_values": [5, 4, 3, 2, 1],
        "nps_values": list(range(11)),
        "aspect_values": [5, 4, 3, 2, 1],
        "aspects": [
            ("coordinator_rating", words["coordinator"]),
            ("clinic_rating", words["clinic"]),
            ("logistics_rating", words["logistics"]),
        ],
        "publish_choices": [(p.value, words[p.value]) for p in PublishAs],
        "consent_text": words["consent"].format(company=settings.COMPANY_NAME),
        "referral_url": _referral_url(data.code),
        "recovery_text": words["recovery"].format(
            coordinator=(coordinator.get_full_name() or coordinator.get_username())
            if coordinator
            else settings.COMPANY_NAME
        ),
        "company": settings.COMPANY_NAME,
        "page_url": reverse("care:page", args=[token]),
    }
    return _private(render(request, "feedback/survey.html", context))


def _survey_post(request: HttpRequest, token: str, journey: Any, language: str) -> HttpResponse:
    url = reverse("feedback:survey", args=[token])
    action = request.POST.get("action", "")
    post = request.POST
    try:
        if action == "answer":
            services.survey_submit(
                journey_id=journey.pk,
                stars=post.get("stars"),
                nps=post.get("nps"),
                coordinator_rating=post.get("coordinator_rating"),
                clinic_rating=post.get("clinic_rating"),
                logistics_rating=post.get("logistics_rating"),
                went_well=post.get("went_well", ""),
                do_better=post.get("do_better", ""),
                language=language,
            )
        elif action == "wish":
            services.four_star_wish_send(journey_id=journey.pk, text=post.get("text", ""))
        elif action == "testimonial":
            services.testimonial_give(
                journey_id=journey.pk,
                text=post.get("text", ""),
                publish_as=post.get("publish_as", ""),
                consent=post.get("consent") == "yes",
                language=language,
            )
        elif action == "withdraw":
            services.testimonial_withdraw(journey_id=journey.pk)
        elif action == "review":
            try:
                site_id = int(post.get("site", ""))
            except ValueError:
                return _invalid(request)
            target = services.review_click_record(journey_id=journey.pk, site_id=site_id)
            # On to the review site with a page, not a redirect: the CSP's form-action
            # 'self' also covers where a form's redirect leads, a meta refresh it does not.
            return _private(render(request, "feedback/review_go.html", {"target": target}))
        elif action == "rerate":
            services.survey_rerate(journey_id=journey.pk, stars=post.get("stars"))
        else:
            return _invalid(request)
    except services.FeedbackError:
        return _private(HttpResponseRedirect(f"{url}?error=1#{action}", status=303))
    # Post/redirect/get: a reload shows the page, it never posts again.
    return _private(HttpResponseRedirect(f"{url}?done={action}#{action}", status=303))


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, token: str) -> HttpResponse:
    """The withdraw link in emails (feedback/links.py): a GET shows the confirm button and
    records nothing; the POST (token in the form, as on the survey) withdraws."""
    journey = journey_for_token(token)
    if journey is None:
        return _invalid(request)
    language, words = words_for(journey.patient.preferred_language)
    if request.method == "POST":
        if not constant_time_compare(request.POST.get("token", ""), token):
            return _invalid(request)
        services.testimonial_withdraw(journey_id=journey.pk)
        url = reverse("feedback:withdraw", args=[token])
        return _private(HttpResponseRedirect(f"{url}?done=1", status=303))
    testimonial = selectors.testimonial_of(journey.pk)
    context = {
        "w": words,
        "language": language,
        "company": settings.COMPANY_NAME,
        "token": token,
        "journey": journey,
        "active": testimonial is not None and testimonial.withdrawn_at is None,
        "withdrawn": testimonial is not None and testimonial.withdrawn_at is not None,
        "page_url": reverse("care:page", args=[token]),
    }
    return _private(render(request, "feedback/withdraw.html", context))


@never_cache
@require_GET
def referral(request: HttpRequest, code: str) -> HttpResponse:
    """The public landing of a referral link: how to contact us with the code (the public
    intake form, when it exists, takes the code as ?ref=)."""
    code = services.normalise_code(code)
    if not ReferralCode.objects.filter(code=code).exists():
        raise Http404
    subject = f"Inquiry (referral code {code})"
    return render(
        request,
        "feedback/referral.html",
        {
            "code": code,
            "company": settings.COMPANY_NAME,
            "email": settings.DEFAULT_FROM_EMAIL,
            "subject": subject,
            "phone": settings.COMPANY_PHONE,
        },
    )


# --- Staff ---------------------------------------------------------------------------------


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = reverse("dashboard:my_day")
    return redirect(target)


@require_POST
@staff_or_404
def case_action(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = get_object_or_404(journeys_visible_to(request.user), pk=journey_id)
    kind = request.POST.get("kind", "")
    try:
        if kind == "resolve":
            services.recovery_resolve(
                journey_id=journey.pk,
                outcome=request.POST.get("outcome", ""),
                note=request.POST.get("text", ""),
                actor=request.user,
            )
            messages.success(request, "Recovery case resolved.")
        else:
            services.recovery_action_add(
                journey_id=journey.pk,
                kind=kind,
                text=request.POST.get("text", ""),
                actor=request.user,
            )
            messages.success(request, f"{ActionKind(kind).label}.")
    except services.FeedbackError as exc:
        messages.error(request, str(exc))
    return _back(request)


@require_GET
@manager_or_404
def testimonials(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.testimonials_visible_to(request.user).order_by("-consented_at")[:200])
    for row in rows:
        row.shown_name = selectors.shown_name(row)  # type: ignore[attr-defined]
    return render(request, "feedback/testimonials.html", {"rows": rows})


@require_POST
@manager_or_404
def testimonial_review(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = get_object_or_404(journeys_visible_to(request.user), pk=journey_id)
    try:
        services.testimonial_review(
            journey_id=journey.pk, approve=request.POST.get("approve") == "1", actor=request.user
        )
    except services.FeedbackError as exc:
        messages.error(request, str(exc))
    return redirect("feedback:testimonials")


def _export_rows(request: HttpRequest) -> list[dict[str, str]]:
    return [
        {
            "name": selectors.shown_name(t),
            "clinic": t.clinic.name,
            "text": t.text,
            "consented_at": t.consented_at.isoformat(),
            "consent_version": t.consent_version,
        }
        for t in selectors.approved_testimonials(request.user).order_by("-consented_at")
    ]


@require_GET
@manager_or_404
def testimonials_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Approved testimonials whose consent still stands, for the clinic's website."""
    rows = _export_rows(request)
    if fmt == "json":
        response: HttpResponse = JsonResponse({"testimonials": rows})
    elif fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.DictWriter(
            response, fieldnames=["name", "clinic", "text", "consented_at", "consent_version"]
        )
        writer.writeheader()
        writer.writerows(rows)
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="testimonials.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
