from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

from journeys.models import EventKind, Journey, JourneyEvent, Outcome, Stage
from journeys.services import journey_create
from tests.conftest import make_patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, manager):
    client.force_login(manager)
    return client


def test_roles_exist_with_permissions():
    coordinator = Group.objects.get(name="Coordinator")
    manager = Group.objects.get(name="Manager")
    assert coordinator.permissions.filter(codename="change_journey").exists()
    assert not coordinator.permissions.filter(codename="change_clinic").exists()
    assert manager.permissions.filter(codename="change_clinic").exists()
    assert not manager.permissions.filter(codename="delete_journeyevent").exists()


def test_changelist_filters_and_search(admin_client, journey):
    url = "/admin/journeys/journey/"
    assert admin_client.get(url).status_code == 200
    response = admin_client.get(url, {"stage__exact": "inquiry", "outcome__exact": "active"})
    assert journey.patient.full_name in response.text
    response = admin_client.get(url, {"q": journey.patient.email.upper()})
    assert journey.patient.full_name in response.text
    response = admin_client.get(url, {"stage__exact": "booked"})
    assert journey.patient.full_name not in response.text


def test_change_page_shows_events_inline(admin_client, journey):
    response = admin_client.get(f"/admin/journeys/journey/{journey.pk}/change/")
    assert response.status_code == 200
    assert "Created" in response.text and "Assigned" in response.text


def test_move_action_moves_through_the_service_and_reports_errors_per_journey(
    admin_client, journey, procedure, coordinator
):
    other = journey_create(patient=make_patient(), procedure=procedure, actor=coordinator)
    # Move one ahead so the same target is refused for it.
    admin_client.post(
        "/admin/journeys/journey/",
        {"action": "move_selected", "_selected_action": [other.pk], "target": "booked"},
    )
    response = admin_client.post(
        "/admin/journeys/journey/",
        {
            "action": "move_selected",
            "_selected_action": [journey.pk, other.pk],
            "target": "booked",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Moved 1 journey(s)." in response.text
    assert f"Journey #{other.pk} is in booked; it cannot move to booked." in response.text
    assert Journey.objects.get(pk=journey.pk).stage == Stage.BOOKED
    moved = JourneyEvent.objects.filter(journey=journey, kind=EventKind.ADVANCED).get()
    assert moved.actor.username == "maria"


def test_move_action_lost_needs_reason(admin_client, journey):
    response = admin_client.post(
        "/admin/journeys/journey/",
        {"action": "move_selected", "_selected_action": [journey.pk], "target": "lost"},
        follow=True,
    )
    assert "A lost reason is required" in response.text
    admin_client.post(
        "/admin/journeys/journey/",
        {
            "action": "move_selected",
            "_selected_action": [journey.pk],
            "target": "lost",
            "lost_reason": "price",
        },
    )
    journey.refresh_from_db()
    assert (journey.outcome, journey.lost_reason) == (Outcome.LOST, "price")


def test_add_journey_goes_through_the_service(
    admin_client, patient, procedure, coordinator, journey
):
    # `journey` already holds the active slot for this patient and procedure.
    response = admin_client.post(
        "/admin/journeys/journey/add/",
        {"patient": patient.pk, "procedure": procedure.pk, "currency": "EUR"},
    )
    assert response.status_code == 200
    assert "already has an active journey" in response.text
    fresh = make_patient()
    response = admin_client.post(
        "/admin/journeys/journey/add/",
        {
            "patient": fresh.pk,
            "procedure": procedure.pk,
            "coordinator": coordinator.pk,
            "currency": "EUR",
        },
    )
    assert response.status_code == 302
    created = Journey.objects.get(patient=fresh)
    assert created.stage == Stage.INQUIRY
    kinds = list(created.events.values_list("kind", flat=True))
    assert kinds == [EventKind.CREATED, EventKind.ASSIGNED]


def test_patient_admin_refuses_duplicate_email_in_other_case(admin_client, patient):
    response = admin_client.post(
        "/admin/crm/patient/add/",
        {
            "full_name": "Someone Else",
            "email": patient.email.upper(),
            "country": "ES",
            "preferred_language": "es",
            "timezone": "Europe/Madrid",
            "source": "website",
        },
    )
    assert response.status_code == 200
    assert "A patient with this email address already exists." in response.text


def test_login_page_signs_in_staff(client, coordinator):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "Sign in" in response.text
    response = client.post("/accounts/login/", {"username": "carmen", "password": "pw-carmen"})
    assert response.status_code == 302
    assert User.objects.get(username="carmen").last_login is not None


def test_send_email_action_opens_the_compose_page_for_one_journey(admin_client, journey):
    response = admin_client.post(
        "/admin/journeys/journey/",
        {"action": "send_email", "_selected_action": [journey.pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/admin/followups/message/send/?journey={journey.pk}"
    page = admin_client.get(response["Location"])
    assert page.status_code == 200
