"""The coordinators' dashboard through Django's test client: access, every page, the forms
and the board's move endpoint."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from crm.models import Interaction, Patient
from followups.models import Message, ScheduledMessage, Status
from journeys.models import EventKind, Journey, JourneyEvent, Outcome, Stage
from journeys.selectors import journeys_visible_to, patients_visible_to
from journeys.services import journey_create, journey_move
from tests.conftest import make_patient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail_settings(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.INBOUND_DOMAIN = "reply.clinic.example"


def inquiry(procedure, coordinator, *, hours_ago=3, **patient):
    return journey_create(
        patient=make_patient(**patient),
        procedure=procedure,
        actor=coordinator,
        coordinator=coordinator,
        inquiry_received_at=timezone.now() - dt.timedelta(hours=hours_ago),
    )


# --- Access -----------------------------------------------------------------------------


def test_home_asks_anonymous_visitors_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_sign_in_lands_on_my_day(client, coordinator):
    response = client.post(
        "/accounts/login/", {"username": "carmen", "password": "pw-carmen"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert b"My day" in response.content


def test_staff_without_a_role_is_refused_clearly(client):
    user = User.objects.create_user("visitor", password="pw", is_staff=True)
    client.force_login(user)
    for url in ("/", "/board/", "/inbox/", "/search/?q=anna"):
        response = client.get(url)
        assert response.status_code == 403
        assert b"not a coordinator or manager" in response.content


def test_coordinator_sees_own_and_unassigned_only(
    coordinator, other_coordinator, manager, procedure
):
    mine = inquiry(procedure, coordinator)
    theirs = inquiry(procedure, other_coordinator)
    unassigned = journey_create(
        patient=make_patient(), procedure=procedure, actor=None, coordinator=None
    )
    assert set(journeys_visible_to(coordinator)) == {mine, unassigned}
    assert set(journeys_visible_to(manager)) == {mine, theirs, unassigned}
    assert theirs.patient not in set(patients_visible_to(coordinator))
    assert journeys_visible_to(None).count() == 0


def test_coordinator_gets_404_for_another_coordinators_patient(
    client, coordinator, other_coordinator, procedure
):
    theirs = inquiry(procedure, other_coordinator)
    client.force_login(coordinator)
    urls = [
        reverse("dashboard:journey", args=[theirs.pk]),
        reverse("dashboard:patient", args=[theirs.patient_id]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
    posts = ["journey_reply", "journey_log", "journey_dates", "journey_move", "journey_close"]
    for name in posts:
        assert client.post(reverse(f"dashboard:{name}", args=[theirs.pk]), {}).status_code == 404
    response = client.post(
        reverse("dashboard:board_move"), {"journey": theirs.pk, "target": "booked"}
    )
    assert response.status_code == 404
    assert Journey.objects.get(pk=theirs.pk).stage == Stage.INQUIRY


def test_search_finds_only_visible_patients(client, coordinator, other_coordinator, procedure):
    inquiry(procedure, coordinator, full_name="Lena Vogel", email="lena@example.de")
    inquiry(procedure, other_coordinator, full_name="Lena Other", email="other@example.de")
    client.force_login(coordinator)
    response = client.get("/search/", {"q": "lena"})
    assert b"Lena Vogel" in response.content
    assert b"Lena Other" not in response.content
    assert b"Lena Vogel" in client.get("/search/", {"q": "lena@exa"}).content


# --- My day -----------------------------------------------------------------------------


def test_my_day_lists_unanswered_inquiries_oldest_first(client, coordinator, procedure):
    newer = inquiry(procedure, coordinator, hours_ago=2, full_name="Newer Patient")
    older = inquiry(procedure, coordinator, hours_ago=30, full_name="Older Patient")
    answered = inquiry(procedure, coordinator, full_name="Answered Patient")
    Journey.objects.filter(pk=answered.pk).update(first_response_at=timezone.now())
    client.force_login(coordinator)
    html = client.get("/").content.decode()
    assert html.index("Older Patient") < html.index("Newer Patient")
    assert "Answered Patient" not in html.split('id="h-risk"')[0]
    assert f'href="/journeys/{older.pk}/#reply"' in html
    assert newer.pk


def test_my_day_shows_quiet_booked_and_todays_arrivals(client, coordinator, procedure):
    quiet = inquiry(procedure, coordinator, full_name="Quiet Booked")
    journey_move(
        journey_id=quiet.pk,
        target=Stage.BOOKED,
        actor=coordinator,
        at=timezone.now() - dt.timedelta(days=10),
    )
    arriving = inquiry(procedure, coordinator, full_name="Arriving Today")
    journey_move(journey_id=arriving.pk, target=Stage.BOOKED, actor=coordinator)
    Journey.objects.filter(pk=arriving.pk).update(planned_arrival=timezone.localdate())
    client.force_login(coordinator)
    html = client.get("/").content.decode()
    risk = html.split('id="h-risk"')[1].split('id="h-failed"')[0]
    # Silence is a booked-risk reason now (care/risk/): "watch", with its days and action.
    assert "Quiet Booked" in risk and "Nothing heard for 10 days" in risk
    assert risk.index("Quiet Booked") < risk.index("Arriving Today")  # riskiest first
    assert "Arriving Today" in risk and "Arrives today" in risk
    today = html.split('id="h-today"')[1]
    assert "Arriving Today" in today


def test_my_day_shows_failed_messages(client, coordinator, journey, default_cadences):
    journey_move(journey_id=journey.pk, target=Stage.BOOKED, actor=coordinator)
    scheduled = ScheduledMessage.objects.filter(journey=journey).first()
    assert scheduled is not None
    ScheduledMessage.objects.filter(pk=scheduled.pk).update(
        status=Status.FAILED, last_error="SMTP said no"
    )
    client.force_login(coordinator)
    html = client.get("/").content.decode()
    assert "SMTP said no" in html


# --- The board --------------------------------------------------------------------------


def test_board_shows_columns_with_counts_and_cards(client, coordinator, procedure):
    inquiry(procedure, coordinator, full_name="Card Person")
    client.force_login(coordinator)
    response = client.get("/board/")
    html = response.content.decode()
    assert 'data-count-for="inquiry">1<' in html
    assert "Card Person" in html
    assert "Dental implants" in html


def test_board_column_pages_with_a_cursor(client, coordinator, procedure):
    from crm.dashboard.selectors import BOARD_PAGE

    for n in range(BOARD_PAGE + 3):
        inquiry(procedure, coordinator, hours_ago=100 - n, full_name=f"Pat {n:03d}")
    client.force_login(coordinator)
    html = client.get("/board/").content.decode()
    assert "Show more" in html and f"Pat {BOARD_PAGE - 1:03d}" in html
    assert f"Pat {BOARD_PAGE:03d}" not in html
    cursor = html.split("?after=")[1].split('"')[0].replace("&amp;", "&")
    more = client.get(f"/board/column/inquiry/?after={cursor}", HTTP_HX_REQUEST="true")
    names = more.content.decode()
    assert f"Pat {BOARD_PAGE:03d}" in names and f"Pat {BOARD_PAGE + 2:03d}" in names
    assert "Pat 000" not in names and "Show more" not in names


def test_board_filters(client, manager, coordinator, procedure):
    inquiry(procedure, coordinator, full_name="From Germany", country="DE")
    inquiry(procedure, coordinator, full_name="From Spain", country="ES")
    client.force_login(manager)
    html = client.get("/board/", {"country": "ES"}).content.decode()
    assert "From Spain" in html and "From Germany" not in html
    html = client.get("/board/", {"coordinator": "none"}).content.decode()
    assert "From Spain" not in html


def test_board_move_goes_through_the_transition_service(client, coordinator, journey):
    client.force_login(coordinator)
    response = client.post(
        "/board/move/",
        {"journey": journey.pk, "target": "booked", "expected_stage": "inquiry"},
    )
    body = response.json()
    assert response.status_code == 200 and body["ok"]
    assert body["counts"]["booked"] == "1" and body["counts"]["inquiry"] == "0"
    assert 'data-stage="booked"' in body["card"]
    assert JourneyEvent.objects.filter(journey=journey, kind=EventKind.ADVANCED).exists()


def test_board_refuses_a_disallowed_move_with_the_service_message(client, coordinator, journey):
    client.force_login(coordinator)
    response = client.post(
        "/board/move/", {"journey": journey.pk, "target": "procedure", "expected_stage": "inquiry"}
    )
    assert response.status_code == 409
    assert "cannot move to procedure" in response.json()["error"]
    assert Journey.objects.get(pk=journey.pk).stage == Stage.INQUIRY


def test_board_move_to_lost_needs_a_lost_reason(client, coordinator, journey):
    client.force_login(coordinator)
    response = client.post("/board/move/", {"journey": journey.pk, "target": "lost"})
    assert response.status_code == 409
    assert "lost reason is required" in response.json()["error"]
    response = client.post(
        "/board/move/", {"journey": journey.pk, "target": "lost", "lost_reason": "price"}
    )
    assert response.json()["ok"] and response.json()["card"] == ""
    assert Journey.objects.get(pk=journey.pk).outcome == Outcome.LOST


# --- The patient page -------------------------------------------------------------------


def test_patient_page_shows_header_timeline_and_forms(client, coordinator, journey):
    client.force_login(coordinator)
    response = client.get(f"/journeys/{journey.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert journey.patient.full_name in html and journey.patient.email in html
    assert "Europe/Berlin" in html  # the patient's local clock
    assert "Inquiry received" in html
    assert 'name="subject"' in html and 'name="minutes_spent"' in html


def test_patient_link_opens_the_latest_visible_journey(client, coordinator, journey):
    client.force_login(coordinator)
    response = client.get(f"/patients/{journey.patient_id}/")
    assert response["Location"] == f"/journeys/{journey.pk}/"


def test_send_a_reply(client, coordinator, journey):
    client.force_login(coordinator)
    response = client.post(
        f"/journeys/{journey.pk}/reply/",
        {"subject": "Your implant plan", "text": "Dear Anna,\nhere is the plan."},
        follow=True,
    )
    assert response.status_code == 200
    message = Message.objects.get(journey=journey, subject="Your implant plan")
    assert message.sent_by == coordinator
    assert any(m.subject == "Your implant plan" for m in mail.outbox)
    assert "Your implant plan" in response.content.decode()
    assert Journey.objects.get(pk=journey.pk).first_response_at is not None


def test_reply_form_errors_are_shown_per_field(client, coordinator, journey):
    client.force_login(coordinator)
    response = client.post(f"/journeys/{journey.pk}/reply/", {"subject": "", "text": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Write a subject, or choose a template." in html
    assert "Write the email, or choose a template." in html
    assert not Message.objects.filter(journey=journey).exists()


def test_log_a_call(client, coordinator, journey):
    client.force_login(coordinator)
    response = client.post(
        f"/journeys/{journey.pk}/log/",
        {"kind": "call", "direction": "out", "minutes_spent": "12", "summary": "Talked prices."},
        follow=True,
    )
    interaction = Interaction.objects.get(journey=journey)
    assert interaction.minutes_spent == 12 and interaction.by == coordinator
    assert "Talked prices." in response.content.decode()
    assert Journey.objects.get(pk=journey.pk).first_response_at is not None


def test_log_form_requires_a_summary(client, coordinator, journey):
    client.force_login(coordinator)
    response = client.post(
        f"/journeys/{journey.pk}/log/", {"kind": "call", "direction": "out", "minutes_spent": "-1"}
    )
    html = response.content.decode()
    assert "This field is required." in html
    assert "greater than or equal to 0" in html


def test_edit_planned_dates_writes_an_event(client, coordinator, journey):
    journey_move(journey_id=journey.pk, target=Stage.BOOKED, actor=coordinator)
    client.force_login(coordinator)
    arrival = timezone.localdate() + dt.timedelta(days=30)
    client.post(
        f"/journeys/{journey.pk}/dates/",
        {
            "planned_arrival": arrival.isoformat(),
            "planned_procedure": (arrival + dt.timedelta(days=1)).isoformat(),
            "planned_departure": (arrival + dt.timedelta(days=7)).isoformat(),
        },
    )
    journey.refresh_from_db()
    assert journey.planned_arrival == arrival
    assert JourneyEvent.objects.filter(journey=journey, reason__startswith="Planned dates").exists()


def test_dates_in_the_wrong_order_are_refused(client, coordinator, journey):
    client.force_login(coordinator)
    response = client.post(
        f"/journeys/{journey.pk}/dates/",
        {"planned_arrival": "2031-05-10", "planned_procedure": "2031-05-01"},
    )
    assert "The procedure cannot be before the arrival." in response.content.decode()
    assert Journey.objects.get(pk=journey.pk).planned_arrival is None


def test_mark_postponed_needs_reason_and_date(client, coordinator, journey):
    client.force_login(coordinator)
    response = client.post(f"/journeys/{journey.pk}/close/", {"target": "postponed"})
    html = response.content.decode()
    assert "Say why the journey is postponed." in html
    assert "Choose a date to re-engage." in html
    until = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    client.post(
        f"/journeys/{journey.pk}/close/",
        {"target": "postponed", "reason": "Saving money", "postponed_until": until},
    )
    assert Journey.objects.get(pk=journey.pk).outcome == Outcome.POSTPONED


def test_only_managers_reassign(client, coordinator, other_coordinator, manager, journey):
    client.force_login(coordinator)
    client.post(f"/journeys/{journey.pk}/assign/", {"coordinator": other_coordinator.pk})
    assert Journey.objects.get(pk=journey.pk).coordinator == coordinator
    client.force_login(manager)
    client.post(f"/journeys/{journey.pk}/assign/", {"coordinator": other_coordinator.pk})
    assert Journey.objects.get(pk=journey.pk).coordinator == other_coordinator


def test_coordinator_takes_an_unassigned_journey(client, coordinator, procedure):
    journey = journey_create(patient=make_patient(), procedure=procedure, actor=None)
    client.force_login(coordinator)
    client.post(f"/journeys/{journey.pk}/assign/", {"take": "1"})
    assert Journey.objects.get(pk=journey.pk).coordinator == coordinator


def test_checkin_skip_and_send_now(client, coordinator, journey, default_cadences):
    journey_move(journey_id=journey.pk, target=Stage.BOOKED, actor=coordinator)
    pending = list(
        ScheduledMessage.objects.filter(journey=journey, status=Status.PENDING).order_by("due_at")
    )
    assert len(pending) >= 2
    client.force_login(coordinator)
    response = client.post(
        f"/journeys/{journey.pk}/checkins/",
        {"checkin": pending[0].pk, "action": "skip"},
        HTTP_HX_REQUEST="true",
    )
    assert "Check-in skipped." in response.content.decode()
    assert ScheduledMessage.objects.get(pk=pending[0].pk).status == Status.CANCELLED
    client.post(f"/journeys/{journey.pk}/checkins/", {"checkin": pending[1].pk, "action": "send"})
    assert ScheduledMessage.objects.get(pk=pending[1].pk).status != Status.PENDING


def test_checkins_skipped_after_downtime_show_with_their_reason(
    client, coordinator, journey, default_cadences
):
    from followups.services import messages_dispatch_due

    info = ScheduledMessage.objects.get(journey=journey, rule__key="inquiry_info_pack")
    # The dispatcher was stopped: it runs three days after the info pack was due.
    messages_dispatch_due(now=info.due_at + dt.timedelta(days=3), send_inline=True)
    client.force_login(coordinator)
    page = client.get(f"/journeys/{journey.pk}/").content.decode()
    skipped = page.split('id="h-skipped"', 1)[1].split("</section>", 1)[0]
    assert "Missed while sending was stopped" in skipped
    assert (
        skipped.count("<li>")
        == ScheduledMessage.objects.filter(journey=journey, cancelled_reason="missed").count()
        >= 1
    )


def test_new_inquiry_creates_patient_and_journey(client, coordinator, procedure):
    client.force_login(coordinator)
    response = client.post(
        "/journeys/new/",
        {
            "full_name": "Jonas Weber",
            "email": "Jonas@Example.DE",
            "phone": "+49 30 1234567",
            "country": "de",
            "preferred_language": "de",
            "timezone": "Europe/Berlin",
            "source": "website",
            "procedure": procedure.pk,
            "coordinator": coordinator.pk,
            "note": "Wants two implants.",
        },
    )
    patient = Patient.objects.get(email="jonas@example.de")
    journey = Journey.objects.get(patient=patient)
    assert response["Location"] == f"/journeys/{journey.pk}/"
    assert patient.country == "DE" and journey.coordinator == coordinator


def _inquiry(procedure, **fields):
    data = {
        "full_name": "Jonas Weber",
        "email": "jonas.weber@example.org",
        "country": "TR",
        "preferred_language": "en",
        "source": "website",
        "procedure": procedure.pk,
        "coordinator": "",
    }
    data.update(fields)
    return data


def test_new_inquiry_takes_the_time_zone_from_the_country(client, coordinator, procedure):
    client.force_login(coordinator)
    html = client.get("/journeys/new/").content.decode()
    assert '<option value="" selected>From the country</option>' in html
    client.post("/journeys/new/", _inquiry(procedure, country="tr"))
    assert Patient.objects.get(email="jonas.weber@example.org").timezone == "Europe/Istanbul"


def test_new_inquiry_asks_for_the_zone_when_the_country_has_several(client, coordinator, procedure):
    client.force_login(coordinator)
    response = client.post("/journeys/new/", _inquiry(procedure, country="ES"))
    html = response.content.decode()
    assert "ES has several time zones: choose the patient" in html
    assert 'value="Atlantic/Canary"' in html and 'value="Asia/Tokyo"' not in html
    assert not Patient.objects.filter(email="jonas.weber@example.org").exists()
    client.post("/journeys/new/", _inquiry(procedure, country="ES", timezone="Atlantic/Canary"))
    assert Patient.objects.get(email="jonas.weber@example.org").timezone == "Atlantic/Canary"


def test_new_inquiry_form_shows_field_errors(client, coordinator, procedure):
    client.force_login(coordinator)
    response = client.post("/journeys/new/", {"email": "not-an-email", "country": "Germany"})
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert "This field is required." in html
    assert "Ensure this value has at most 2 characters" in html


def test_inbox_is_empty_until_inbound_mail_exists(client, coordinator):
    client.force_login(coordinator)
    assert b"The inbox is empty." in client.get("/inbox/").content


def test_with_too_many_staff_to_list_managers_type_a_username(
    client, manager, coordinator, other_coordinator, journey, monkeypatch
):
    from crm.dashboard import selectors

    monkeypatch.setattr(selectors, "STAFF_LIST_LIMIT", 1)
    client.force_login(manager)
    html = client.get(f"/journeys/{journey.pk}/").content.decode()
    assert "Coordinator&#x27;s username" in html or "Coordinator's username" in html
    response = client.post(f"/journeys/{journey.pk}/assign/", {"coordinator": "nobody-here"})
    assert "No coordinator or manager is called" in response.content.decode()
    client.post(f"/journeys/{journey.pk}/assign/", {"coordinator": "omar"})
    assert Journey.objects.get(pk=journey.pk).coordinator == other_coordinator
    html = client.get("/board/", {"coordinator_username": "omar"}).content.decode()
    assert journey.patient.full_name in html
    html = client.get("/board/", {"coordinator_username": "carmen"}).content.decode()
    assert journey.patient.full_name not in html


# --- Bad input (issue: no 500 on bad input) --------------------------------------------


def test_bad_input_from_the_issue_is_a_400_or_404_with_a_message(coordinator, manager, journey):
    from django.test import Client

    for user in (coordinator, manager):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        response = client.post(
            "/board/move/",
            {"journey": journey.pk, "target": "booked", "expected_stage": "bogus"},
        )
        assert response.status_code == 400
        assert "not understood" in response.json()["error"]
        response = client.post(
            f"/journeys/{journey.pk}/move/",
            {"target": "booked", "expected_stage": "bogus"},
            follow=True,
        )
        assert "That move was not understood" in response.content.decode()
        assert Journey.objects.get(pk=journey.pk).stage == Stage.INQUIRY
        assert client.get("/search/?q=a%00b").status_code == 200
        assert client.get("/board/?coordinator_username=%00").status_code == 200
        assert client.get("/board/?clinic=9223372036854775808").status_code == 200
        assert client.get("/patients/99999999999999999999/").status_code == 404
        assert client.get(f"/journeys/{2**63}/").status_code == 404
        response = client.post(f"/journeys/{journey.pk}/dates/", {"planned_arrival": "0001-01-01"})
        assert response.status_code == 200
        assert "not a date we can plan with" in response.content.decode()
    assert (
        Client(raise_request_exception=False).post("/anymail/mailgun/inbound/").status_code == 404
    )


def test_a_board_move_is_done_even_if_reading_it_back_fails(
    client, coordinator, journey, monkeypatch
):
    from django.db import OperationalError

    from crm.dashboard import selectors

    def blip(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(selectors, "board_counts", blip)
    client.force_login(coordinator)
    response = client.post(
        "/board/move/", {"journey": journey.pk, "target": "booked", "expected_stage": "inquiry"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["stage"] == "booked" and "moved to booked" in body["message"]
    assert body["counts"] == {} and body["card"] == ""
    assert Journey.objects.get(pk=journey.pk).stage == Stage.BOOKED


def test_the_procedure_of_an_inquiry_is_changed_on_the_patient_page(
    client, coordinator, journey, clinic
):
    from crm.models import Procedure

    veneers = Procedure.objects.create(name="Veneers", clinic=clinic)
    client.force_login(coordinator)
    html = client.get(f"/journeys/{journey.pk}/").content.decode()
    assert "Procedure and clinic" in html and "Veneers at Dentalpoint Istanbul" in html
    response = client.post(f"/journeys/{journey.pk}/procedure/", {"procedure": veneers.pk})
    assert response.status_code == 302
    assert Journey.objects.get(pk=journey.pk).procedure == veneers
    html = client.get(f"/journeys/{journey.pk}/").content.decode()
    assert "Procedure is now Veneers at Dentalpoint Istanbul." in html
    assert "Procedure changed: Dental implants at Dentalpoint Istanbul" in html
    response = client.post(f"/journeys/{journey.pk}/procedure/", {"procedure": "99999999999"})
    assert "Select a valid choice" in response.content.decode()
