"""The dashboard's import runs: upload and dry run, then apply in a worker (transfer.imports
does the work; these keep the file between the two steps and the refused rows after)."""

from __future__ import annotations

import io
import logging
from functools import partial

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import audit_record
from crm.roles import Actor, person
from transfer import tasks
from transfer.imports import ImportResult, import_csv
from transfer.models import ImportRun

log = logging.getLogger(__name__)


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


def import_run_start(*, run_id: int, actor: Actor) -> bool:
    """Press Apply: claim the run (a conditional UPDATE, so a double click or two managers
    start it once) and hand it to a worker after commit. A large file takes longer than a
    web request may; the page shows progress until the worker has finished. Returns False
    when it was already started."""
    user = person(actor)
    with transaction.atomic():
        claimed = ImportRun.objects.filter(pk=run_id, applied_at__isnull=True).update(
            applied_at=timezone.now()
        )
        if claimed:
            transaction.on_commit(partial(_enqueue, run_id, user.pk if user else None))
    return bool(claimed)


def _enqueue(run_id: int, user_id: int | None) -> None:
    """After commit. If the broker is down the claim is given back, so the page offers
    Apply again instead of showing "Applying…" for ever; a web request never fails or
    hangs on Redis (retry=False: fail fast)."""
    try:
        tasks.apply_import.apply_async((run_id, user_id), retry=False)
    except Exception:
        log.warning("Broker unavailable: import run %s not started.", run_id, exc_info=True)
        ImportRun.objects.filter(pk=run_id, finished_at__isnull=True).update(applied_at=None)


def import_run_apply(*, run_id: int, actor: Actor) -> ImportRun:
    """The worker's part: apply a started run (one transaction per batch, in
    transfer.imports), keep the counts and refused rows, then drop the uploaded bytes.

    Safe to run twice (a redelivered task, a worker killed half way): rows already written
    merge the second time, so a retry only writes what is missing. A finished run is left
    as it is."""
    run = ImportRun.objects.get(pk=run_id)
    if run.finished_at is not None or run.applied_at is None:
        return run
    result = import_csv(
        stream=io.BytesIO(bytes(run.content)), actor=actor, apply=True, historical=run.historical
    )
    _keep(run, result)
    run.finished_at = timezone.now()
    # The file goes only now: until every batch is written a retry needs it.
    run.content = b""
    with transaction.atomic():
        run.save(update_fields=["counts", "refused_csv", "finished_at", "content"])
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


def import_run_actor(user_id: int | None) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
