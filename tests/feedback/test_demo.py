"""Demo data: seeded journeys past their procedure get answers, testimonials, review
clicks, referral codes, referrals and recovery cases that make the report believable."""

from __future__ import annotations

import pytest

from crm import demo
from feedback.demo import seed_feedback
from feedback.models import (
    RecoveryCase,
    Referral,
    ReferralCode,
    ReviewClick,
    Route,
    SurveyAnswer,
)
from feedback.models import Testimonial as Words
from journeys.models import Journey
from reports.params import parse_params
from reports.satisfaction import satisfaction_report

pytestmark = pytest.mark.django_db


def test_seeded_demo_has_a_believable_feedback_loop() -> None:
    demo.ensure_demo_staff("pw-demo")
    demo.seed(patients=600)
    answers = SurveyAnswer.objects.count()
    past = Journey.objects.filter(followup_at__isnull=False).count()
    assert past and 0.3 * past < answers <= past
    assert SurveyAnswer.objects.filter(route=Route.HAPPY).exists()
    assert RecoveryCase.objects.count() == SurveyAnswer.objects.filter(route=Route.RECOVERY).count()
    assert Words.objects.exists() and ReviewClick.objects.exists()
    assert ReferralCode.objects.exists()
    for referral in Referral.objects.select_related("journey__patient"):
        assert referral.journey.patient.referred_by_id == referral.referrer_id
    # Idempotent: the hook again writes nothing new.
    seed_feedback(journey_ids=list(Journey.objects.values_list("pk", flat=True)))
    assert SurveyAnswer.objects.count() == answers
    report = satisfaction_report(parse_params({"from": "2024-01-01", "to": "2026-12-31"}))
    assert report.total.responses == answers
    assert report.total.average_stars is not None and 3.5 < report.total.average_stars < 4.6
