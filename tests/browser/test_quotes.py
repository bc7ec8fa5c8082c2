"""Quote versus final bill in a real browser: the coordinator builds and sends a quote, the
patient accepts it on a phone; at arrival a changed bill holds the move to procedure until
the patient confirms on their phone "I have been told and I agree".

docs/screenshots/quote-phone.png, bill-phone.png and quote-bill-journey.png are copies of
this test's artifacts (test-artifacts/screenshots/).
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from care.models import Bill, Quote
from journeys.models import Journey
from journeys.services import journey_create, journey_move
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_care import PHONE, sign_in
from tests.conftest import make_patient

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _link(base: str) -> str:
    body = mail.outbox[-1].body
    link = re.search(r"https?://\S+/care/\S+#quote", body).group(0)  # type: ignore[union-attr]
    return re.sub(r"^https?://[^/]+", base, link)


def test_quote_accepted_on_a_phone_and_a_changed_bill_waits_for_the_patient(
    browser: Browser, page: Page, live_server, coordinator, procedure, shot
) -> None:
    mail.outbox.clear()
    journey = journey_create(
        patient=make_patient(full_name="Emily Carter", preferred_language="en", country="GB"),
        procedure=procedure,
        actor=coordinator,
        coordinator=coordinator,
    )
    sign_in(page, live_server.url, "carmen")
    page.goto(f"{live_server.url}/journeys/{journey.pk}/")
    card = page.locator("#quote")
    card.get_by_text("Build a quote").click()
    rows = [
        ("procedure", "Dental implants surgery", "1", "2000"),
        ("extra", "Implants", "4", "450"),
        ("hotel", "Hotel nights", "6", "60"),
    ]
    for number, (kind, text, quantity, price) in enumerate(rows, start=1):
        card.get_by_label(f"Kind of quote line {number}", exact=True).select_option(kind)
        card.get_by_label(f"Quote line {number}", exact=True).fill(text)
        card.get_by_label(f"Quantity of quote line {number}", exact=True).fill(quantity)
        card.get_by_label(f"Unit price of quote line {number}", exact=True).fill(price)
    expect(card.get_by_label("Patient's currency")).to_have_value("GBP")  # from the country
    card.get_by_label("Rate (1 EUR = ?)").fill("0.86")
    card.get_by_label("Not included", exact=True).fill("Flights")
    card.get_by_role("button", name="Save quote v1").click()
    expect(page.locator(".flash-success")).to_contain_text("Quote v1 saved (4160.00 EUR)")
    page.locator("#quote").get_by_role("button", name="Send to the patient").click()
    expect(page.locator(".flash-success")).to_contain_text("Quote v1 emailed")
    assert "Your quote" in mail.outbox[-1].subject

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-GB")
    patient = phone.new_page()
    patient.goto(_link(live_server.url))
    quote_card = patient.locator("section#quote")
    expect(quote_card).to_contain_text("4160.00 EUR")
    expect(quote_card).to_contain_text("about 3577.60 GBP")
    patient.screenshot(path=str(ARTIFACTS / "quote-phone.png"), full_page=True)
    quote_card.get_by_role("button", name="I accept this quote").click()
    expect(patient.get_by_role("status")).to_contain_text("your acceptance is recorded")
    journey.refresh_from_db()
    assert journey.stage == "booked" and Quote.objects.get().status == "accepted"

    # Arrival: the clinic bills a fifth implant and a CT scan the quote did not have.
    journey_move(journey_id=journey.pk, target="arrival", actor=coordinator)
    page.goto(f"{live_server.url}/journeys/{journey.pk}/")
    card = page.locator("#quote")
    card.get_by_text("Record the clinic's final bill").click()
    card.get_by_label("Quantity of bill line 2", exact=True).fill("5")
    card.get_by_label("Reason for bill line 2", exact=True).fill("Bone loss seen on the scan.")
    card.get_by_label("Kind of row 4", exact=True).select_option("tests")
    card.get_by_label("Bill line 4", exact=True).fill("CT scan")
    card.get_by_label("Quantity of bill line 4", exact=True).fill("1")
    card.get_by_label("Unit price of bill line 4", exact=True).fill("150")
    card.get_by_label("Reason for bill line 4", exact=True).fill("The surgeon asked for it.")
    card.get_by_role("button", name="Save the final bill").click()
    expect(page.locator(".flash-success")).to_contain_text("Final bill recorded: 4760.00 EUR")
    expect(page.locator("#quote [data-variance]")).to_contain_text("+600.00 (+14.4 %)")
    expect(page.locator("#quote")).to_contain_text("Waiting for the patient")
    page.locator("#quote").screenshot(path=str(ARTIFACTS / "quote-bill-journey.png"))

    page.get_by_role("button", name="Move to procedure").click()
    expect(page.locator(".flash-error")).to_contain_text("cannot move to procedure yet")
    assert Journey.objects.get(pk=journey.pk).stage == "arrival"

    patient.goto(_link(live_server.url))
    bill_card = patient.locator("section#bill")
    expect(bill_card).to_contain_text("Bone loss seen on the scan.")
    patient.screenshot(path=str(ARTIFACTS / "bill-phone.png"), full_page=True)
    bill_card.get_by_role("button", name="I have been told and I agree").click()
    expect(patient.get_by_role("status")).to_contain_text("your confirmation is recorded")
    assert Bill.objects.get().acknowledged_at is not None
    phone.close()

    page.reload()
    expect(page.locator("#quote")).to_contain_text("Patient agreed")
    page.get_by_role("button", name="Move to procedure").click()
    expect(page.locator(".flash-success")).to_contain_text("moved to procedure")
    assert Journey.objects.get(pk=journey.pk).stage == "procedure"
