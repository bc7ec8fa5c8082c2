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
