"""The coordinators' dashboard in a real browser: sign in, My day, the patient page, the
board's drag and drop, and access control."""

from __future__ import annotations

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import Page, expect

from followups.models import CadenceRule
from journeys.models import Journey, Stage
from journeys.services import journey_create
from tests.conftest import make_patient

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed data; serialized_rollback puts the data migrations'
    # rows (roles, cadences, templates) back after the flush, for the tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _cadences(transactional_db: None) -> None:
    if not CadenceRule.objects.exists():
        importlib.import_module("followups.migrations.0002_default_cadences").create_defaults(
            apps, None
        )


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(f"pw-{username}")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My day")).to_be_visible()


def new_inquiry(procedure, coordinator, name: str, hours_ago: int = 5) -> Journey:
    return journey_create(
        patient=make_patient(full_name=name),
        procedure=procedure,
        actor=coordinator,
        coordinator=coordinator,
        inquiry_received_at=timezone.now() - dt.timedelta(hours=hours_ago),
    )


def drag(page: Page, card, column) -> None:
    """Drag with real mouse steps, as a person does (SortableJS listens to them)."""
    card.scroll_into_view_if_needed()
    box = card.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 12)
    page.mouse.down()
    target = column.bounding_box()
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + 30, steps=12)
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + 34, steps=3)
    page.mouse.up()


def test_sign_in_and_my_day_lists_the_unanswered_inquiry(
    page: Page, live_server, coordinator, procedure, shot
):
    journey = new_inquiry(procedure, coordinator, "Lena Vogel", hours_ago=26)
    sign_in(page, live_server.url, "carmen")
    assert page.url == f"{live_server.url}/"
    section = page.locator("#unanswered")
    expect(section.get_by_role("link", name="Lena Vogel")).to_be_visible()
    expect(section.locator("time.clock")).to_have_text(re.compile(r"1 d 2 h"))
    shot("my-day")

    section.get_by_role("link", name="Lena Vogel").click()
    expect(page).to_have_url(f"{live_server.url}/journeys/{journey.pk}/")
    expect(page.get_by_role("heading", name="Lena Vogel", exact=True)).to_be_visible()
    expect(page.get_by_text("Patient's time now")).to_be_visible()
    shot("patient")


def test_send_a_reply_and_see_it_in_the_timeline(
    page: Page, live_server, coordinator, procedure, shot
):
    journey = new_inquiry(procedure, coordinator, "Jonas Weber")
    sign_in(page, live_server.url, "carmen")
    page.goto(f"{live_server.url}/journeys/{journey.pk}/")
    page.get_by_label("Subject").fill("Your treatment plan")
    page.get_by_label("Text").fill("Dear Jonas,\n\nthank you for your photos. Here is the plan.")
    page.get_by_role("button", name="Send email").click()
    expect(page.get_by_role("status")).to_contain_text("Email sent")
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("Your treatment plan")
    expect(timeline).to_contain_text("thank you for your photos")
    shot("patient-after-reply")


def test_reply_form_shows_field_errors(page: Page, live_server, coordinator, procedure, shot):
    journey = new_inquiry(procedure, coordinator, "Empty Reply")
    sign_in(page, live_server.url, "carmen")
    page.goto(f"{live_server.url}/journeys/{journey.pk}/")
    page.get_by_role("button", name="Send email").click()
    expect(page.locator("#reply .errorlist").first).to_contain_text("Write a subject")
    shot("patient-reply-errors")


def test_log_a_call(page: Page, live_server, coordinator, procedure, shot):
    journey = new_inquiry(procedure, coordinator, "Call Me")
    sign_in(page, live_server.url, "carmen")
    page.goto(f"{live_server.url}/journeys/{journey.pk}/")
    page.get_by_text("Log a call, WhatsApp or meeting").click()
    log = page.locator("#log")
    log.get_by_label("Kind").select_option("call")
    log.get_by_label("Minutes").fill("14")
    log.get_by_label("What was said").fill("Explained the costs; she will send X-rays.")
    log.get_by_role("button", name="Log it").click()
    expect(page.get_by_role("status")).to_contain_text("Call logged")
    item = page.locator(".tl-interaction").first
    expect(item).to_contain_text("Call")
    expect(item).to_contain_text("14 min")
    expect(item).to_contain_text("Explained the costs")
    shot("patient-after-call")


def test_drag_a_card_from_inquiry_to_booked_plans_its_check_ins(
    page: Page, live_server, coordinator, procedure, shot
):
    journey = new_inquiry(procedure, coordinator, "Drag Booked")
    sign_in(page, live_server.url, "carmen")
    page.goto(f"{live_server.url}/board/")
    shot("board")
    card = page.locator(f'.board-card[data-journey="{journey.pk}"]')
    expect(card).to_have_attribute("data-stage", "inquiry")
    drag(page, card, page.locator('ol.cards[data-stage="booked"]'))
    expect(page.locator("#board-status")).to_contain_text("moved to booked")
    moved = page.locator(f'ol.cards[data-stage="booked"] .board-card[data-journey="{journey.pk}"]')
    expect(moved).to_be_visible()
    expect(moved).to_have_attribute("data-stage", "booked")
    expect(page.locator('[data-count-for="booked"]')).to_have_text("1")
    expect(page.locator('[data-count-for="inquiry"]')).to_have_text("0")
    # The new card shows its next scheduled check-in.
    expect(moved.locator('[title="Next scheduled check-in"]')).to_be_visible()
    shot("board-after-move")
    assert Journey.objects.get(pk=journey.pk).stage == Stage.BOOKED

    moved.get_by_role("link", name="Drag Booked").click()
    checkins = page.locator("#checkins")
    expect(checkins.locator("li").first).to_be_visible()
    expect(checkins).to_contain_text("Booked")
    shot("patient-check-ins")


def test_a_disallowed_drag_snaps_back_with_the_service_message(
    page: Page, live_server, coordinator, procedure, shot
):
    journey = new_inquiry(procedure, coordinator, "Too Fast")
    sign_in(page, live_server.url, "carmen")
    page.goto(f"{live_server.url}/board/")
    card = page.locator(f'.board-card[data-journey="{journey.pk}"]')
    drag(page, card, page.locator('ol.cards[data-stage="procedure"]'))
    status = page.locator("#board-status")
    expect(status).to_contain_text("cannot move to procedure")
    expect(status).to_contain_text("Allowed: booked")
    expect(
        page.locator(f'ol.cards[data-stage="inquiry"] .board-card[data-journey="{journey.pk}"]')
    ).to_be_visible()
    expect(page.locator('ol.cards[data-stage="procedure"] .board-card')).to_have_count(0)
    shot("board-refused-move")
    assert Journey.objects.get(pk=journey.pk).stage == Stage.INQUIRY


def test_a_coordinator_cannot_open_another_coordinators_patient(
    page: Page, live_server, coordinator, other_coordinator, procedure, shot
):
    theirs = new_inquiry(procedure, other_coordinator, "Not Yours")
    sign_in(page, live_server.url, "carmen")
    expect(page.get_by_text("Not Yours")).to_have_count(0)
    response = page.goto(f"{live_server.url}/journeys/{theirs.pk}/")
    assert response is not None and response.status == 404
    response = page.goto(f"{live_server.url}/patients/{theirs.patient_id}/")
    assert response is not None and response.status == 404
    page.goto(f"{live_server.url}/search/?q=Not+Yours")
    expect(page.get_by_text("No patient matches")).to_be_visible()
    shot("search-other-coordinators-patient")


def test_the_other_pages_render(page: Page, live_server, coordinator, procedure, shot):
    new_inquiry(procedure, coordinator, "Search Me")
    sign_in(page, live_server.url, "carmen")
    page.get_by_role("searchbox", name="Search patients").fill("Search")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Search Me")).to_be_visible()
    shot("search")
    page.get_by_role("link", name="Inbox").click()
    expect(page.get_by_text("The inbox is empty.")).to_be_visible()
    shot("inbox")
    page.goto(f"{live_server.url}/journeys/new/")
    page.get_by_role("button", name="Create the inquiry").click()
    expect(page.locator(".field-email .errorlist")).to_contain_text("This field is required.")
    shot("new-inquiry-errors")


def test_dropping_on_lost_asks_for_the_reason(
    page: Page, live_server, coordinator, procedure, shot
):
    journey = new_inquiry(procedure, coordinator, "Went Elsewhere")
    sign_in(page, live_server.url, "carmen")
    page.goto(f"{live_server.url}/board/")
    card = page.locator(f'.board-card[data-journey="{journey.pk}"]')
    drag(page, card, page.locator('ol.cards[data-stage="lost"]'))
    dialog = page.locator("#move-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Lost reason").select_option("competitor")
    dialog.get_by_label("Reason", exact=True).fill("Chose a clinic closer to home.")
    shot("board-lost-dialog")
    dialog.get_by_role("button", name="Move").click()
    expect(page.locator("#board-status")).to_contain_text("marked lost")
    expect(page.locator(f'.board-card[data-journey="{journey.pk}"]')).to_have_count(0)
    journey.refresh_from_db()
    assert journey.outcome == "lost" and journey.lost_reason == "competitor"
