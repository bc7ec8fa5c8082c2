"""Managers' privacy pages: the audit trail (per patient, per member of staff, as CSV),
a patient's data export and their erasure. Everyone else gets the dashboard's refusal."""

from __future__ import annotations

import csv
import functools
import json
import tempfile
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import Action
from audit.selectors import audit_entries
from audit.services import audit_record
from crm.csvcells import Echo as _Echo
from crm.csvcells import safe_cell as _cell
from crm.inputs import clean_text, parse_id
from crm.roles import is_manager
from journeys.selectors import patients_visible_to
from privacy.erase import ErasureError, patient_erase
from privacy.export import patient_export

AUDIT_PAGE = 100
CSV_COLUMNS = [
    "at",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "patient_id",
    "changes",
    "note",
    "ip",
    "request_id",
]


def manager_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_manager(request.user):
            return render(request, "dashboard/refused.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _filters(request: HttpRequest) -> tuple[int | None, str]:
    patient = request.GET.get("patient", "").strip()
    return parse_id(patient), clean_text(request.GET.get("staff", ""), max_length=150)


@require_GET
@manager_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    patient_id, username = _filters(request)
    entries = audit_entries(patient_id=patient_id, username=username).select_related(None)
    page = Paginator(entries, AUDIT_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy/audit.html",
        {
            "page": page,
            "patient_id": patient_id,
            "staff": username,
            "query": request.GET.urlencode(),
        },
    )


@require_GET
@manager_required
def audit_csv(request: HttpRequest) -> StreamingHttpResponse:
    patient_id, username = _filters(request)
    entries = audit_entries(patient_id=patient_id, username=username)
    # Exporting the trail is itself a read worth recording.
    audit_record(
        actor=request.user,
        action=Action.EXPORT,
        object_type="audit.auditentry",
        patient_id=patient_id,
        note=f"audit CSV (staff={username or 'any'})",
    )
    writer = csv.writer(_Echo())

    def rows() -> Any:
        yield writer.writerow(CSV_COLUMNS)
        for entry in entries.iterator(chunk_size=2000):
            yield writer.writerow(
                _cell(value)
                for value in [
                    entry.at.isoformat(),
                    entry.actor_username,
                    entry.action,
                    entry.object_type,
                    entry.object_id,
                    entry.patient_id or "",
                    json.dumps(entry.changes, ensure_ascii=False) if entry.changes else "",
                    entry.note,
                    entry.ip or "",
                    entry.request_id,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="audit-{timezone.now():%Y%m%d-%H%M}.csv"'
    )
    return response


def _patient(request: HttpRequest, patient_id: int) -> Any:
    patient = patients_visible_to(request.user).filter(pk=patient_id).first()
    if patient is None:
        raise Http404("No such patient.")
    return patient


@require_GET
@manager_required
def patient_export_view(request: HttpRequest, patient_id: int) -> FileResponse:
    patient = _patient(request, patient_id)
    # A spooled file: small archives stay in memory, large ones go to disk.
    out = tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024)  # noqa: SIM115 - the response closes it
    patient_export(patient_id=patient.pk, actor=request.user, out=out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"patient-{patient.pk}-export.zip",
        content_type="application/zip",
    )


@require_http_methods(["GET", "POST"])
@manager_required
def patient_erase_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = _patient(request, patient_id)
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm") != str(patient.pk):
            error = "Type the patient's number to confirm."
        else:
            try:
                summary = patient_erase(
                    patient_id=patient.pk, actor=request.user, reason=request.POST.get("reason", "")
                )
            except ErasureError as exc:
                error = str(exc)
            else:
                messages.success(
                    request,
                    f"Patient #{summary.patient_id} erased: {summary.messages} message(s) "
                    f"anonymised, {summary.files_deleted} file(s) deleted, "
                    f"{summary.cancelled} pending message(s) cancelled.",
                )
                return redirect("dashboard:patient", patient_id=patient.pk)
    return render(
        request,
        "privacy/erase.html",
        {"patient": patient, "error": error, "reason": request.POST.get("reason", "")},
        status=400 if error else 200,
    )
