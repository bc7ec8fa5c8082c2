"""The public inquiry form in a real browser, in Spanish, on a phone, with a photo: the
visitor gets the Spanish thanks page, the inquiry is assigned to the coordinator who
speaks Spanish, the photo is on the journey, and the acknowledgment in Spanish, signed by
that coordinator, is sent right after the request."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.core import mail
from playwright.sync_api import Browser, expect

from followups.models import Attachment, CadenceRule, ScheduledMessage
from intake.models import IntakeSubmission
from journeys.models import Journey
from tests.browser.conftest import ARTIFACTS
from tests.intake.conftest import rule_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 2000


@pytest.fixture(autouse=True)
def _defaults(transactional_db: None, settings) -> None:  # type: ignore[no-untyped-def]
    if not CadenceRule.objects.exists():
        importlib.import_module("followups.migrations.0002_default_cadences").create_defaults(
            apps, None
        )
    settings.INTAKE_MIN_FILL_SECONDS = 1


@pytest.fixture
def eager():  # type: ignore[no-untyped-def]
    """The acknowledgment's send task runs in the live server's thread right after commit,
    as a worker would within a second."""
    from crm.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def test_a_visitor_sends_the_form_in_spanish_with_a_photo(
    browser: Browser, live_server, procedure, eager, tmp_path: Path
) -> None:
    mail.outbox.clear()
    carla = rule_for("carla", languages=["es", "en"], first_name="Carla")
    rule_for("hans", languages=["de"])
    photo = tmp_path / "sonrisa.jpg"
    photo.write_bytes(JPEG)

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="es-ES")
    page = phone.new_page()
    page.goto(f"{live_server.url}/inquire/?utm_source=facebook&ref=ANNA-7K2")
    expect(page.get_by_role("heading", name="Envíenos su consulta")).to_be_visible()
    page.get_by_label("Su nombre").fill("Lucía García")
    page.get_by_role("textbox", name="Correo electrónico").fill("lucia@example.es")
    page.get_by_label("Teléfono, con prefijo internacional").fill("+34 612 345 678")
    page.get_by_label("País de residencia").select_option("ES")
    page.get_by_label("Idioma en que le escribimos").select_option("es")
    page.get_by_label("Tratamiento que le interesa").select_option(str(procedure.pk))
    page.get_by_label("Su mensaje").fill("Quisiera un presupuesto para dos implantes.")
    page.get_by_label("Fotos, radiografías").set_input_files(str(photo))
    page.get_by_label("WhatsApp").check()
    page.get_by_label("Acepto que").check()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "intake-form-es-phone.png"), full_page=True)
    page.wait_for_timeout(1100)  # a person takes longer than INTAKE_MIN_FILL_SECONDS
    page.get_by_role("button", name="Enviar mi consulta").click()

    expect(page.get_by_role("heading", name="Gracias")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "intake-thanks-es-phone.png"), full_page=True)
    submission = IntakeSubmission.objects.get()
    assert submission.status == "created", submission.status_reason
    assert (submission.utm_source, submission.referral_code) == ("facebook", "ANNA-7K2")
    assert submission.preferred_channel == "whatsapp"
    journey = Journey.objects.get(patient__email="lucia@example.es")
    assert journey.coordinator_id == carla.user_id
    attachment = Attachment.objects.get(message__journey=journey)
    assert (attachment.filename, attachment.size) == ("sonrisa.jpg", len(JPEG))
    ack = ScheduledMessage.objects.get(journey=journey, rule__key="inquiry_ack")
    assert ack.status == "sent"
    sent = [m for m in mail.outbox if m.to == ["lucia@example.es"]]
    assert len(sent) == 1 and "Carla Tester" in sent[0].body
    phone.close()
