"""The audit CSV is safe to open in a spreadsheet."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from crm.services import patient_update
from tests.conftest import make_patient, make_user

pytestmark = pytest.mark.django_db


def test_the_audit_csv_quotes_formula_like_cells(client: Client, manager: User) -> None:
    odd = make_user("=cmd", "Coordinator")
    patient = make_patient()
    patient_update(patient_id=patient.pk, actor=odd, notes="+SUM(A1)")
    client.force_login(manager)
    body = b"".join(client.get("/audit/export.csv?staff==cmd").streaming_content).decode()
    (line,) = body.splitlines()[1:]
    assert ",'=cmd,change," in line
