"""A patient's export holds everything about them, and is itself audited."""

from __future__ import annotations

import io
import json
import zipfile
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from audit.models import Action, AuditEntry
from tests.privacy.conftest import EMAIL, NAME, PHONE

pytestmark = pytest.mark.django_db


def check_archive(data: bytes, lucia: dict[str, Any]) -> None:
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    assert {"README.txt", "patient.json", "journeys.json", "triage.json", "audit.json"} <= names
    patient = json.loads(archive.read("patient.json"))
    assert (patient["full_name"], patient["email"], patient["phone"]) == (NAME, EMAIL, PHONE)
    (journey,) = json.loads(archive.read("journeys.json"))
    assert journey["id"] == lucia["journey"].pk
    assert any(NAME in e["reason"] for e in journey["events"])
    assert any(PHONE in i["summary"] for i in journey["interactions"])
    assert journey["scheduled_messages"]
    by_direction = {m["direction"]: m for m in journey["messages"]}
    assert by_direction["out"]["subject"] == f"Hola {NAME}"
    inbound = by_direction["in"]
    (attachment,) = inbound["attachments"]
    assert archive.read(attachment["archive_path"]).startswith(b"%PDF")
    assert f"files/raw/{inbound['raw_email_id']}.eml" in names
    triage = json.loads(archive.read("triage.json"))
    assert [t["id"] for t in triage] == [lucia["triage"].pk]
    assert f"files/raw/{lucia['triage'].raw_email_id}.eml" in names
    audit = json.loads(archive.read("audit.json"))
    actions = {e["action"] for e in audit}
    assert {"create", "change", "export"} <= actions
    assert any(e["changes"].get("notes") for e in audit)  # old and new values


def test_a_manager_exports_a_patient_from_their_page(
    client: Client, lucia: dict[str, Any], manager: User, coordinator: User
) -> None:
    patient = lucia["patient"]
    client.force_login(manager)
    page = client.get(f"/journeys/{lucia['journey'].pk}/").content.decode()
    assert f"/patients/{patient.pk}/export/" in page and f"/patients/{patient.pk}/erase/" in page
    response = client.get(f"/patients/{patient.pk}/export/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    check_archive(b"".join(response.streaming_content), lucia)
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert (entry.actor, entry.patient_id) == (manager, patient.pk)

    client.force_login(coordinator)  # their own patient, but export is for managers
    assert (
        f"/patients/{patient.pk}/export/"
        not in client.get(f"/journeys/{lucia['journey'].pk}/").content.decode()
    )
    assert client.get(f"/patients/{patient.pk}/export/").status_code == 403
    assert AuditEntry.objects.filter(action=Action.EXPORT).count() == 1


def test_the_export_command(lucia: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "lucia.zip"
    stdout = StringIO()
    call_command("export_patient", lucia["patient"].pk, out=str(out), stdout=stdout)
    assert "1 journey(s), 2 message(s)" in stdout.getvalue()
    check_archive(out.read_bytes(), lucia)
    with pytest.raises(CommandError, match="does not exist"):
        call_command("export_patient", 999999, out=str(out), stdout=StringIO())
