"""The satisfaction survey on a phone: the email's link, five stars, a testimonial with
consent, the referral link copied; a second patient's two stars reach the manager's My day
as a service-recovery case. Also writes the README's screenshots (test artifacts; the
copies in docs/screenshots/ are taken from here)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from feedback.models import RecoveryCase, SurveyAnswer
from feedback.models import Testimonial as Words
from followups.emails import links_for
from followups.models import CadenceRule
from journeys.services import journey_move
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_care import PHONE, procedure_journey

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _defaults(transactional_db: None, settings) -> None:  # type: ignore[no-untyped-def]
    if not CadenceRule.objects.exists():
        importlib.import_module("followups.migrations.0002_default_cadences").create_defaults(
            apps, None
        )
    importlib.import_module("followups.migrations.0011_satisfaction_reminder").forwards(apps, None)
    settings.COMPANY_PHONE = "+90 212 555 0100"


def in_followup(procedure, coordinator, name: str):  # type: ignore[no-untyped-def]
    journey = procedure_journey(procedure, coordinator, name)
    return journey_move(journey_id=journey.pk, target="followup", actor=coordinator)


def survey_link(journey, live_server) -> str:  # type: ignore[no-untyped-def]
    link = links_for(journey)["survey"]
    return live_server.url + link[link.index("/survey/") :]


def answer(patient: Page, stars: int, nps: int, aspects: int) -> None:
    patient.locator(f'fieldset.stars label[for="s{stars}"]').click()
    patient.locator(f'label.pill:has(input[value="{nps}"])').click()
    for field in ("coordinator_rating", "clinic_rating", "logistics_rating"):
        patient.locator(f'label[for="{field}{aspects}"]').click()


def test_five_stars_testimonial_referral_then_two_stars_reach_the_manager(
    browser: Browser, page: Page, live_server, coordinator, manager, procedure
) -> None:
    happy = in_followup(procedure, coordinator, "Emily Carter")
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-GB")
    phone.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    patient = phone.new_page()
    patient.goto(survey_link(happy, live_server))
    expect(patient.get_by_text("Overall, how was your experience?")).to_be_visible()
    assert not SurveyAnswer.objects.exists()  # opening the link records nothing
    answer(patient, 5, 10, 5)
    patient.get_by_label("What went well? (optional)").fill("Everyone was so kind.")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    patient.screenshot(path=str(ARTIFACTS / "feedback-survey-phone.png"), full_page=True)
    patient.get_by_role("button", name="Send my answer").click()
    expect(patient.get_by_role("heading", name="Thank you!")).to_be_visible()
    assert SurveyAnswer.objects.get(journey=happy).stars == 5

    patient.get_by_label("my first name and country").check()
    patient.locator('input[name="consent"]').check()
    patient.get_by_role("button", name="Share my words").click()
    expect(patient.get_by_role("status")).to_contain_text("Thank you for your words")
    testimonial = Words.objects.get(journey=happy)
    assert testimonial.text == "Everyone was so kind." and testimonial.consent_version

    copy = patient.get_by_role("button", name="Copy link")
    link = patient.locator("#referral-link").input_value()
    assert "/r/" in link
    copy.click()
    expect(patient.get_by_role("button", name="Copied")).to_be_visible()
    assert patient.evaluate("navigator.clipboard.readText()") == link
    patient.screenshot(path=str(ARTIFACTS / "feedback-thanks-phone.png"), full_page=True)

    unhappy = in_followup(procedure, coordinator, "Jonas Weber")
    patient.goto(survey_link(unhappy, live_server))
    answer(patient, 2, 3, 3)
    better = patient.get_by_label("What could we do better? (optional)")
    better.fill("Nobody met me at the airport.")
    patient.get_by_role("button", name="Send my answer").click()
    expect(patient.get_by_role("heading", name="Thank you!")).to_be_visible()
    expect(patient.get_by_role("button", name="Share my words")).to_have_count(0)
    phone.close()
    assert RecoveryCase.objects.filter(journey=unhappy).exists()

    # The manager (signed in with the second factor done, as tests/conftest.py's client).
    staff = Client()
    staff.force_login(manager)
    page.context.add_cookies(
        [{"name": "sessionid", "value": staff.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/")
    section = page.locator("#recovery")
    expect(section).to_contain_text("Jonas Weber")
    expect(section).to_contain_text("Nobody met me at the airport.")
    expect(section).not_to_contain_text("Emily Carter")
    page.screenshot(path=str(ARTIFACTS / "feedback-my-day.png"), full_page=True)
    page.goto(f"{live_server.url}/reports/satisfaction/")
    expect(page.get_by_role("heading", name="Survey answers", exact=True)).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "feedback-report.png"), full_page=True)
