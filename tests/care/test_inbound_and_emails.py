"""A reply saying "I need help" escalates; the comfort email's links open the page; the
migration updates only unedited comfort templates."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps

from care.models import Escalation, EscalationSource
from followups.emails import render_template
from followups.inbound.store import inbound_receive
from followups.models import CadenceRule, MessageTemplate
from followups.tokens import reply_address
from journeys.models import Journey

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INBOUND_ESP = ""


def raw_reply(journey: Journey, body: str, n: int = 1) -> bytes:
    return (
        f"From: {journey.patient.full_name} <{journey.patient.email}>\r\n"
        f"To: <{reply_address(journey.pk)}>\r\n"
        f"Subject: Re: Wie geht es Ihnen heute?\r\n"
        f"Message-ID: <reply-{n}@example.de>\r\n"
        "Date: Mon, 30 Nov 2026 10:00:00 +0100\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}\r\n"
    ).encode()


@pytest.mark.parametrize(
    "body",
    ["Ich brauche Hilfe, die Schwellung wird schlimmer.", "I need help", "Necesito ayuda"],
)
def test_a_help_reply_opens_an_escalation(journey, body: str) -> None:
    result = inbound_receive(raw=raw_reply(journey, body), source="test")
    assert result.journey_id == journey.pk
    escalation = Escalation.objects.get(journey=journey)
    assert escalation.source == EscalationSource.EMAIL


def test_an_ordinary_reply_does_not_escalate(journey) -> None:
    inbound_receive(raw=raw_reply(journey, "Alles gut, danke!"), source="test")
    assert not Escalation.objects.exists()
    journey.refresh_from_db()
    assert journey.awaiting_reply_since is not None  # still a reply waiting, as before


def test_the_comfort_email_links_open_the_page_with_the_answer_chosen(
    defaults, journey, client
) -> None:
    for language in ("en", "es", "de"):
        template = MessageTemplate.objects.get(key="procedure_comfort", language=language)
        rendered = render_template(template, journey=journey)
        for answer in ("fine", "question", "help"):
            assert f"?answer={answer}#checkin" in rendered.text
            assert f"?answer={answer}#checkin" in rendered.html
    template = MessageTemplate.objects.get(key="procedure_comfort", language="de")
    text = render_template(template, journey=journey).text
    link = next(line.split(": ", 1)[1] for line in text.splitlines() if "answer=help" in line)
    response = client.get(link.replace("https://crm.example.com", ""))
    assert response.status_code == 200
    assert 'value="help" required checked' in response.content.decode()


def test_the_migration_updates_unedited_defaults_only(defaults) -> None:
    migration = importlib.import_module("followups.migrations.0010_care_links_comfort")
    old = migration.OLD_COMFORT
    MessageTemplate.objects.filter(key="procedure_comfort", language="en").update(**old["en"])
    MessageTemplate.objects.filter(key="procedure_comfort", language="es").update(
        **{**old["es"], "subject": "Edited by the clinic"}
    )
    CadenceRule.objects.filter(key="procedure_comfort").update(repeat_until="", max_occurrences=30)
    migration.forwards(apps, None)
    en = MessageTemplate.objects.get(key="procedure_comfort", language="en")
    es = MessageTemplate.objects.get(key="procedure_comfort", language="es")
    assert "links.checkin_help" in en.text
    assert es.subject == "Edited by the clinic" and "links.checkin_help" not in es.text
    rule = CadenceRule.objects.get(key="procedure_comfort")
    assert (rule.repeat_until, rule.max_occurrences) == ("planned_departure", 14)


def test_templates_may_use_the_page_links_and_validation_knows_them(db) -> None:
    from django.core.exceptions import ValidationError

    from followups.services import template_save

    saved = template_save(
        key="care_test",
        language="en",
        subject="Your page",
        text="Open {{ links.page }} or tap {{ links.checkin_help }}",
        html='<a href="{{ links.checkin_fine }}">fine</a>',
    )
    assert saved.pk
    with pytest.raises(ValidationError):
        template_save(
            key="care_test2", language="en", subject="x", text="{{ links.pgae }}", html="x"
        )
