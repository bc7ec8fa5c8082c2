"""Patient-facing pages. Patients never log in: a signed token in the URL is the proof."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from crm.models import Patient
from followups.services import patient_opt_out_marketing
from followups.tokens import patient_id_from_unsubscribe_token


# csrf_exempt: RFC 8058 one-click unsubscribe is a POST from the mail provider, without
# cookies or a form token. The signed token in the URL is what authorises it; GET only
# shows a confirmation page, because link scanners fetch every URL in an email.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    patient_id = patient_id_from_unsubscribe_token(token)
    if patient_id is None:
        raise Http404("This link is not valid.")
    patient = Patient.objects.filter(pk=patient_id).only("pk", "full_name").first()
    if patient is None:
        raise Http404("This link is not valid.")
    if request.method == "POST":
        patient_opt_out_marketing(patient_id=patient.pk)
        return render(request, "followups/unsubscribe_done.html", {"patient": patient})
    return render(request, "followups/unsubscribe.html", {"patient": patient, "token": token})
