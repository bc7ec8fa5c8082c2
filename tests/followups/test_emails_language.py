"""Templates render in the patient's language, month names included."""

from __future__ import annotations

import datetime as dt

import pytest

from followups.emails import render_template
from followups.models import MessageTemplate

pytestmark = pytest.mark.django_db


def test_month_names_follow_the_template_language(journey):
    journey.planned_arrival = dt.date(2027, 3, 4)
    template = MessageTemplate(
        key="probe",
        language="es",
        subject="Llegada",
        text='Llega el {{ journey.planned_arrival|date:"j F Y" }}.',
        html="<p>x</p>",
    )
    assert render_template(template, journey=journey).text.strip() == "Llega el 4 marzo 2027."
    template.language = "de"
    template.text = 'Ankunft am {{ journey.planned_arrival|date:"j. F Y" }}.'
    assert render_template(template, journey=journey).text.strip() == "Ankunft am 4. März 2027."


@pytest.mark.parametrize(
    ("language", "team", "coordinator_words"),
    [
        ("en", "This is the care team at", ["My name is", "I'll be your coordinator"]),
        ("es", "Le escribe el equipo", ["Me llamo", "escribirme"]),
        ("de", "Hier schreibt Ihnen das Betreuungsteam", ["Ich bin", "erreichen mich"]),
    ],
)
def test_an_unassigned_inquiry_is_acknowledged_by_the_team(
    journey, language, team, coordinator_words
):
    template = MessageTemplate.objects.get(key="inquiry_ack", language=language)
    journey.patient.preferred_language = language
    assigned = render_template(template, journey=journey)
    assert coordinator_words[0] in assigned.text
    journey.coordinator = None
    for body in (render_template(template, journey=journey).text,):
        assert team in body
        assert "care team, and" not in body and "Clinic Care care team" not in body
        for words in coordinator_words:
            assert words not in body
    html = render_template(template, journey=journey).html
    assert team in html and coordinator_words[0] not in html


def test_the_migration_updates_only_unedited_acknowledgments(monkeypatch):
    import hashlib
    import importlib

    from django.apps import apps

    from followups.default_content import TEMPLATES

    migration = importlib.import_module("followups.migrations.0009_ack_without_coordinator")
    en, es = (
        MessageTemplate.objects.get(key="inquiry_ack", language=lang) for lang in ["en", "es"]
    )
    en.text, en.html = "Old default text", "<p>Old default html</p>"
    en.save()
    es.text = "Edited by the clinic"
    es.save()

    def sha(text):
        return hashlib.sha256(text.encode()).hexdigest()

    monkeypatch.setattr(
        migration,
        "PREVIOUS",
        {"en": (sha(en.text), sha(en.html)), "es": (sha("Old es"), sha(es.html))},
    )
    migration.update_unedited(apps, None)
    en.refresh_from_db()
    es.refresh_from_db()
    assert en.text == TEMPLATES["inquiry_ack"]["en"]["text"]
    assert es.text == "Edited by the clinic"
