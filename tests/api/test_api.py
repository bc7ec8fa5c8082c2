"""The REST API v1: every endpoint, as each role, through API keys and the session."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.models import ApiKey, Scope
from api.services import api_key_revoke
from audit.models import Action, AuditEntry
from crm.models import Interaction, Patient
from followups.models import Direction, Message
from journeys.models import Journey, Outcome, Stage
from journeys.services import journey_create, journey_move
from tests.api.conftest import KeyClient, key_client
from tests.conftest import make_patient

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _journey(procedure, coordinator=None, **patient) -> Journey:
    return journey_create(
        patient=make_patient(**patient),
        procedure=procedure,
        actor=None,
        coordinator=coordinator,
        inquiry_received_at=timezone.now() - dt.timedelta(hours=1),
    )


def _ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


# --- Authentication ---------------------------------------------------------------------


def test_no_credentials_is_a_401_problem(client: Client, journey: Journey) -> None:
    response = client.get("/api/v1/journeys/")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["status"] == 401 and body["title"] == "Unauthorized"
    assert body["instance"] == "/api/v1/journeys/"


def test_a_key_is_hashed_at_rest_and_records_its_last_use(
    manager: User, journey: Journey, clock
) -> None:
    api = key_client(manager, Scope.READ)
    key = ApiKey.objects.get(user=manager)
    assert api.raw not in (key.key_hash, key.prefix) and api.raw.startswith(key.prefix)
    assert key.last_used_at is None
    assert api.get("/api/v1/journeys/").status_code == 200
    key.refresh_from_db()
    first = key.last_used_at
    assert first is not None
    clock.shift(dt.timedelta(seconds=10))
    api.get("/api/v1/journeys/")
    key.refresh_from_db()
    assert key.last_used_at == first  # at most one write a minute
    clock.shift(dt.timedelta(minutes=2))
    api.get("/api/v1/journeys/")
    key.refresh_from_db()
    assert key.last_used_at > first


def test_a_revoked_or_wrong_key_is_refused(manager: User, journey: Journey) -> None:
    api = key_client(manager)
    assert api.get("/api/v1/journeys/").status_code == 200
    api_key_revoke(key_id=ApiKey.objects.get(user=manager).pk, actor=manager)
    response = api.get("/api/v1/journeys/")
    assert response.status_code == 401 and response["Content-Type"] == PROBLEM
    assert "revoked" in response.json()["detail"]
    assert KeyClient("crm_not-a-key").get("/api/v1/journeys/").status_code == 401
    assert KeyClient("something-else").get("/api/v1/journeys/").status_code == 401


def test_the_x_api_key_header_works_too(manager: User, journey: Journey) -> None:
    raw = key_client(manager).raw
    response = Client().get("/api/v1/journeys/", HTTP_X_API_KEY=raw)
    assert response.status_code == 200


def test_a_key_of_a_deactivated_person_is_refused(manager: User, journey: Journey) -> None:
    api = key_client(manager)
    manager.is_active = False
    manager.save()
    assert api.get("/api/v1/journeys/").status_code == 401


def test_a_read_only_key_cannot_write(manager: User, journey: Journey) -> None:
    api = key_client(manager, Scope.READ)
    assert api.get(f"/api/v1/journeys/{journey.pk}/").status_code == 200
    response = api.post(f"/api/v1/journeys/{journey.pk}/move/", {"target": "booked"})
    assert response.status_code == 403 and response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == "This API key is read-only."
    response = api.post(
        f"/api/v1/journeys/{journey.pk}/interactions/", {"kind": "call", "summary": "Hi"}
    )
    assert response.status_code == 403
    journey.refresh_from_db()
    assert journey.stage == Stage.INQUIRY and not Interaction.objects.exists()


def test_the_browser_session_works_and_needs_csrf_to_write(
    coordinator: User, journey: Journey
) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(coordinator)
    assert browser.get(f"/api/v1/journeys/{journey.pk}/").status_code == 200
    response = browser.post(
        f"/api/v1/journeys/{journey.pk}/move/",
        {"target": "booked"},
        content_type="application/json",
    )
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    browser.get("/api/v1/docs/")  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        f"/api/v1/journeys/{journey.pk}/move/",
        {"target": "booked"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "booked"


def test_someone_without_a_staff_role_sees_nothing(journey: Journey) -> None:
    stranger = User.objects.create_user("stranger", password="pw")
    browser = Client()
    browser.force_login(stranger)
    response = browser.get("/api/v1/journeys/")
    assert response.status_code == 403 and response["Content-Type"] == PROBLEM


# --- Scoping: the dashboard's rule ------------------------------------------------------


def test_a_coordinator_sees_their_journeys_and_the_unassigned_a_manager_all(
    procedure, coordinator: User, other_coordinator: User, manager: User
) -> None:
    mine = _journey(procedure, coordinator)
    unassigned = _journey(procedure, None)
    theirs = _journey(procedure, other_coordinator)
    as_coord, as_boss = key_client(coordinator), key_client(manager)

    assert _ids(as_coord.get("/api/v1/journeys/")) == {mine.pk, unassigned.pk}
    assert _ids(as_boss.get("/api/v1/journeys/")) == {mine.pk, unassigned.pk, theirs.pk}
    for url in (
        f"/api/v1/journeys/{theirs.pk}/",
        f"/api/v1/journeys/{theirs.pk}/events/",
        f"/api/v1/journeys/{theirs.pk}/messages/",
        f"/api/v1/journeys/{theirs.pk}/interactions/",
        f"/api/v1/patients/{theirs.patient_id}/",
    ):
        response = as_coord.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == PROBLEM
        assert as_boss.get(url).status_code == 200, url
    response = as_coord.post(f"/api/v1/journeys/{theirs.pk}/move/", {"target": "booked"})
    assert response.status_code == 404
    assert _ids(as_coord.get("/api/v1/patients/")) == {mine.patient_id, unassigned.patient_id}
    assert len(_ids(as_boss.get("/api/v1/patients/"))) == 3


# --- Journeys: filters, ordering, pages, ETags --------------------------------------------


def test_filters(procedure, clinic, coordinator: User, manager: User, clock) -> None:
    a = _journey(procedure, coordinator)
    b = _journey(procedure, None)
    journey_move(journey_id=b.pk, target="booked", actor=manager)
    c = _journey(procedure, coordinator)
    journey_move(journey_id=c.pk, target="lost", lost_reason="price", actor=manager)
    api = key_client(manager)
    assert _ids(api.get("/api/v1/journeys/", {"stage": "booked"})) == {b.pk}
    assert _ids(api.get("/api/v1/journeys/", {"outcome": "lost"})) == {c.pk}
    assert _ids(api.get("/api/v1/journeys/", {"coordinator": coordinator.pk})) == {a.pk, c.pk}
    assert _ids(api.get("/api/v1/journeys/", {"coordinator": "none"})) == {b.pk}
    assert _ids(api.get("/api/v1/journeys/", {"clinic": clinic.pk})) == {a.pk, b.pk, c.pk}
    assert _ids(api.get("/api/v1/journeys/", {"procedure": procedure.pk + 1})) == set()
    assert _ids(api.get("/api/v1/journeys/", {"patient": a.patient_id})) == {a.pk}
    later = timezone.now() + dt.timedelta(hours=1)
    clock.move_to(later)
    journey_move(journey_id=a.pk, target="booked", actor=manager)
    since = (later - dt.timedelta(minutes=1)).isoformat()
    assert _ids(api.get("/api/v1/journeys/", {"updated_since": since})) == {a.pk}


def test_a_coordinators_pages_interleave_their_own_and_the_unassigned(
    procedure, coordinator: User, other_coordinator: User, manager: User
) -> None:
    """The list picks a coordinator's page part by part (api/pagination.py): the rows,
    their order and the cursors are those of the single "mine OR unassigned" query."""
    owners = [coordinator, None, other_coordinator, None, coordinator, coordinator, None]
    made = [_journey(procedure, owner) for owner in owners]
    for journey in made[:5]:
        journey_move(journey_id=journey.pk, target="booked", actor=manager)
    visible = [j.pk for j in made if j.coordinator_id in (coordinator.pk, None)]
    api = key_client(coordinator)
    booked = [pk for pk in visible if pk in {j.pk for j in made[:5]}]
    for query, expected in (
        ("", list(reversed(visible))),
        ("&stage=booked", list(reversed(booked))),
        ("&stage=booked&ordering=id", booked),
        ("&ordering=inquiry_received_at", visible),
    ):
        url = f"/api/v1/journeys/?page_size=2{query}"
        seen: list[int] = []
        pages: list[str] = []
        while url:
            pages.append(url)
            body = api.get(url).json()
            seen += [row["id"] for row in body["results"]]
            url = body["next"]
        assert seen == expected, query
        if len(pages) > 1:  # and back: the last page's previous is the page before it
            back = api.get(api.get(pages[-1]).json()["previous"]).json()
            assert api.get(pages[-2]).json()["results"] == back["results"], query


def test_the_journey_list_costs_three_queries(procedure, coordinator: User, manager: User) -> None:
    for owner in (coordinator, None, None, coordinator):
        _journey(procedure, owner)
    for user in (coordinator, manager):
        api = key_client(user)
        api.get("/api/v1/journeys/")  # the key's last-used time is written once a minute
        # Pinned: 3 = the API key with its user (api/auth.py; its last use is written at
        # most once a minute), the user's role (crm/roles.py), and the page of journeys
        # with their patients (a coordinator's parts are a UNION ALL inside that query).
        # The throttle counts in the cache, not the database.
        with CaptureQueriesContext(connection) as captured:
            response = api.get("/api/v1/journeys/?stage=inquiry")
        assert len(captured) == 3, [q["sql"] for q in captured]
        assert ("UNION ALL" in captured[-1]["sql"]) == (user == coordinator)
        assert response.status_code == 200
        assert len(response.json()["results"]) == 4


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"stage": "paid"}, "stage"),
        ({"outcome": "x"}, "outcome"),
        ({"coordinator": "-1"}, "coordinator"),
        ({"clinic": "99999999999999999999"}, "clinic"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"updated_since": "0001-01-01"}, "updated_since"),
        ({"ordering": "patient__email"}, "ordering"),
    ],
)
def test_a_bad_filter_is_a_400_problem_naming_it(as_manager, journey, query, field) -> None:
    response = as_manager.get("/api/v1/journeys/", query)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["type"] == "/api/v1/problems/validation"
    assert [error["field"] for error in body["errors"]] == [field]


def test_cursor_pages_walk_every_row_once_in_order(procedure, manager: User) -> None:
    made = [_journey(procedure, None) for _ in range(7)]
    api = key_client(manager)
    seen: list[int] = []
    url = "/api/v1/journeys/?page_size=3&ordering=inquiry_received_at"
    pages = 0
    while url:
        body = api.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
        pages += 1
    assert pages == 3
    assert seen == [j.pk for j in made]  # equal times: the id breaks the tie
    default = api.get("/api/v1/journeys/").json()
    assert [row["id"] for row in default["results"]] == [j.pk for j in reversed(made)]
    bad = api.get("/api/v1/journeys/?cursor=bogus")
    assert bad.status_code == 404 and bad["Content-Type"] == PROBLEM


def test_detail_has_an_etag_and_if_none_match_answers_304(
    as_manager: KeyClient, journey: Journey, manager: User
) -> None:
    url = f"/api/v1/journeys/{journey.pk}/"
    first = as_manager.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('"')
    again = as_manager.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert as_manager.get(url, HTTP_IF_NONE_MATCH=f'W/{etag}, "x"').status_code == 304
    journey_move(journey_id=journey.pk, target="booked", actor=manager)
    changed = as_manager.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    for path in (
        f"/api/v1/patients/{journey.patient_id}/",
        f"/api/v1/clinics/{journey.clinic_id}/",
    ):
        tag = as_manager.get(path)["ETag"]
        assert as_manager.get(path, HTTP_IF_NONE_MATCH=tag).status_code == 304


def test_reading_a_patients_data_is_audited(
    as_manager: KeyClient, journey: Journey, manager: User
) -> None:
    as_manager.get(f"/api/v1/journeys/{journey.pk}/")
    as_manager.get(f"/api/v1/patients/{journey.patient_id}/")
    as_manager.get(f"/api/v1/journeys/{journey.pk}/messages/")
    reads = AuditEntry.objects.filter(action=Action.VIEW, patient_id=journey.patient_id)
    assert sorted(reads.values_list("object_type", "note")) == [
        ("crm.patient", "API"),
        ("journeys.journey", "API"),
        ("journeys.journey", "API: messages"),
    ]
    assert set(reads.values_list("actor_id", flat=True)) == {manager.pk}


# --- Moves ------------------------------------------------------------------------------


def test_move_calls_the_transition_and_refusals_are_409_with_the_allowed_moves(
    as_coordinator: KeyClient, journey: Journey
) -> None:
    url = f"/api/v1/journeys/{journey.pk}/move/"
    response = as_coordinator.post(url, {"target": "booked"})
    assert response.status_code == 200
    assert response.json()["stage"] == "booked"
    assert {m["target"] for m in response.json()["allowed_moves"]} == {
        "arrival",
        "lost",
        "postponed",
    }
    refused = as_coordinator.post(url, {"target": "followup"})
    assert refused.status_code == 409 and refused["Content-Type"] == PROBLEM
    body = refused.json()
    assert body["type"] == "/api/v1/problems/transition-not-allowed"
    assert "cannot move to follow-up" in body["detail"]
    assert [m["target"] for m in body["allowed_moves"]] == ["arrival", "lost", "postponed"]
    # Stepping back is for managers.
    back = as_coordinator.post(url, {"target": "inquiry", "reason": "oops"})
    assert back.status_code == 409 and "Only a manager" in back.json()["detail"]
    lost = as_coordinator.post(url, {"target": "lost"})
    assert lost.status_code == 409 and "lost reason" in lost.json()["detail"]
    stale = as_coordinator.post(url, {"target": "arrival", "expected_stage": "inquiry"})
    assert stale.status_code == 409 and "meanwhile" in stale.json()["detail"]
    journey.refresh_from_db()
    assert journey.stage == Stage.BOOKED and journey.outcome == Outcome.ACTIVE


def test_move_validation(as_coordinator: KeyClient, journey: Journey) -> None:
    url = f"/api/v1/journeys/{journey.pk}/move/"
    response = as_coordinator.post(url, {"target": "moon"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "target"
    response = as_coordinator.post(
        url, {"target": "postponed", "reason": "x", "postponed_until": "9999-01-01"}
    )
    assert response.status_code == 400
    not_json = as_coordinator.client.post(
        url, "{", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {as_coordinator.raw}"
    )
    assert not_json.status_code == 400 and not_json["Content-Type"] == PROBLEM
    form = as_coordinator.client.post(
        url, {"target": "booked"}, HTTP_AUTHORIZATION=f"Bearer {as_coordinator.raw}"
    )
    assert form.status_code == 415 and form["Content-Type"] == PROBLEM


# --- Interactions, messages, events ------------------------------------------------------


def test_log_a_call(as_coordinator: KeyClient, journey: Journey, coordinator: User) -> None:
    url = f"/api/v1/journeys/{journey.pk}/interactions/"
    response = as_coordinator.post(
        url, {"kind": "call", "summary": "Talked about implants.", "minutes_spent": 12}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "call" and body["by"] == coordinator.pk
    journey.refresh_from_db()
    assert journey.first_response_at is not None  # the service's clock, not the view's
    assert [row["id"] for row in as_coordinator.get(url).json()["results"]] == [body["id"]]
    bad = as_coordinator.post(url, {"kind": "fax", "summary": ""})
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"kind", "summary"}


def test_send_an_email_to_the_patient(
    as_coordinator: KeyClient, journey: Journey, coordinator: User
) -> None:
    url = f"/api/v1/journeys/{journey.pk}/messages/"
    response = as_coordinator.post(url, {"subject": "Your visit", "text": "See you soon."})
    assert response.status_code == 201, response.content
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [journey.patient.email]
    message = Message.objects.get()
    assert message.sent_by == coordinator and message.direction == Direction.OUT
    assert response.json()["id"] == message.pk
    listed = as_coordinator.get(url).json()["results"]
    assert [row["id"] for row in listed] == [message.pk]
    detail = as_coordinator.get(f"/api/v1/messages/{message.pk}/")
    assert detail.status_code == 200 and detail.json()["subject"] == "Your visit"
    assert as_coordinator.post(url, {"subject": "Only a subject"}).status_code == 400
    unknown = as_coordinator.post(url, {"template_key": "no-such-template"})
    assert unknown.status_code == 409 and unknown["Content-Type"] == PROBLEM
    Patient.objects.filter(pk=journey.patient_id).update(
        email_undeliverable_at=timezone.now(), email_undeliverable_reason="bounced"
    )
    undeliverable = as_coordinator.post(url, {"subject": "Hi", "text": "Hello"})
    assert undeliverable.status_code == 409 and "undeliverable" in undeliverable.json()["detail"]
    assert len(mail.outbox) == 1


def test_events_are_the_timeline(as_manager: KeyClient, journey: Journey, manager: User) -> None:
    journey_move(journey_id=journey.pk, target="booked", actor=manager)
    rows = as_manager.get(f"/api/v1/journeys/{journey.pk}/events/").json()["results"]
    assert [(r["kind"], r["to_stage"]) for r in rows] == [
        ("created", "inquiry"),
        ("assigned", ""),
        ("advanced", "booked"),
    ]
    assert rows[-1]["actor"] == manager.pk


# --- Reference data and reports ----------------------------------------------------------


def test_procedures_and_clinics(as_coordinator: KeyClient, procedure, clinic) -> None:
    procedures = as_coordinator.get("/api/v1/procedures/").json()["results"]
    assert procedures == [
        {
            "id": procedure.pk,
            "name": "Dental implants",
            "clinic": clinic.pk,
            "typical_stay_days": 7,
            "recovery_days": 14,
        }
    ]
    assert as_coordinator.get(f"/api/v1/procedures/{procedure.pk}/").json()["id"] == procedure.pk
    assert as_coordinator.get("/api/v1/clinics/").json()["results"][0]["city"] == "Istanbul"
    assert as_coordinator.get("/api/v1/clinics/999/").status_code == 404
    assert as_coordinator.post("/api/v1/clinics/", {}).status_code == 405


def test_the_funnel_report_works_with_a_managers_key(
    as_manager: KeyClient, as_coordinator: KeyClient, journey: Journey
) -> None:
    response = as_manager.get("/api/v1/reports/funnel/")
    assert response.status_code == 200 and response.json()["current"]["inquiries"] == 1
    assert as_coordinator.get("/api/v1/reports/funnel/").status_code == 403
    bad = as_manager.get("/api/v1/reports/funnel/", {"group_by": "doctor"})
    assert bad.status_code == 400 and bad["Content-Type"] == PROBLEM
    assert bad.json()["status"] == 400 and "group_by" in bad.json()["errors"]


# --- Inquiries --------------------------------------------------------------------------

INQUIRY = {
    "full_name": "Lena Vogel",
    "email": "Lena.Vogel@Example.de",
    "country": "de",
    "preferred_language": "de",
    "source": "website",
}


def test_create_an_inquiry(as_coordinator: KeyClient, procedure, coordinator: User) -> None:
    response = as_coordinator.post(
        "/api/v1/inquiries/",
        {**INQUIRY, "procedure": procedure.pk, "coordinator": coordinator.pk, "note": "Price?"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "created"
    journey = Journey.objects.get(pk=body["journey"]["id"])
    assert journey.coordinator == coordinator and journey.stage == Stage.INQUIRY
    patient = journey.patient
    assert (patient.email, patient.country, patient.timezone) == (
        "lena.vogel@example.de",
        "DE",
        "Europe/Berlin",
    )
    # The same address again joins the patient's record (a second procedure here).
    again = as_coordinator.post("/api/v1/inquiries/", {**INQUIRY, "procedure": procedure.pk})
    assert again.status_code == 409  # already an active journey for this procedure
    assert Patient.objects.filter(email="lena.vogel@example.de").count() == 1


def test_an_inquiry_for_another_coordinators_patient_is_routed_silently(
    procedure, coordinator: User, other_coordinator: User
) -> None:
    theirs = _journey(procedure, other_coordinator, email="known@example.de")
    api = key_client(coordinator)
    response = api.post(
        "/api/v1/inquiries/",
        {**INQUIRY, "email": "known@example.de", "procedure": procedure.pk},
    )
    assert response.status_code == 202
    assert response.json() == {
        "status": "routed",
        "detail": response.json()["detail"],
        "journey": None,
    }
    assert "known@example.de" not in response.content.decode()
    assert theirs.patient.journeys.count() == 1  # the note went on their journey


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"country": "D1"}, "country"),
        ({"country": "US"}, "timezone"),  # several zones: say which
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"procedure": 999999}, "procedure"),
        ({"procedure": 2**63}, "procedure"),
        ({"coordinator": 999999}, "coordinator"),
        ({"full_name": "a\x00b"}, "full_name"),
    ],
)
def test_a_bad_inquiry_names_the_field(as_coordinator, procedure, change, field) -> None:
    response = as_coordinator.post(
        "/api/v1/inquiries/", {**INQUIRY, "procedure": procedure.pk, **change}
    )
    assert response.status_code == 400, response.content
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not Journey.objects.exists()


def test_a_coordinator_cannot_file_for_someone_else(
    as_coordinator: KeyClient, procedure, other_coordinator: User
) -> None:
    response = as_coordinator.post(
        "/api/v1/inquiries/",
        {**INQUIRY, "procedure": procedure.pk, "coordinator": other_coordinator.pk},
    )
    assert response.status_code == 400


# --- Problem details for every error ------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/api/v1/nothing-here/", 404),
        ("GET", "/api/v1/journeys/99999999999999999999/", 404),
        ("GET", "/api/v1/journeys/abc/", 404),
        ("DELETE", "/api/v1/journeys/", 405),
        ("PUT", "/api/v1/inquiries/", 405),
        ("GET", "/api/v1/inquiries/", 405),
    ],
)
def test_every_error_is_a_problem(as_manager, journey, method, url, status) -> None:
    response = as_manager.generic(method, url)
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail", "instance"}
    assert body["status"] == status and body["instance"] == url.split("?")[0]


def test_throttling_is_a_429_problem_with_retry_after(
    as_manager: KeyClient, journey: Journey, settings
) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.API_THROTTLE_RATE = "3/min"
    codes = [as_manager.get("/api/v1/clinics/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = as_manager.get("/api/v1/clinics/")
    assert response["Content-Type"] == PROBLEM and int(response["Retry-After"]) > 0
    cache.clear()


# --- OpenAPI and docs -------------------------------------------------------------------


def test_schema_is_openapi_3_1_and_the_docs_use_local_files(client: Client) -> None:
    import yaml

    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"] == "3.1.0"
    assert "/api/v1/journeys/{journey_id}/move/" in schema["paths"]
    move = schema["paths"]["/api/v1/journeys/{journey_id}/move/"]["post"]
    assert "application/problem+json" in move["responses"]["409"]["content"]
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "http" not in page.replace("http-equiv", "")  # no CDN, nothing remote
    assert "<script>" not in page and "<style" not in page  # the CSP allows neither


def test_the_api_key_command_prints_a_working_key_once(manager: User, journey: Journey) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "api_key", "create", "--user", "maria", "--name", "Script", stdout=out, stderr=StringIO()
    )
    raw = out.getvalue().strip()
    assert KeyClient(raw).get("/api/v1/journeys/").status_code == 200
    listed = StringIO()
    call_command("api_key", "list", stdout=listed)
    assert "Script" in listed.getvalue() and raw not in listed.getvalue()
    key = ApiKey.objects.get(name="Script")
    call_command("api_key", "revoke", "--id", str(key.pk), stdout=StringIO())
    assert KeyClient(raw).get("/api/v1/journeys/").status_code == 401
