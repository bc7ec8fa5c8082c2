"""The travel checklist (issue 14): set up from the defaults when a journey is booked,
filled by the patient on their page (POSTs only, signed token), confirmed by coordinators
on the journey page, listed on My day and the board while open, on the driver sheet for
whoever may see the journey, and in the pre-arrival emails while still open."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from care.links import page_url
from care.models import TravelChecklist, TravelDefault, TravelItem, TravelStatus
from care.tokens import page_token
from care.travel import services
from care.travel.demo import on_journeys_seeded
from followups.emails import render_template
from followups.models import MessageTemplate
from journeys.models import Journey, JourneyEvent, Stage
from journeys.services import journey_move, journey_plan_dates
from tests.conftest import make_patient

pytestmark = pytest.mark.django_db


def path(url: str) -> str:
    return url.replace("https://crm.example.com", "")


def token_of(html: str) -> str:
    found = re.search(r'name="token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def items(journey: Journey) -> dict[str, TravelItem]:
    return {i.kind: i for i in TravelItem.objects.filter(journey=journey)}


@pytest.fixture
def booked(journey: Journey, coordinator) -> Journey:
    journey_move(journey_id=journey.pk, target=Stage.BOOKED, actor=coordinator)
    today = timezone.localdate()
    journey_plan_dates(
        journey_id=journey.pk,
        actor=coordinator,
        planned_arrival=today + dt.timedelta(days=3),
        planned_procedure=today + dt.timedelta(days=4),
        planned_departure=today + dt.timedelta(days=10),
    )
    journey.refresh_from_db()
    return journey


FLIGHT = {"number": "tk 1234", "date": "2026-06-13", "time": "14:35", "place": "IST"}


# --- Services ---------------------------------------------------------------------------


def test_booking_sets_up_the_checklist_from_the_built_in_defaults(booked) -> None:
    found = items(booked)
    assert set(found) == set(services.KINDS)
    assert found["flight_out"].status == TravelStatus.TODO
    assert found["visa"].status == TravelStatus.NOT_NEEDED
    assert found["companion"].status == TravelStatus.NOT_NEEDED
    summary = TravelChecklist.objects.get(journey=booked)
    assert summary.open_count == 7
    assert summary.open_items[0] == ["flight_out", "todo"]


def test_procedure_defaults_win_over_the_clinic_and_visa_follows_the_country(
    journey, procedure, clinic, coordinator
) -> None:
    TravelDefault.objects.create(clinic=clinic, companion=True, visa_countries="DE, IN")
    TravelDefault.objects.create(procedure=procedure, hotel=False, visa_countries="DE")
    journey_move(journey_id=journey.pk, target=Stage.BOOKED, actor=coordinator)
    found = items(journey)
    assert found["hotel"].status == TravelStatus.NOT_NEEDED  # the procedure's row
    assert found["companion"].status == TravelStatus.NOT_NEEDED  # not the clinic's
    assert found["visa"].status == TravelStatus.TODO  # the patient is from DE


def test_the_patient_gives_an_item_and_the_timeline_says_so(booked) -> None:
    change = services.travel_item_update(
        journey_id=booked.pk, kind="flight_out", values=FLIGHT, actor=None, by_patient=True
    )
    assert change.changed
    flight = items(booked)["flight_out"]
    assert (flight.status, flight.number, flight.place) == ("given", "TK 1234", "IST")
    assert flight.time == dt.time(14, 35) and flight.by_patient and flight.changed_by is None
    event = JourneyEvent.objects.filter(journey=booked, data__care="travel").get()
    assert event.data == {
        "care": "travel",
        "item": "flight_out",
        "status": "given",
        "by_patient": True,
    }
    assert "TK 1234" in event.reason
    # Given is still open for us (we confirm it), so the summary keeps it.
    assert ["flight_out", "given"] in TravelChecklist.objects.get(journey=booked).open_items
    again = services.travel_item_update(
        journey_id=booked.pk, kind="flight_out", values=FLIGHT, actor=None, by_patient=True
    )
    assert not again.changed
    assert JourneyEvent.objects.filter(journey=booked, data__care="travel").count() == 1


@pytest.mark.parametrize(
    ("kind", "values", "code"),
    [
        ("flight_out", {**FLIGHT, "number": "not a flight"}, "bad_flight"),
        ("flight_out", {**FLIGHT, "time": ""}, "needed"),
        ("flight_out", {**FLIGHT, "date": "13/06/2026"}, "bad_date"),
        ("passport", {"end_date": "2026-06-15"}, "passport_short"),
        ("hotel", {"name": "X", "date": "2026-06-13", "end_date": "2026-06-01"}, "bad_date"),
        ("visa", {"end_date": "2030-01-01"}, "invalid"),  # not needed for this trip
        ("nonsense", {}, "invalid"),
    ],
)
def test_refused_entries_change_nothing(booked, kind, values, code) -> None:
    with pytest.raises(services.TravelError) as refused:
        services.travel_item_update(
            journey_id=booked.pk, kind=kind, values=values, actor=None, by_patient=True
        )
    assert refused.value.code == code
    assert not TravelItem.objects.filter(journey=booked, status="given").exists()
    assert not JourneyEvent.objects.filter(journey=booked, data__care="travel").exists()


def test_staff_confirm_with_who_and_when_and_ask_the_rest(booked, coordinator) -> None:
    services.travel_item_update(
        journey_id=booked.pk,
        kind="hotel",
        values={"name": "Hotel Marmara", "date": "2026-06-13", "reference": "HX1"},
        status="confirmed",
        actor=coordinator,
        by_patient=False,
    )
    hotel = items(booked)["hotel"]
    assert hotel.status == "confirmed" and hotel.changed_by == coordinator
    assert hotel.changed_at == timezone.now() or hotel.changed_at <= timezone.now()
    assert services.travel_items_ask(journey_id=booked.pk, actor=coordinator) == 6
    assert {i.status for i in items(booked).values()} == {"asked", "confirmed", "not_needed"}


def test_a_journey_booked_before_checklists_gets_its_rows_on_the_first_change(
    journey, coordinator
) -> None:
    journey_move(journey_id=journey.pk, target=Stage.BOOKED, actor=coordinator)
    TravelItem.objects.all().delete()
    TravelChecklist.objects.all().delete()
    services.travel_item_update(
        journey_id=journey.pk,
        kind="deposit",
        values={},
        actor=None,
        by_patient=True,
    )
    assert items(journey)["deposit"].status == "given"
    assert len(items(journey)) == len(services.KINDS)


def test_demo_seeding_writes_checklists_in_every_state(procedure, coordinator) -> None:
    ids = []
    for n in range(30):
        journey = Journey.objects.create(
            patient=make_patient(),
            procedure=procedure,
            clinic=procedure.clinic,
            coordinator=coordinator,
            stage=Stage.BOOKED if n % 5 else Stage.ARRIVAL,
            stage_entered_at=timezone.now(),
            inquiry_received_at=timezone.now(),
            planned_arrival=timezone.localdate() + dt.timedelta(days=n),
        )
        ids.append(journey.pk)
    written = on_journeys_seeded(journey_ids=ids)
    assert written == 30 * len(services.KINDS)
    assert set(TravelItem.objects.values_list("status", flat=True)) == set(TravelStatus.values)
    assert TravelChecklist.objects.count() == 30
    assert on_journeys_seeded(journey_ids=ids) == 0  # again: nothing new


# --- The patient's page -----------------------------------------------------------------


def test_get_shows_the_checklist_in_the_patients_language_and_records_nothing(
    client, journey, coordinator
) -> None:
    journey_move(journey_id=journey.pk, target=Stage.BOOKED, actor=coordinator)
    TravelItem.objects.all().delete()  # booked before checklists: shown from the defaults
    response = client.get(path(page_url(journey)) + "?item=flight_out&number=XX1")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ihre Reise-Checkliste" in html and "Ihr Hinflug" in html
    assert not TravelItem.objects.exists()
    assert not JourneyEvent.objects.filter(data__care="travel").exists()


def test_the_patient_posts_the_flight(client, booked) -> None:
    url = path(page_url(booked))
    token = token_of(client.get(url).content.decode())
    response = client.post(
        url, {"token": token, "action": "travel", "item": "flight_out", **FLIGHT}
    )
    assert response.status_code == 303
    assert response["Location"].endswith("?recorded=travel#travel-flight_out")
    assert items(booked)["flight_out"].status == "given"
    shown = client.get(response["Location"]).content.decode()
    assert "Gespeichert. Danke!" in shown
    assert "Danke: wir prüfen es" in shown


def test_a_refused_entry_comes_back_with_the_reason_and_what_was_typed(client, booked) -> None:
    url = path(page_url(booked))
    token = token_of(client.get(url).content.decode())
    data = {"token": token, "action": "travel", "item": "flight_out", **FLIGHT, "number": "?!"}
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Eine Flugnummer sieht so aus" in html
    assert 'value="IST"' in html  # nothing typed is lost
    assert items(booked)["flight_out"].status == "todo"


@pytest.mark.parametrize("kind", ["forged", "expired", "no_form_token"])
def test_bad_tokens_change_nothing(client, booked, clock, kind) -> None:
    good = page_token(booked.pk, 0)
    token = good
    if kind == "forged":
        token = good[:-3] + ("aaa" if not good.endswith("aaa") else "bbb")
    elif kind == "expired":
        clock.shift(dt.timedelta(days=400))
    data = {"action": "travel", "item": "flight_out", **FLIGHT}
    if kind != "no_form_token":
        data["token"] = token
    response = client.post(f"/care/{token}/", data)
    assert response.status_code == 404
    assert items(booked)["flight_out"].status == "todo"
    assert not JourneyEvent.objects.filter(data__care="travel").exists()


# --- The coordinators -------------------------------------------------------------------


def test_the_journey_page_shows_and_confirms_items(client, booked, coordinator) -> None:
    client.force_login(coordinator)
    page = client.get(f"/journeys/{booked.pk}/").content.decode()
    assert "Travel checklist" in page and "7 open" in page
    response = client.post(
        f"/care/journeys/{booked.pk}/travel/flight_out/", {**FLIGHT, "confirm": "1"}
    )
    assert response.status_code == 302
    flight = items(booked)["flight_out"]
    assert flight.status == "confirmed" and flight.changed_by == coordinator
    bad = client.post(f"/care/journeys/{booked.pk}/travel/flight_out/", {"time": "25:99"})
    assert bad.status_code == 302
    assert items(booked)["flight_out"].time == dt.time(14, 35)


def test_another_coordinator_cannot_touch_the_checklist(client, booked, other_coordinator) -> None:
    client.force_login(other_coordinator)
    response = client.post(f"/care/journeys/{booked.pk}/travel/flight_out/", {"confirm": "1"})
    assert response.status_code == 404
    assert client.post(f"/care/journeys/{booked.pk}/travel/ask/").status_code == 404
    assert items(booked)["flight_out"].status == "todo"


def test_my_day_lists_only_arrivals_with_open_items(client, booked, coordinator) -> None:
    client.force_login(coordinator)
    html = client.get("/").content.decode()
    assert "Travel open: Outbound flight: to do" in html
    for kind in services.KINDS:
        services.travel_item_update(
            journey_id=booked.pk,
            kind=kind,
            values={},
            status="confirmed" if items(booked)[kind].status != "not_needed" else "",
            actor=coordinator,
            by_patient=False,
        )
    assert TravelChecklist.objects.get(journey=booked).open_count == 0
    html = client.get("/").content.decode()
    assert "Travel open" not in html


def test_the_board_card_marks_open_items(client, booked, coordinator) -> None:
    client.force_login(coordinator)
    html = client.get("/board/").content.decode()
    assert "✈ 7 open" in html


# --- The driver sheet -------------------------------------------------------------------


def test_driver_sheet_lists_who_lands_for_who_may_see_them(
    client, booked, coordinator, other_coordinator, manager, clinic
) -> None:
    services.travel_item_update(
        journey_id=booked.pk, kind="flight_out", values=FLIGHT, actor=None, by_patient=True
    )
    services.travel_item_update(
        journey_id=booked.pk,
        kind="hotel",
        values={"name": "Hotel Marmara", "date": "2026-06-13"},
        actor=None,
        by_patient=True,
    )
    url = f"/care/travel/arrivals/?day=2026-06-13&clinic={clinic.pk}"
    client.force_login(coordinator)
    html = client.get(url).content.decode()
    assert booked.patient.full_name in html and "TK 1234" in html and "Hotel Marmara" in html
    assert "14:35" in html
    client.force_login(manager)
    assert booked.patient.full_name in client.get(url).content.decode()
    client.force_login(other_coordinator)
    assert booked.patient.full_name not in client.get(url).content.decode()
    client.force_login(coordinator)
    assert (
        booked.patient.full_name
        not in client.get("/care/travel/arrivals/?day=2026-06-14").content.decode()
    )
    for bad in ("?day=yesterday", "?clinic=abc", "?clinic=999999", "?day=2026-02-30"):
        assert client.get("/care/travel/arrivals/" + bad).status_code == 400


def test_driver_sheet_shows_a_planned_arrival_without_a_flight(client, booked, coordinator) -> None:
    client.force_login(coordinator)
    day = booked.planned_arrival.isoformat()
    html = client.get(f"/care/travel/arrivals/?day={day}").content.decode()
    assert booked.patient.full_name in html and "no flight yet" in html


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2026-02-30", "tomorrow"])
def test_driver_sheet_refuses_a_day_it_cannot_show_with_a_message(
    client, booked, coordinator, day
) -> None:
    client.force_login(coordinator)
    response = client.get(f"/care/travel/arrivals/?day={day}")
    assert response.status_code == 400
    assert "showing today" in response.content.decode().lower()


def test_driver_sheet_needs_staff(client, booked) -> None:
    assert client.get("/care/travel/arrivals/").status_code == 302


# --- The pre-arrival emails -------------------------------------------------------------


@pytest.mark.parametrize("key", ["prearrival_14", "prearrival_3", "prearrival_1"])
@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_pre_arrival_emails_list_only_what_is_open(booked, coordinator, key, language) -> None:
    booked.patient.preferred_language = language
    booked.patient.save()
    services.travel_item_update(
        journey_id=booked.pk, kind="flight_out", values=FLIGHT, actor=None, by_patient=True
    )
    template = MessageTemplate.objects.get(key=key, language=language)
    rendered = render_template(template, journey=Journey.objects.get(pk=booked.pk))
    labels = {
        "en": ("Your hotel", "Your flight there"),
        "es": ("Su hotel", "Su vuelo de ida"),
        "de": ("Ihr Hotel", "Ihr Hinflug"),
    }[language]
    open_label, given_label = labels
    for body in (rendered.text, rendered.html):
        assert open_label in body
        assert given_label not in body
        assert "#travel" in body
    assert "flight number" not in rendered.text.lower()
    # Everything done: nothing listed, no link to fill in.
    for kind in services.KINDS:
        services.travel_item_update(
            journey_id=booked.pk,
            kind=kind,
            values={},
            status="confirmed" if items(booked)[kind].status != "not_needed" else "",
            actor=coordinator,
            by_patient=False,
        )
    rendered = render_template(template, journey=Journey.objects.get(pk=booked.pk))
    assert open_label not in rendered.text and "#travel" not in rendered.text


def test_the_migration_swaps_unedited_templates_only(db) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("care.migrations.0004_travel_checklist")
    old = migration.OLD
    MessageTemplate.objects.filter(key="prearrival_3", language="en").update(
        **old["prearrival_3"]["en"]
    )
    MessageTemplate.objects.filter(key="prearrival_3", language="de").update(
        **{**old["prearrival_3"]["de"], "subject": "Edited"}
    )
    migration.forwards(apps, None)
    assert "travel.open" in MessageTemplate.objects.get(key="prearrival_3", language="en").text
    edited = MessageTemplate.objects.get(key="prearrival_3", language="de")
    assert edited.subject == "Edited" and "travel.open" not in edited.text


def test_after_arrival_the_page_takes_no_travel_entries(client, booked, coordinator) -> None:
    url = path(page_url(booked))
    token = token_of(client.get(url).content.decode())
    journey_move(journey_id=booked.pk, target=Stage.ARRIVAL, actor=coordinator)
    journey_move(journey_id=booked.pk, target=Stage.PROCEDURE, actor=coordinator)
    html = client.get(url).content.decode()
    assert "Ihre Reise-Checkliste" not in html
    data = {"token": token, "action": "travel", "item": "flight_out", **FLIGHT}
    assert client.post(url, data).status_code == 404
    assert items(booked)["flight_out"].status == "todo"
