"""The audit trail: append-only, written in the same transaction as the change, with old
and new values; reads of patient data are recorded too."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.utils import timezone

from audit.models import Action, AuditEntry
from audit.services import audit_record
from crm.models import Interaction
from crm.services import patient_create, patient_update
from journeys.models import Journey
from journeys.services import (
    interaction_log,
    interaction_update,
    journey_assign,
    journey_move,
    journey_plan_dates,
    journey_update,
)
from tests.conftest import make_patient, make_received_email

pytestmark = pytest.mark.django_db


def entries(**filters: Any) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(**filters).order_by("id"))


def test_entries_are_append_only(coordinator: User) -> None:
    entry = audit_record(
        actor=coordinator, action=Action.VIEW, object_type="crm.patient", object_id=1, patient_id=1
    )
    with pytest.raises(TypeError, match="append-only"):
        entry.save()
    with pytest.raises(TypeError, match="append-only"):
        entry.delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).update(note="rewritten")
    with pytest.raises(TypeError, match="append-only"):
        AuditEntry.objects.all().delete()
    with pytest.raises(ValueError, match="Unknown audit action"):
        audit_record(actor=None, action="peek", object_type="x", patient_id=None)


def test_patient_writes_record_old_and_new_values(coordinator: User) -> None:
    patient = patient_create(
        full_name="Ana Ruiz", email="Ana@Example.es", country="ES", actor=coordinator
    )
    (created,) = entries(action=Action.CREATE, object_type="crm.patient")
    assert (created.actor, created.actor_username, created.patient_id) == (
        coordinator,
        "carmen",
        patient.pk,
    )
    assert created.changes["email"] == [None, "ana@example.es"]
    patient_update(patient_id=patient.pk, actor=coordinator, phone="+3460000", full_name="Ana Ruiz")
    (changed,) = entries(action=Action.CHANGE, object_type="crm.patient")
    assert changed.changes == {"phone": ["", "+3460000"]}  # unchanged fields are left out


def test_a_rolled_back_change_leaves_no_entry(coordinator: User) -> None:
    patient = make_patient()
    with pytest.raises(RuntimeError), transaction.atomic():
        patient_update(patient_id=patient.pk, actor=coordinator, phone="+49111")
        raise RuntimeError("the request failed after the change")
    assert not entries(object_type="crm.patient", action=Action.CHANGE)


def test_journey_and_interaction_writes_are_audited(
    journey: Journey, coordinator: User, manager: User
) -> None:
    (created,) = entries(object_type="journeys.journey", action=Action.CREATE)
    assert created.changes["coordinator"] == [None, coordinator.pk]
    journey_move(journey_id=journey.pk, target="lost", actor=coordinator, lost_reason="price")
    moved = entries(object_type="journeys.journey", action=Action.CHANGE)[-1]
    assert moved.changes["outcome"] == ["active", "lost"]
    assert moved.changes["lost_reason"] == ["", "price"]
    journey_assign(journey_id=journey.pk, coordinator=manager, actor=manager)
    assert entries(object_type="journeys.journey")[-1].changes == {
        "coordinator": [coordinator.pk, manager.pk]
    }
    arrival = timezone.localdate() + dt.timedelta(days=30)
    journey_plan_dates(
        journey_id=journey.pk,
        actor=manager,
        planned_arrival=arrival,
        planned_procedure=None,
        planned_departure=None,
    )
    assert entries(object_type="journeys.journey")[-1].changes == {
        "planned_arrival": [None, arrival.isoformat()]
    }
    journey_update(journey_id=journey.pk, actor=manager, currency="GBP")
    assert entries(object_type="journeys.journey")[-1].changes == {"currency": ["EUR", "GBP"]}

    call = interaction_log(journey_id=journey.pk, kind="call", summary="Spoke", by=coordinator)
    (logged,) = entries(object_type="crm.interaction")
    assert logged.changes["summary"] == [None, "Spoke"]
    assert logged.patient_id == journey.patient_id
    interaction_update(interaction_id=call.pk, actor=manager, summary="Spoke twice")
    assert entries(object_type="crm.interaction")[-1].changes == {
        "summary": ["Spoke", "Spoke twice"]
    }
    assert Interaction.objects.get(pk=call.pk).summary == "Spoke twice"


def test_the_admin_saves_through_the_audited_services(
    client: Client, manager: User, journey: Journey
) -> None:
    client.force_login(manager)
    patient = journey.patient
    response = client.post(
        f"/admin/crm/patient/{patient.pk}/change/",
        {
            "full_name": patient.full_name,
            "email": patient.email,
            "phone": "+49 30 1234",
            "country": patient.country,
            "preferred_language": patient.preferred_language,
            "timezone": patient.timezone,
            "source": patient.source,
            "notes": "",
        },
    )
    assert response.status_code == 302
    change = entries(object_type="crm.patient", action=Action.CHANGE)[-1]
    assert change.changes == {"phone": ["", "+49 30 1234"]} and change.actor == manager


def test_reading_a_patients_data_is_audited(
    client: Client, coordinator: User, manager: User, journey: Journey, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(coordinator)
    assert client.get(f"/journeys/{journey.pk}/", HTTP_X_REQUEST_ID="req-42").status_code == 200
    (view,) = entries(action=Action.VIEW)
    assert (view.actor, view.patient_id, view.object_id) == (
        coordinator,
        journey.patient_id,
        str(journey.pk),
    )
    assert (view.ip, view.request_id) == ("127.0.0.1", "req-42")

    raw, _message, attachment = make_received_email(
        journey,
        raw=b"x",
        from_email="a@b",
        to_email="c@d",
        subject="s",
        text="t",
        message_id="<a@b>",
        attachment=("a.pdf", b"y", "x"),
    )
    client.force_login(manager)
    client.get(f"/admin/followups/rawemail/{raw.pk}/download/")
    client.get(f"/admin/followups/message/attachment/{attachment.pk}/")
    client.get(f"/admin/crm/patient/{journey.patient_id}/change/")
    downloads = entries(action=Action.DOWNLOAD)
    assert [(d.object_type, d.patient_id) for d in downloads] == [
        ("followups.rawemail", journey.patient_id),
        ("followups.attachment", journey.patient_id),
    ]
    assert entries(action=Action.VIEW, object_type="crm.patient")[0].actor == manager


def test_the_audit_page_is_for_managers_per_patient_and_per_staff(
    client: Client, coordinator: User, other_coordinator: User, manager: User, procedure: Any
) -> None:
    mine = make_patient(full_name="Per Patient")
    patient_update(patient_id=mine.pk, actor=coordinator, phone="+111")
    other = make_patient()
    patient_update(patient_id=other.pk, actor=other_coordinator, phone="+222")
    client.force_login(coordinator)
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403

    client.force_login(manager)
    assert 'href="/audit/"' in client.get("/").content.decode()  # in the navigation
    by_patient = client.get(f"/audit/?patient={mine.pk}").content.decode()
    assert "+111" in by_patient and "+222" not in by_patient
    by_staff = client.get("/audit/?staff=omar").content.decode()
    assert "+222" in by_staff and "+111" not in by_staff
    csv = client.get(f"/audit/export.csv?patient={mine.pk}")
    assert csv["Content-Type"].startswith("text/csv")
    lines = b"".join(csv.streaming_content).decode().splitlines()
    assert lines[0].startswith("at,actor_username,action")
    # Newest first: this export itself, then the change.
    assert len(lines) == 3 and ",maria,export," in lines[1]
    assert "carmen" in lines[2] and "+111" in lines[2]
    # Exporting the trail is recorded as well.
    assert entries(action=Action.EXPORT, object_type="audit.auditentry")[0].actor == manager
