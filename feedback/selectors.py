"""Reads for the survey page, My day, the journey page and the testimonials list.

Staff reads start from `journeys.selectors.journeys_visible_to(user)`, the one access rule;
the survey page reads only the journey its signed token names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Window

from crm.roles import Actor, is_manager
from feedback.models import (
    CaseStatus,
    RecoveryCase,
    ReferralCode,
    ReviewSite,
    SurveyAnswer,
    Testimonial,
    TestimonialStatus,
)
from journeys.models import Journey
from journeys.selectors import journeys_visible_to

LIMIT = 20


@dataclass
class SurveyPage:
    answer: SurveyAnswer | None
    testimonial: Testimonial | None
    sites: list[ReviewSite]
    code: ReferralCode | None
    case: RecoveryCase | None


def survey_page(journey: Journey) -> SurveyPage:
    """What the survey page shows: one read per kind of row, all by primary key."""
    answer = SurveyAnswer.objects.filter(journey_id=journey.pk).first()
    happy = answer is not None and answer.route == "happy"
    return SurveyPage(
        answer=answer,
        testimonial=Testimonial.objects.filter(journey_id=journey.pk).first() if happy else None,
        sites=list(ReviewSite.objects.filter(clinic_id=journey.clinic_id, active=True))
        if happy
        else [],
        code=ReferralCode.objects.filter(patient_id=journey.patient_id).first() if happy else None,
        case=RecoveryCase.objects.filter(journey_id=journey.pk).first()
        if answer is not None and answer.route == "recovery"
        else None,
    )


@dataclass
class Listed:
    rows: list[Any]
    total: int

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.rows))


def my_day_feedback(user: Actor) -> dict[str, Any]:
    """Open recovery cases for My day: a manager sees their clinics' cases (those assigned
    to them or to nobody); coordinators see their own patients' cases."""
    cases = RecoveryCase.objects.filter(
        status=CaseStatus.OPEN, journey__in=journeys_visible_to(user)
    )
    if is_manager(user) and user is not None:
        cases = cases.filter(Q(manager__isnull=True) | Q(manager_id=getattr(user, "pk", None)))
    # One query: the first LIMIT rows and, in the same query, how many there are.
    rows = list(
        cases.select_related("journey__patient", "journey__procedure", "journey__survey")
        .annotate(_total=Window(Count("*")))
        .order_by("deadline_at", "pk")[:LIMIT]
    )
    return {"cases": Listed(rows=rows, total=rows[0]._total if rows else 0)}


def journey_feedback(journey: Journey) -> dict[str, Any]:
    """The journey page's feedback section: the answer, the case and its actions."""
    answer = SurveyAnswer.objects.filter(journey_id=journey.pk).first()
    case = (
        RecoveryCase.objects.filter(journey_id=journey.pk)
        .prefetch_related("actions__actor")
        .first()
        if answer is not None
        else None
    )
    return {"answer": answer, "case": case}


def testimonials_visible_to(user: Actor) -> QuerySet[Testimonial]:
    """Testimonials with consent still given (a withdrawal hides them at once)."""
    return Testimonial.objects.filter(
        withdrawn_at__isnull=True, journey__in=journeys_visible_to(user)
    ).select_related("journey__patient", "clinic")


def approved_testimonials(user: Actor) -> QuerySet[Testimonial]:
    return testimonials_visible_to(user).filter(status=TestimonialStatus.APPROVED)


def shown_name(testimonial: Testimonial) -> str:
    """The name as the patient chose to publish it."""
    patient = testimonial.journey.patient
    if testimonial.publish_as == "full_name":
        return patient.full_name
    if testimonial.publish_as == "first_country":
        first = patient.full_name.split(" ")[0] if patient.full_name else ""
        return f"{first}, {patient.country}"
    return "Anonymous"


def stars_for(journey_ids: list[int]) -> dict[int, int]:
    return dict(
        SurveyAnswer.objects.filter(journey_id__in=journey_ids).values_list("journey_id", "stars")
    )


def testimonial_of(journey_id: int) -> Testimonial | None:
    """The journey's testimonial, withdrawn or not (the withdraw page says which)."""
    return Testimonial.objects.filter(journey_id=journey_id).first()
