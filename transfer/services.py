"""The dashboard's import runs: upload and dry run, then apply (transfer.imports does the
work; these keep the file between the two steps and the refused rows after)."""

from __future__ import annotations

import io

from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import audit_record
from crm.roles import Actor, person
from transfer.imports import ImportResult, import_csv
from transfer.models import ImportRun


def _keep(run: ImportRun, result: ImportResult) -> None:
    run.counts = {
        **result.summary(),
        "shown": [[r.line, r.action, r.detail] for r in result.shown],
    }
    run.refused_csv = result.refused_file.getvalue().encode("utf-8")


def import_run_plan(*, filename: str, content: bytes, historical: bool, actor: Actor) -> ImportRun:
    """Keep an uploaded file and its dry run. Raises transfer.csvfile.FileProblem for a
    file that cannot be read at all (nothing is kept then)."""
    result = import_csv(stream=io.BytesIO(content), actor=actor, apply=False, historical=historical)
    run = ImportRun(
        uploaded_by=person(actor),
        filename=filename[:200],
        size=len(content),
        historical=historical,
        content=content,
    )
    _keep(run, result)
    run.save()
    return run


def import_run_apply(*, run_id: int, actor: Actor) -> ImportRun:
    """Apply a planned run (one transaction per batch, in transfer.imports), then drop the
    uploaded bytes: the refused rows and the counts stay. A run already applied is left as
    it is (a double click applies once)."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run_id)
        if run.applied_at is not None:
            return run
        content = bytes(run.content)
        # Claimed before the batches commit one by one: a second request sees it applied.
        run.applied_at = timezone.now()
        run.content = b""
        run.save(update_fields=["applied_at", "content"])
    result = import_csv(
        stream=io.BytesIO(content), actor=actor, apply=True, historical=run.historical
    )
    _keep(run, result)
    run.save(update_fields=["counts", "refused_csv"])
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=run,
        patient_id=None,
        note=(
            f"CSV import {run.filename}: {result.new_patients} patients, "
            f"{result.new_inquiries} inquiries, {result.counts['refuse']} refused"
        ),
    )
    return run
