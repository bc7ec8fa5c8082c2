"""The travel checklist's pages: the patient's POST (from care.views.page), the
coordinators' edits on the journey page, and the transfer driver sheet.

The patient's side follows care.views: the signed token in the URL and in the form is the
only proof, a GET never records, and a refused entry re-renders the page with what was
typed and the reason in the patient's language (nothing lost, never a 500).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from care.models import TravelStatus
from care.travel import selectors, services
from care.travel.words import travel_words
from crm.inputs import date_problem, parse_id
from crm.models import Clinic
from crm.roles import staff_or_404
from journeys.models import Journey
from journeys.selectors import journeys_visible_to


def _posted_values(request: HttpRequest, kind: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, _ in services.FIELDS.get(kind, []):
        if name == "documents":
            values[name] = request.POST.getlist("documents")
        elif name in request.POST:
            values[name] = request.POST.get(name, "")
    if "note" in request.POST:
        values["note"] = request.POST.get("note", "")
    return values


def patient_post(
    request: HttpRequest, token: str, journey: Journey
) -> HttpResponse | dict[str, Any]:
    """Record one item from the patient's page. Returns the redirect (post/redirect/get),
    or, when refused, the context the page re-renders with (error and typed values)."""
    kind = request.POST.get("item", "")
    values = _posted_values(request, kind)
    try:
        services.travel_item_update(
            journey_id=journey.pk, kind=kind, values=values, actor=None, by_patient=True
        )
    except services.TravelError as exc:
        _, words = travel_words(journey.patient.preferred_language)
        text = words.get(exc.code, words["needed"])
        if exc.code == "needed":
            names = dict(services.FIELDS.get(kind, []))
            fields = [
                words[names[n]] for n in exc.params.get("fields", "").split(",") if n in names
            ]
            text = text.format(fields=", ".join(fields))
        elif exc.params:
            text = text.format(**exc.params)
        return {"travel_error": text, "travel_error_item": kind, "travel_posted": values}
    url = reverse("care:page", args=[token])
    return HttpResponseRedirect(f"{url}?recorded=travel#travel-{kind}", status=303)


def _back(journey: Journey) -> HttpResponse:
    return redirect(reverse("dashboard:journey", kwargs={"journey_id": journey.pk}) + "#travel")


@require_POST
@staff_or_404
def item_update(request: HttpRequest, journey_id: int, kind: str) -> HttpResponse:
    journey = get_object_or_404(journeys_visible_to(request.user), pk=journey_id)
    status = request.POST.get("status", "")
    if request.POST.get("confirm"):
        status = TravelStatus.CONFIRMED
    try:
        change = services.travel_item_update(
            journey_id=journey.pk,
            kind=kind,
            values=_posted_values(request, kind),
            status=status,
            actor=request.user,
            by_patient=False,
        )
    except services.TravelError as exc:
        messages.error(request, f"Travel checklist not changed: {exc}")
    else:
        if change.changed:
            messages.success(
                request,
                f"{change.item.get_kind_display()}: {change.item.get_status_display().lower()}.",
            )
    return _back(journey)


@require_POST
@staff_or_404
def items_ask(request: HttpRequest, journey_id: int) -> HttpResponse:
    journey = get_object_or_404(journeys_visible_to(request.user), pk=journey_id)
    count = services.travel_items_ask(journey_id=journey.pk, actor=request.user)
    messages.success(request, f"{count} item{'s' if count != 1 else ''} marked as asked.")
    return _back(journey)


@require_GET
@staff_or_404
def driver_sheet(request: HttpRequest) -> HttpResponse:
    """A printable page per day and clinic: who lands when, on which flight, to which
    hotel, with the pick-up. Only the journeys the person asking may see."""
    today = timezone.localdate()
    error = ""
    raw_day = request.GET.get("day", "")
    try:
        day = dt.date.fromisoformat(raw_day) if raw_day else today
    except ValueError:
        day, error = today, "That is not a date (use YYYY-MM-DD): showing today."
    if date_problem(day):  # year 1 or 9999: no day before or after it
        day, error = today, f"{date_problem(day)} Showing today."
    raw_clinic = request.GET.get("clinic", "")
    clinic_id = parse_id(raw_clinic) if raw_clinic else None
    clinics = list(Clinic.objects.order_by("name"))
    clinic = next((c for c in clinics if c.pk == clinic_id), None)
    if raw_clinic and clinic is None:
        error, clinic_id = "No such clinic: showing every clinic.", None
    rows = selectors.driver_sheet(request.user, day=day, clinic_id=clinic_id)
    context = {
        "day": day,
        "previous": day - dt.timedelta(days=1),
        "next": day + dt.timedelta(days=1),
        "clinic": clinic,
        "clinics": clinics,
        "rows": rows,
        "error": error,
    }
    return render(request, "care/driver_sheet.html", context, status=400 if error else 200)
