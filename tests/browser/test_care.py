"""The patient's page on a phone: from the comfort email to "I need help now", to the top
of the coordinator's My day, to the managers when nobody acknowledges (clock pinned)."""

from __future__ import annotations

import datetime as dt
import importlib
import re
import time
from unittest import mock

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from care.models import CheckIn, Escalation
from care.services import care_dispatch_due
from care.tokens import page_token
from followups.models import CadenceRule, ScheduledMessage, Status
from followups.services import message_send_scheduled
from journeys.services import journey_create, journey_move, journey_plan_dates
from tests.browser.conftest import ARTIFACTS
from tests.conftest import make_patient

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Test artifacts (gitignored); docs/screenshots/care-page-phone.png is a copy of the first.
SCREENSHOTS = ARTIFACTS
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _defaults(transactional_db: None, settings) -> None:  # type: ignore[no-untyped-def]
    if not CadenceRule.objects.exists():
        importlib.import_module("followups.migrations.0002_default_cadences").create_defaults(
            apps, None
        )
    importlib.import_module("followups.migrations.0010_care_links_comfort").forwards(apps, None)
    settings.COMPANY_PHONE = "+90 212 555 0100"
    settings.COMPANY_EMERGENCY_PHONE = "+90 212 555 0199"


@pytest.fixture
def eager():  # type: ignore[no-untyped-def]
    """The coordinator's notice task runs in the live server's thread right after commit,
    as a worker would within a second."""
    from crm.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(f"pw-{username}")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My day")).to_be_visible()


def procedure_journey(procedure, coordinator, name: str, language: str = "en"):  # type: ignore[no-untyped-def]
    journey = journey_create(
        patient=make_patient(full_name=name, preferred_language=language, phone="+44 7700 900123"),
        procedure=procedure,
        actor=coordinator,
        coordinator=coordinator,
    )
    entered = timezone.now() - dt.timedelta(days=1, hours=1)
    today = timezone.localdate()
    journey_plan_dates(
        journey_id=journey.pk,
        actor=coordinator,
        planned_arrival=today - dt.timedelta(days=3),
        planned_procedure=today - dt.timedelta(days=2),
        planned_departure=today + dt.timedelta(days=4),
    )
    for stage in ("booked", "arrival", "procedure"):
        journey = journey_move(journey_id=journey.pk, target=stage, actor=coordinator, at=entered)
    return journey


def staff_mail() -> list[list[str]]:
    return [m.to for m in mail.outbox if m.to[0].endswith("@clinic.example")]


def comfort_email(journey):  # type: ignore[no-untyped-def]
    row = ScheduledMessage.objects.filter(journey=journey, rule__key="procedure_comfort").first()
    ScheduledMessage.objects.filter(pk=row.pk).update(status=Status.CLAIMED)
    assert message_send_scheduled(scheduled_message_id=row.pk) == "sent"
    return mail.outbox[-1]


def test_patient_taps_help_on_a_phone_and_it_reaches_my_day_then_the_managers(
    browser: Browser, page: Page, live_server, coordinator, manager, procedure, eager, shot
) -> None:
    mail.outbox.clear()
    coordinator.first_name, coordinator.last_name = "Carmen", "Ortega"
    coordinator.save()
    journey = procedure_journey(procedure, coordinator, "Emily Carter")
    email = comfort_email(journey)
    help_link = re.search(r"https?://\S+answer=help#checkin", email.body).group(0)
    url = help_link.replace("https://crm.example.com", live_server.url).replace(
        "http://127.0.0.1:8000", live_server.url
    )

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-GB")
    patient = phone.new_page()
    patient.goto(url)
    # The link only chose the answer: nothing is recorded until the tap.
    expect(patient.get_by_label("I need help now")).to_be_checked()
    assert not CheckIn.objects.exists() and not Escalation.objects.exists()
    patient.get_by_label("Pain today").select_option("8")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    patient.screenshot(path=str(SCREENSHOTS / "care-page-phone.png"), full_page=True)
    patient.get_by_role("button", name="Send my answer").click()
    expect(patient.get_by_role("alert")).to_contain_text("Help is on its way")
    expect(patient.get_by_role("status")).to_contain_text("Your answer was recorded")
    patient.screenshot(path=str(SCREENSHOTS / "care-page-phone-sent.png"), full_page=True)
    phone.close()

    escalation = Escalation.objects.get(journey=journey)
    assert escalation.pain == 8
    # The coordinator's notice left right after the tap (the task ran on commit).
    assert staff_mail() == [[coordinator.email]]

    sign_in(page, live_server.url, "carmen")
    first_section = page.locator(".myday > section").first
    expect(first_section).to_have_id("needs-help")
    expect(first_section.get_by_role("link", name="Emily Carter")).to_be_visible()
    expect(first_section.locator("time.clock")).to_have_text(re.compile(r"\d+ min"))
    shot("care-my-day-needs-help")

    # Nobody acknowledges. At the deadline (clock pinned), the beat tick tells the managers.
    care_dispatch_due(now=escalation.deadline_at - dt.timedelta(seconds=1), send_inline=True)
    assert manager.email not in [m.to[0] for m in mail.outbox]
    care_dispatch_due(now=escalation.deadline_at, send_inline=True)
    assert staff_mail() == [[coordinator.email], [manager.email]]
    assert "Not acknowledged" in mail.outbox[-1].subject

    # Now the coordinator acknowledges, then resolves with a note.
    first_section.get_by_role("button", name="Acknowledge").click()
    expect(page.locator("#needs-help")).to_contain_text("acknowledged by carmen")
    page.locator("#needs-help").get_by_label("What was done").fill("Called; doctor on the way")
    page.locator("#needs-help").get_by_role("button", name="Resolve").click()
    expect(page.locator("#needs-help")).to_have_count(0)
    escalation.refresh_from_db()
    assert escalation.resolution == "Called; doctor on the way"


@pytest.mark.parametrize("kind", ["forged", "expired", "other-journey", "revoked"])
def test_a_bad_link_shows_nothing_and_changes_nothing(
    browser: Browser, live_server, coordinator, procedure, kind: str
) -> None:
    journey = procedure_journey(procedure, coordinator, "Lena Vogel")
    token = page_token(journey.pk, 0)
    if kind == "forged":
        token = token[:-4] + ("abcd" if not token.endswith("abcd") else "dcba")
    elif kind == "expired":
        old = time.time() - (settings.CARE_LINK_MAX_AGE_DAYS + 1) * 86400
        with mock.patch("django.core.signing.time.time", return_value=old):
            token = page_token(journey.pk, 0)
    elif kind == "other-journey":
        # A valid link of another journey, its journey id swapped for this one's: the
        # signature no longer matches.
        other = procedure_journey(procedure, coordinator, "Max Braun")
        _, _, signed = page_token(other.pk, 0).partition(":")
        token = f"{journey.pk}.0:{signed}"
    else:
        token = page_token(journey.pk, 7)  # an older or newer link version
    phone = browser.new_context(viewport=PHONE, is_mobile=True)
    patient = phone.new_page()
    response = patient.goto(f"{live_server.url}/care/{token}/?answer=help")
    assert response is not None and response.status == 404
    expect(patient.get_by_role("alert")).to_contain_text("not valid")
    expect(patient.get_by_text("Lena")).to_have_count(0)
    expect(patient.get_by_text("Max")).to_have_count(0)
    expect(patient.get_by_role("button")).to_have_count(0)
    phone.close()
    assert not CheckIn.objects.exists()
