"""Import (managers) and export (staff, scoped) pages."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import Action
from audit.services import audit_record
from crm.csvcells import Echo
from crm.dashboard.access import staff_required
from crm.dashboard.views import _filters as board_filters  # the board's own parser
from crm.roles import person
from privacy.views import manager_required
from transfer.csvfile import FileProblem
from transfer.exports import export_journeys, export_patients
from transfer.imports import template_rows
from transfer.models import ImportRun
from transfer.services import import_run_plan, import_run_start


def _csv_response(rows: Iterator[list[str]], name: str) -> HttpResponse:
    # Streamed (a large export never sits in memory); typed as HttpResponse for
    # staff_required, which only passes it through.
    writer = csv.writer(Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return cast(HttpResponse, response)


@require_http_methods(["GET", "POST"])
@never_cache
@manager_required
def import_start(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = "Choose a CSV file."
        elif upload.size is not None and upload.size > settings.IMPORT_MAX_BYTES:
            error = (
                f"The file is {upload.size:,} bytes; the limit is "
                f"{settings.IMPORT_MAX_BYTES:,} (IMPORT_MAX_BYTES): split it."
            )
        else:
            try:
                run = import_run_plan(
                    filename=upload.name or "import.csv",
                    content=upload.read(),
                    historical=request.POST.get("historical") == "1",
                    actor=request.user,
                )
            except FileProblem as exc:
                error = str(exc)
            else:
                return redirect("transfer:import_run", run_id=run.pk)
    runs = ImportRun.objects.filter(uploaded_by=person(request.user)).defer(
        "content", "refused_csv"
    )[:10]
    return render(
        request,
        "transfer/import.html",
        {"error": error, "runs": runs, "max_bytes": settings.IMPORT_MAX_BYTES},
        status=400 if error else 200,
    )


def _run(request: HttpRequest, run_id: int) -> ImportRun:
    # Managers only reach these views; a run is anyone's of them (a colleague may apply).
    run = ImportRun.objects.defer("content").filter(pk=run_id).first()
    if run is None:
        raise Http404("No such import.")
    return run


@require_GET
@never_cache
@manager_required
def import_run(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    counts: dict[str, Any] = run.counts or {}
    return render(request, "transfer/import_run.html", {"run": run, "counts": counts})


@require_POST
@manager_required
def import_apply(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    if import_run_start(run_id=run.pk, actor=request.user):
        messages.success(request, "Applying: the counts below update when it has finished.")
    else:
        messages.info(request, "This file was already applied.")
    return redirect("transfer:import_run", run_id=run.pk)


@require_GET
@never_cache
@manager_required
def import_refused(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    audit_record(
        actor=request.user,
        action=Action.DOWNLOAD,
        obj=run,
        patient_id=None,
        note=f"refused rows of {run.filename}",
    )
    response = HttpResponse(bytes(run.refused_csv), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="refused-rows-{run.pk}.csv"'
    return response


@require_GET
@manager_required
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="import-template.csv"'
    csv.writer(response, lineterminator="\n").writerows(template_rows())
    return response


@require_GET
@never_cache
@staff_required
def export_journeys_csv(request: HttpRequest) -> HttpResponse:
    filters = board_filters(request)
    # An export is a read of patient data worth recording, like the audit CSV.
    audit_record(
        actor=request.user,
        action=Action.EXPORT,
        object_type="journeys.journey",
        patient_id=None,
        note=f"journeys CSV ({filters.querystring() or 'no filter'})"[:200],
    )
    return _csv_response(
        export_journeys(request.user, filters), f"journeys-{timezone.now():%Y%m%d-%H%M}"
    )


@require_GET
@never_cache
@staff_required
def export_patients_csv(request: HttpRequest) -> HttpResponse:
    audit_record(
        actor=request.user,
        action=Action.EXPORT,
        object_type="crm.patient",
        patient_id=None,
        note="patients CSV",
    )
    return _csv_response(export_patients(request.user), f"patients-{timezone.now():%Y%m%d-%H%M}")
