"""The travel checklist in a real browser: a patient on a phone fills their flight and
hotel on their page; the coordinator sees them on the journey page and on the driver
sheet (issue 14). Screenshots: docs/screenshots/travel-checklist-phone.png and
travel-driver-sheet.png are copies of the artifacts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from care.links import page_url
from care.models import TravelItem
from journeys.services import journey_create, journey_move, journey_plan_dates
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_care import sign_in
from tests.conftest import make_patient

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}


def test_a_patient_on_a_phone_fills_flight_and_hotel(
    browser: Browser, page: Page, live_server, coordinator, procedure
) -> None:
    journey = journey_create(
        patient=make_patient(full_name="Laura Gómez", preferred_language="en", phone="+34 600 1"),
        procedure=procedure,
        actor=coordinator,
        coordinator=coordinator,
    )
    journey_move(journey_id=journey.pk, target="booked", actor=coordinator)
    arrival = timezone.localdate() + dt.timedelta(days=3)
    journey_plan_dates(
        journey_id=journey.pk,
        actor=coordinator,
        planned_arrival=arrival,
        planned_procedure=arrival + dt.timedelta(days=1),
        planned_departure=arrival + dt.timedelta(days=7),
    )
    url = page_url(journey).replace("https://crm.example.com", live_server.url)
    url = re.sub(r"^https?://[^/]+", live_server.url, url) + "#travel"

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-GB")
    patient = phone.new_page()
    patient.goto(url)
    expect(patient.get_by_role("heading", name="Your trip checklist")).to_be_visible()
    patient.screenshot(path=str(ARTIFACTS / "travel-checklist-phone.png"), full_page=True)

    flight = patient.locator("#travel-flight_out")
    flight.get_by_label("Flight number").fill("TK 1857")
    flight.get_by_label("Date").fill(arrival.isoformat())
    flight.get_by_label("Time (local)").fill("14:35")
    flight.get_by_label("Arrival airport").fill("IST")
    flight.get_by_role("button", name="Save").tap()
    expect(patient.get_by_text("Saved. Thank you!")).to_be_visible()
    expect(patient.locator("#travel-flight_out summary")).to_contain_text("we are checking it")

    hotel = patient.locator("#travel-hotel")
    hotel.get_by_label("Hotel name").fill("Hotel Marmara")
    hotel.get_by_label("Check-in").fill(arrival.isoformat())
    hotel.get_by_label("Check-out").fill((arrival + dt.timedelta(days=7)).isoformat())
    hotel.get_by_role("button", name="Save").tap()
    expect(patient.get_by_text("Saved. Thank you!")).to_be_visible()
    patient.screenshot(path=str(ARTIFACTS / "travel-checklist-phone-saved.png"), full_page=True)
    phone.close()

    found = {i.kind: i for i in TravelItem.objects.filter(journey=journey)}
    assert (found["flight_out"].status, found["flight_out"].number) == ("given", "TK 1857")
    assert (found["hotel"].status, found["hotel"].name) == ("given", "Hotel Marmara")

    # The coordinator confirms the flight and prints the driver sheet.
    sign_in(page, live_server.url, "carmen")
    page.goto(f"{live_server.url}/journeys/{journey.pk}/#travel")
    row = page.locator(".travel-row", has_text="Outbound flight")
    row.get_by_role("button", name="Confirm").click()
    expect(page.locator(".flash")).to_contain_text("Outbound flight: confirmed by us")
    page.goto(f"{live_server.url}/care/travel/arrivals/?day={arrival.isoformat()}")
    expect(page.get_by_role("cell", name="TK 1857")).to_be_visible()
    expect(page.get_by_text("Hotel Marmara")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "travel-driver-sheet.png"), full_page=True)
