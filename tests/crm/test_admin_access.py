"""Issue 11, hole 1: the admin is for managers and superusers only, and every admin
queryset, custom view and action starts from the access rule.

Each role signs in and walks every admin URL (changelist, add, change, delete, history and
the custom views) and posts every action, on rows that belong to another coordinator."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import Q
from django.test import Client
from django.utils import timezone

from crm.models import Interaction, Patient
from followups.models import (
    Direction,
    Message,
    RawEmail,
    ScheduledMessage,
    TriageItem,
)
from journeys.models import Journey, Outcome
from journeys.services import interaction_log, journey_create
from tests.conftest import make_patient, make_received_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(other_coordinator: User, procedure: Any, settings: Any, tmp_path: Any) -> dict[str, Any]:
    """Another coordinator's patient with one of everything the admin shows."""
    settings.MEDIA_ROOT = str(tmp_path)
    patient = make_patient(full_name="Zeynep Hidden", email="zeynep@example.tr", phone="+90555")
    journey = journey_create(
        patient=patient,
        procedure=procedure,
        actor=other_coordinator,
        coordinator=other_coordinator,
        inquiry_received_at=timezone.now() - dt.timedelta(hours=3),
    )
    interaction = interaction_log(
        journey_id=journey.pk,
        kind="call",
        summary="Talked about the HIV test",
        by=other_coordinator,
    )
    raw, message, attachment = make_received_email(
        journey,
        raw=b"From: zeynep@example.tr\r\n\r\nresult",
        from_email="zeynep@example.tr",
        subject="My results",
        text="The result",
        message_id="<in-1@example.tr>",
    )
    triage = TriageItem.objects.create(
        raw_email=raw,
        message_key="<t-1@example.tr>",
        reason="no journey matched",
        from_email="zeynep@example.tr",
        subject="Another result",
        received_at=timezone.now(),
        sender_patient=patient,
    )
    scheduled = ScheduledMessage.objects.filter(journey=journey).first()
    return {
        "patient": patient,
        "journey": journey,
        "interaction": interaction,
        "raw": raw,
        "message": message,
        "attachment": attachment,
        "triage": triage,
        "scheduled": scheduled,
        "event": journey.events.first(),
    }


def _admin_urls(objects: dict[str, Any]) -> list[str]:
    """Every admin URL: each registered model's list, add, and each object's change,
    delete and history pages, plus the custom views."""
    by_model = {
        Patient: objects["patient"],
        Journey: objects["journey"],
        Interaction: objects["interaction"],
        RawEmail: objects["raw"],
        Message: objects["message"],
        TriageItem: objects["triage"],
        ScheduledMessage: objects["scheduled"],
        type(objects["event"]): objects["event"],
    }
    urls = ["/admin/"]
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        urls += [base, f"{base}add/"]
        obj = by_model.get(model)
        if obj is not None:
            urls += [
                f"{base}{obj.pk}/change/",
                f"{base}{obj.pk}/delete/",
                f"{base}{obj.pk}/history/",
            ]
    urls += [
        "/admin/followups/message/send/",
        f"/admin/followups/message/send/?journey={objects['journey'].pk}",
        f"/admin/followups/message/attachment/{objects['attachment'].pk}/",
        f"/admin/followups/rawemail/{objects['raw'].pk}/download/",
        f"/admin/followups/triageitem/{objects['triage'].pk}/resolve/",
    ]
    return urls


def _actions(objects: dict[str, Any], me: User) -> list[tuple[str, dict[str, Any]]]:
    journey = objects["journey"]
    return [
        (
            "/admin/journeys/journey/",
            {
                "action": "move_selected",
                "_selected_action": [journey.pk],
                "target": "lost",
                "lost_reason": "price",
            },
        ),
        ("/admin/journeys/journey/", {"action": "send_email", "_selected_action": [journey.pk]}),
        (
            "/admin/followups/scheduledmessage/",
            {"action": "cancel", "_selected_action": [objects["scheduled"].pk]},
        ),
        (
            "/admin/followups/message/",
            {"action": "mark_answered", "_selected_action": [objects["message"].pk]},
        ),
        (
            "/admin/followups/triageitem/",
            {"action": "dismiss", "_selected_action": [objects["triage"].pk]},
        ),
        (
            f"/admin/journeys/journey/{journey.pk}/change/",
            {"coordinator": me.pk, "planned_arrival": "", "currency": "EUR"},
        ),
        (
            f"/admin/crm/patient/{objects['patient'].pk}/change/",
            {
                "full_name": "Taken Over",
                "email": "mine@example.org",
                "country": "TR",
                "preferred_language": "en",
                "timezone": "UTC",
                "source": "website",
            },
        ),
        (
            f"/admin/crm/interaction/{objects['interaction'].pk}/change/",
            {"kind": "call", "direction": "out", "summary": "rewritten", "minutes_spent": 0},
        ),
        (
            "/admin/followups/message/send/",
            {"journey": journey.pk, "subject": "Hello", "text": "Hi"},
        ),
        (
            f"/admin/followups/triageitem/{objects['triage'].pk}/resolve/",
            {"journey": journey.pk},
        ),
    ]


def _untouched(objects: dict[str, Any], coordinator: User) -> None:
    patient = Patient.objects.get(pk=objects["patient"].pk)
    journey = Journey.objects.get(pk=objects["journey"].pk)
    assert (patient.full_name, patient.email) == ("Zeynep Hidden", "zeynep@example.tr")
    assert journey.coordinator_id != coordinator.pk and journey.outcome == Outcome.ACTIVE
    assert Interaction.objects.get(pk=objects["interaction"].pk).summary.startswith("Talked")
    assert not Message.objects.filter(direction=Direction.OUT, subject="Hello").exists()
    assert TriageItem.objects.get(pk=objects["triage"].pk).status == "open"


def test_a_coordinator_gets_no_admin_at_all(
    client: Client, coordinator: User, theirs: dict[str, Any]
) -> None:
    # Even with is_staff left on from the old setup and every model permission of the group.
    coordinator.is_staff = True
    coordinator.save()
    client.force_login(coordinator)
    for url in _admin_urls(theirs):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url
    for url, data in _actions(theirs, coordinator):
        response = client.post(url, data)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    _untouched(theirs, coordinator)
    # The dashboard still works for them, and its navigation has no Admin link.
    page = client.get("/")
    assert page.status_code == 200 and 'href="/admin/"' not in page.content.decode()


def test_a_coordinator_without_is_staff_uses_the_dashboard(
    client: Client, coordinator: User
) -> None:
    assert not coordinator.is_staff
    client.force_login(coordinator)
    for url in ("/", "/board/", "/inbox/", "/search/?q=an", "/journeys/new/", "/settings/"):
        assert client.get(url).status_code == 200, url


def test_a_manager_walks_every_admin_url(
    client: Client, manager: User, theirs: dict[str, Any]
) -> None:
    client.force_login(manager)
    for url in _admin_urls(theirs):
        response = client.get(url)
        # 403: an add/delete page the model refuses to everyone (events, sent mail).
        assert response.status_code in (200, 403), (url, response.status_code)
    page = client.get(f"/admin/crm/patient/{theirs['patient'].pk}/change/")
    assert "Zeynep Hidden" in page.content.decode()
    download = client.get(f"/admin/followups/rawemail/{theirs['raw'].pk}/download/")
    assert download.status_code == 200 and b"result" in b"".join(download.streaming_content)


def test_a_superuser_walks_the_admin(client: Client, theirs: dict[str, Any]) -> None:
    root = User.objects.create_superuser("root", "root@clinic.example", "pw")
    client.force_login(root)
    assert client.get("/admin/").status_code == 200
    assert client.get(f"/admin/crm/patient/{theirs['patient'].pk}/change/").status_code == 200


def test_a_managers_actions_work(client: Client, manager: User, theirs: dict[str, Any]) -> None:
    client.force_login(manager)
    journey = theirs["journey"]
    client.post(
        "/admin/journeys/journey/",
        {
            "action": "move_selected",
            "_selected_action": [journey.pk],
            "target": "lost",
            "lost_reason": "price",
        },
    )
    assert Journey.objects.get(pk=journey.pk).outcome == Outcome.LOST


def test_every_admin_query_starts_from_the_access_rule(
    client: Client, manager: User, theirs: dict[str, Any], monkeypatch: Any
) -> None:
    """If a manager's scope ever narrows (here: to their own journeys), the admin follows
    the rule: another's patient is missing from every list, page, view and action."""
    import followups.selectors
    import journeys.selectors

    real = journeys.selectors.journey_visibility

    def narrowed(user: Any) -> list[Q]:
        return [Q(coordinator_id=user.pk)] if user == manager else real(user)

    monkeypatch.setattr(journeys.selectors, "journey_visibility", narrowed)
    monkeypatch.setattr(followups.selectors, "journey_visibility", narrowed)
    client.force_login(manager)
    for url in _admin_urls(theirs):
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), url
        body = response.content.decode() if not response.streaming else ""
        assert "Zeynep Hidden" not in body and "zeynep@example.tr" not in body, url
        if response.status_code == 200 and url.rstrip("/").split("/")[-1] in (
            "change",
            "delete",
            "history",
            "download",
            "resolve",
        ):
            pytest.fail(f"{url} answered 200 outside the rule")
        assert not response.streaming, url
    for url, data in _actions(theirs, manager):
        client.post(url, data)
    _untouched(theirs, manager)


def test_deleting_in_the_admin_is_audited(client: Client, manager: User, journey: Journey) -> None:
    from audit.models import Action, AuditEntry

    one = interaction_log(journey_id=journey.pk, kind="call", summary="Called.", by=manager)
    two = interaction_log(journey_id=journey.pk, kind="call", summary="Again.", by=manager)
    client.force_login(manager)
    response = client.post(f"/admin/crm/interaction/{one.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    response = client.post(
        "/admin/crm/interaction/",
        {"action": "delete_selected", "_selected_action": [two.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Interaction.objects.filter(pk__in=[one.pk, two.pk]).exists()
    deleted = AuditEntry.objects.filter(action=Action.DELETE, object_type="crm.interaction")
    assert sorted(deleted.values_list("object_id", "patient_id")) == sorted(
        [(str(one.pk), journey.patient_id), (str(two.pk), journey.patient_id)]
    )
    assert set(deleted.values_list("actor_id", flat=True)) == {manager.pk}
