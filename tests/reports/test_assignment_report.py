"""The Assignment report (reports/assignment.py): assignments by the rules and by hand,
the team queue, and each coordinator's first-answer time, on the page and in its CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone

from crm.models import Procedure
from journeys.services import interaction_log, journey_assign, journey_create
from reports.assignment import assignment_report
from reports.params import parse_params
from tests.conftest import make_patient
from tests.intake.conftest import rule_for

pytestmark = pytest.mark.django_db


def test_assignments_and_first_answer_per_coordinator(
    client: Client, procedure: Procedure, manager, clock
) -> None:
    carla = rule_for("carla", languages=["es"], first_name="Carla")
    rule_for("hans", languages=["de"], first_name="Hans")
    start = timezone.now()
    spanish = [
        journey_create(
            patient=make_patient(preferred_language="es"), procedure=procedure, actor=None
        )
        for _ in range(2)
    ]
    german = journey_create(
        patient=make_patient(preferred_language="de"), procedure=procedure, actor=None
    )
    journey_create(patient=make_patient(preferred_language="fr"), procedure=procedure, actor=None)
    journey_assign(journey_id=german.pk, coordinator=carla.user, actor=manager)  # by hand
    # Carla answers the first after one hour, the second after three.
    interaction_log(
        journey_id=spanish[0].pk,
        kind="call",
        summary="Called.",
        by=carla.user,
        occurred_at=start + dt.timedelta(hours=1),
    )
    interaction_log(
        journey_id=spanish[1].pk,
        kind="email",
        summary="Wrote.",
        by=carla.user,
        occurred_at=start + dt.timedelta(hours=3),
    )
    report = assignment_report(parse_params({}))
    rows = {g.label: g.current for g in report.groups}
    carla_row, hans_row = rows["Carla Tester"], rows["Hans Tester"]
    assert (carla_row.automatic, carla_row.by_hand) == (2, 1)
    assert (hans_row.automatic, hans_row.by_hand) == (1, 0)
    assert report.team_queue == 1  # the French patient: nobody speaks French
    assert (carla_row.inquiries, carla_row.answered) == (3, 2)
    assert carla_row.median == pytest.approx(2 * 3600, abs=5)
    assert hans_row.inquiries == 0  # his one inquiry was moved to Carla by hand
    assert rows["Unassigned"].inquiries == 1

    client.force_login(manager)
    page = client.get("/reports/assignment/")
    assert page.status_code == 200
    assert "Assignments and first answer by coordinator" in page.content.decode()
    response = client.get("/reports/assignments.csv")
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines[0][:3] == ["Coordinator", "Assigned automatically", "Assigned by hand"]
    carla_line = next(line for line in lines if line[0] == "Carla Tester")
    assert carla_line[1:5] == ["2", "1", "3", "2"]
    assert client.get("/reports/assignment/?from=nope").status_code == 400
