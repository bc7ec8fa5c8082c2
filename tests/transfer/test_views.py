"""The import page (managers: upload, dry run, apply, refused rows) and the CSV exports
(every member of staff, scoped to what they may see, formula cells guarded, audited)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from audit.models import Action, AuditEntry
from crm.models import Clinic, Patient, Procedure
from journeys.models import Journey
from journeys.services import journey_create
from tests.conftest import make_patient
from transfer.models import ImportRun

FILE = (
    "name;email;phone;country;language;procedure;inquiry_date\n"
    "Anna Schmidt;anna@example.de;+49 170 1234567;DE;de;Dental implants;2026-05-04\n"
    "Bad Row;not-an-email;;DE;de;Dental implants;2026-05-04\n"
).encode("utf-8-sig")


def _upload(client: Client, data: bytes = FILE, historical: bool = True) -> object:
    return client.post(
        reverse("transfer:import"),
        {
            "file": SimpleUploadedFile("old-crm.csv", data, content_type="text/csv"),
            **({"historical": "1"} if historical else {}),
        },
    )


def _rows(response: object) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(body)))


def test_coordinators_cannot_import(
    client: Client, coordinator: User, procedure: Procedure
) -> None:
    client.force_login(coordinator)
    assert client.get(reverse("transfer:import")).status_code == 403
    assert _upload(client).status_code == 403  # type: ignore[attr-defined]
    assert not ImportRun.objects.exists()


def test_anonymous_goes_to_sign_in(client: Client, db: None) -> None:
    response = client.get(reverse("transfer:import"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.fixture
def eager() -> Iterator[None]:
    """Celery tasks run in this process when enqueued (after commit)."""
    from crm.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def test_manager_dry_run_then_apply_then_refused_rows(
    client: Client,
    manager: User,
    procedure: Procedure,
    eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(manager)
    response = _upload(client)
    run = ImportRun.objects.get()
    assert response["Location"] == reverse("transfer:import_run", args=[run.pk])  # type: ignore[index]
    page = client.get(response["Location"])  # type: ignore[index]
    assert page.status_code == 200
    assert "Dry run" in page.content.decode()
    assert "email &#x27;not-an-email&#x27; is not an email address" in page.content.decode()
    assert run.counts["created"] == 1 and run.counts["refused"] == 1
    assert not Patient.objects.exists()

    apply_url = reverse("transfer:import_apply", args=[run.pk])
    with django_capture_on_commit_callbacks(execute=True) as started:
        assert client.post(apply_url).status_code == 302
        assert client.post(apply_url).status_code == 302  # a double click applies once
    assert len(started) == 1  # one task enqueued, by the first click
    assert Patient.objects.count() == 1 and Journey.objects.count() == 1
    run.refresh_from_db()
    assert run.applied_at is not None and run.finished_at is not None
    assert run.counts["new_patients"] == 1
    assert "Applied" in client.get(reverse("transfer:import_run", args=[run.pk])).content.decode()
    assert bytes(run.content) == b""  # the uploaded file is not kept after applying
    assert (
        AuditEntry.objects.filter(object_type="transfer.importrun", action=Action.CREATE).count()
        == 1
    )

    refused = client.get(reverse("transfer:import_refused", args=[run.pk]))
    assert refused.status_code == 200
    lines = list(csv.reader(io.StringIO(refused.content.decode())))
    assert lines[0][-2:] == ["refused_line", "refused_reason"]
    assert lines[1][1] == "not-an-email" and lines[1][-2] == "3"
    assert "is not an email address" in lines[1][-1]


def test_an_unreadable_file_is_a_message_not_an_error(
    client: Client, manager: User, db: None
) -> None:
    client.force_login(manager)
    response = _upload(client, b"name,emial\nx,y\n")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "Unknown column(s): emial" in response.content.decode()  # type: ignore[attr-defined]
    assert not ImportRun.objects.exists()
    assert client.post(reverse("transfer:import"), {}).status_code == 400


def test_template_download(client: Client, manager: User) -> None:
    client.force_login(manager)
    response = client.get(reverse("transfer:import_template"))
    assert response.content.decode().startswith("name,email,phone,country,language,procedure")


def _journey(coordinator: User | None, procedure: Procedure, **patient: str) -> Journey:
    return journey_create(
        patient=make_patient(**patient), procedure=procedure, actor=None, coordinator=coordinator
    )


def test_journey_export_is_scoped_filtered_and_guarded(
    client: Client, coordinator: User, other_coordinator: User, manager: User, procedure: Procedure
) -> None:
    mine = _journey(coordinator, procedure, full_name='=HYPERLINK("http://evil")')
    theirs = _journey(other_coordinator, procedure)
    unassigned = _journey(None, procedure)
    other_clinic = Clinic.objects.create(
        name="Ortho", city="Budapest", country="HU", timezone="Europe/Budapest"
    )
    elsewhere = _journey(coordinator, Procedure.objects.create(name="Knee", clinic=other_clinic))

    client.force_login(coordinator)
    rows = _rows(client.get(reverse("transfer:export_journeys")))
    ids = {int(r[0]) for r in rows[1:]}
    assert ids == {mine.pk, unassigned.pk, elsewhere.pk}  # not the other coordinator's
    named = next(r for r in rows[1:] if int(r[0]) == mine.pk)
    assert named[2] == '\'=HYPERLINK("http://evil")'  # a spreadsheet shows it as text

    # The board's filters: this clinic only, and "mine".
    response = client.get(
        reverse("transfer:export_journeys"), {"clinic": procedure.clinic_id, "coordinator": "me"}
    )
    assert {int(r[0]) for r in _rows(response)[1:]} == {mine.pk}
    assert (
        AuditEntry.objects.filter(
            actor=coordinator, action=Action.EXPORT, object_type="journeys.journey"
        ).count()
        == 2
    )

    client.force_login(manager)
    rows = _rows(client.get(reverse("transfer:export_journeys")))
    assert {int(r[0]) for r in rows[1:]} == {mine.pk, theirs.pk, unassigned.pk, elsewhere.pk}


def test_patient_export_is_scoped(
    client: Client, coordinator: User, other_coordinator: User, procedure: Procedure
) -> None:
    mine = _journey(coordinator, procedure)
    theirs = _journey(other_coordinator, procedure)
    client.force_login(coordinator)
    response = client.get(reverse("transfer:export_patients"))
    ids = {int(r[0]) for r in _rows(response)[1:]}
    assert mine.patient_id in ids and theirs.patient_id not in ids
    assert AuditEntry.objects.filter(actor=coordinator, object_type="crm.patient").exists()


def test_export_refused_to_non_staff(client: Client, db: None) -> None:
    outsider = User.objects.create_user("outsider", password="x")
    client.force_login(outsider)
    assert client.get(reverse("transfer:export_journeys")).status_code == 403
    assert client.get(reverse("transfer:export_patients")).status_code == 403


def test_the_board_links_its_export_with_its_filters(
    client: Client, coordinator: User, procedure: Procedure
) -> None:
    client.force_login(coordinator)
    page = client.get(reverse("dashboard:board"), {"clinic": procedure.clinic_id})
    assert f"/transfer/export/journeys.csv?clinic={procedure.clinic_id}" in page.content.decode()


def test_apply_with_the_broker_down_gives_the_run_back(
    client: Client,
    manager: User,
    procedure: Procedure,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from transfer import tasks

    def down(*args: object, **kwargs: object) -> None:
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.apply_import, "apply_async", down)
    client.force_login(manager)
    _upload(client)
    run = ImportRun.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("transfer:import_apply", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.applied_at is None and not Patient.objects.exists()  # Apply is offered again
