"""The Satisfaction report against a recount of the rows, its CSVs and its API."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback import services
from feedback.models import ReviewSite, SurveyAnswer
from followups.models import ScheduledMessage, Status
from journeys.services import journey_create
from reports.params import parse_params
from reports.satisfaction import satisfaction_report
from tests.conftest import make_patient
from tests.feedback.conftest import in_followup

pytestmark = pytest.mark.django_db

RANGE = {"from": "2026-06-01", "to": "2026-06-30"}


def answer(journey, stars: int, nps: int, aspects: int = 4) -> None:
    services.survey_submit(
        journey_id=journey.pk,
        stars=stars,
        nps=nps,
        coordinator_rating=aspects,
        clinic_rating=aspects,
        logistics_rating=aspects,
    )


@pytest.fixture
def answered(defaults, procedure, coordinator, manager, clinic):
    journeys = []
    for _ in range(5):
        j = journey_create(
            patient=make_patient(),
            procedure=procedure,
            actor=coordinator,
            coordinator=coordinator,
            inquiry_received_at=timezone.now() - dt.timedelta(days=30),
        )
        journeys.append(in_followup(j, coordinator))
    # Four surveys were sent; three journeys answered (one answered without being sent).
    ScheduledMessage.objects.filter(
        journey__in=journeys[:4], rule__key="satisfaction_request"
    ).update(status=Status.SENT, sent_at=timezone.now())
    answer(journeys[0], 5, 10, 5)
    answer(journeys[1], 5, 9, 5)
    answer(journeys[2], 2, 3, 3)
    answer(journeys[4], 4, 7)
    site = ReviewSite.objects.create(clinic=clinic, name="Google", url="https://g.example")
    services.review_click_record(journey_id=journeys[0].pk, site_id=site.pk)
    services.testimonial_give(
        journey_id=journeys[0].pk, text="Great", publish_as="anonymous", consent=True
    )
    friend = journey_create(
        patient=make_patient(),
        procedure=procedure,
        actor=coordinator,
        coordinator=coordinator,
        inquiry_received_at=timezone.now(),
    )
    code = journeys[0].patient.referral_code.code
    services.referral_attribute(journey_id=friend.pk, code=code, channel="staff")
    services.recovery_resolve(
        journey_id=journeys[2].pk, outcome="satisfied", note="", actor=manager
    )
    return journeys


def test_report_matches_a_recount(answered) -> None:
    report = satisfaction_report(parse_params({**RANGE, "group_by": "clinic"}))
    t = report.total
    answers = list(SurveyAnswer.objects.all())
    assert t.asked == 4 and t.answered == 3 and t.response_rate == 0.75
    assert t.responses == len(answers) == 4
    assert t.stars == [sum(1 for a in answers if a.stars == n) for n in range(1, 6)]
    assert t.average_stars == sum(a.stars for a in answers) / 4
    promoters = sum(1 for a in answers if a.nps >= 9)
    detractors = sum(1 for a in answers if a.nps <= 6)
    assert t.nps == (promoters - detractors) / 4
    assert [g.current.responses for g in report.groups] == [4]
    assert report.asks[0].testimonials == 1 and report.asks[0].review_clicks == 1
    assert [(r.made, r.booked, r.completed) for r in report.referrers] == [(1, 0, 0)]
    assert report.recovery_total.opened == 1
    assert report.recovery_total.in_time == 1 and report.recovery_total.satisfied == 1


def test_page_csv_and_api(client, answered, manager, coordinator) -> None:
    client.force_login(coordinator)
    assert client.get(reverse("reports:satisfaction")).status_code == 403
    client.force_login(manager)
    page = client.get(reverse("reports:satisfaction"), RANGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Response rate" in html and "75.0 %" in html
    for slug in [
        "satisfaction",
        "satisfaction-months",
        "testimonials-reviews",
        "referrals",
        "recovery",
    ]:
        response = client.get(reverse("reports:csv", args=[slug]), RANGE)
        assert response.status_code == 200, slug
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert len(rows) >= 2, slug
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("reports:csv", args=["satisfaction"]), RANGE).content.decode()
            )
        )
    )
    assert rows[1][:4] == ["All", "4", "3", "75.0"]
    api = client.get("/api/v1/reports/satisfaction/", {**RANGE, "group_by": "procedure"})
    assert api.status_code == 200
    data = api.json()
    assert data["total"]["answered"] == 3 and data["total"]["stars"]["5"] == 2
    assert data["referrals"][0]["referred"] == 1
    assert client.get("/api/v1/reports/satisfaction/", {"from": "x"}).status_code == 400
