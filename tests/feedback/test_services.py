"""feedback.services: one answer per journey, its routing, the emails it stops, consent,
review clicks, referral codes and attribution, recovery cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from crm.models import PatientSource
from feedback import selectors, services
from feedback.models import (
    CaseStatus,
    RecoveryCase,
    Referral,
    ReferralCode,
    ReviewClick,
    ReviewSite,
    Route,
    SurveyAnswer,
)
from feedback.models import (
    Testimonial as Words,
)
from feedback.selectors import approved_testimonials, my_day_feedback
from followups.models import CancelReason, Message, ScheduledMessage, Status
from journeys.models import JourneyEvent
from journeys.services import journey_create, journey_move
from tests.conftest import make_patient, make_user

pytestmark = pytest.mark.django_db

HAPPY = {"stars": 5, "nps": 10, "coordinator_rating": 5, "clinic_rating": 5, "logistics_rating": 4}
FOUR = {"stars": 4, "nps": 8, "coordinator_rating": 4, "clinic_rating": 4, "logistics_rating": 4}
UNHAPPY = {"stars": 2, "nps": 3, "coordinator_rating": 3, "clinic_rating": 2, "logistics_rating": 3}


@pytest.mark.parametrize(
    ("stars", "nps", "aspects", "route"),
    [
        (5, 0, (5, 5, 5), Route.HAPPY),
        (4, 9, (4, 4, 4), Route.HAPPY),
        (4, 8, (4, 4, 3), Route.FOUR),
        (3, 10, (5, 5, 5), Route.RECOVERY),
        (5, 10, (5, 2, 5), Route.RECOVERY),  # any aspect at 2 or less: no review ask
    ],
)
def test_route(stars: int, nps: int, aspects: tuple[int, int, int], route: str) -> None:
    assert services.route_for(stars=stars, nps=nps, aspects=aspects) == route


def test_answer_is_recorded_once_with_an_event_and_stops_the_survey_emails(followup) -> None:
    pending = ScheduledMessage.objects.filter(
        journey=followup, rule__key__in=services.SURVEY_RULES, status=Status.PENDING
    )
    assert {m.rule.key for m in pending} == {"satisfaction_request", "satisfaction_reminder"}
    # The reminder: 5 days after the request (day 12 after the procedure, both later when
    # the shipped after-care plan runs longer: feedback/timing.py), a weekend pushed to
    # Monday by the rules' Monday-Friday window.
    due = {m.rule.key: m.due_at for m in pending}
    assert 5 <= (due["satisfaction_reminder"] - due["satisfaction_request"]).days <= 7
    result = services.survey_submit(journey_id=followup.pk, went_well="All of it", **HAPPY)
    assert result.created and result.answer.route == Route.HAPPY
    assert not pending.all().exists()
    assert set(
        ScheduledMessage.objects.filter(
            journey=followup, rule__key__in=services.SURVEY_RULES
        ).values_list("cancelled_reason", flat=True)
    ) == {CancelReason.ANSWERED}
    event = JourneyEvent.objects.filter(journey=followup, data__feedback="survey").get()
    assert "5★" in event.reason and "All of it" in event.reason
    # A happy patient gets a referral code.
    assert ReferralCode.objects.filter(patient=followup.patient).exists()


def test_answer_may_change_for_seven_days_then_not(followup, clock) -> None:
    services.survey_submit(journey_id=followup.pk, **FOUR)
    clock.shift(dt.timedelta(days=6))
    changed = services.survey_submit(journey_id=followup.pk, **HAPPY)
    assert not changed.created and changed.answer.stars == 5
    assert SurveyAnswer.objects.count() == 1
    clock.shift(dt.timedelta(days=2))
    with pytest.raises(services.FeedbackError, match="no longer be changed"):
        services.survey_submit(journey_id=followup.pk, **UNHAPPY)
    assert SurveyAnswer.objects.get().stars == 5


@pytest.mark.parametrize(
    "bad", [{"stars": 0}, {"stars": "6"}, {"nps": 11}, {"nps": "x"}, {"clinic_rating": None}]
)
def test_bad_ratings_are_refused_and_nothing_is_stored(followup, bad) -> None:
    with pytest.raises(services.FeedbackError):
        services.survey_submit(journey_id=followup.pk, **{**HAPPY, **bad})
    assert not SurveyAnswer.objects.exists()


def test_unhappy_opens_one_recovery_case_with_a_working_day_deadline(
    followup, manager, outbox, eager, clock, django_capture_on_commit_callbacks
) -> None:
    clock.move_to(dt.datetime(2026, 6, 12, 9, 0, tzinfo=dt.UTC))  # a Friday
    with django_capture_on_commit_callbacks(execute=True):
        result = services.survey_submit(
            journey_id=followup.pk, do_better="Hotel was dirty", **UNHAPPY
        )
    case = result.case
    assert case is not None and case.status == CaseStatus.OPEN
    # Friday + 2 working days = Tuesday.
    assert case.deadline_at.date() == dt.date(2026, 6, 16)
    # The manager's email, and the coordinator's human acknowledgment to the patient.
    to = {tuple(m.to) for m in outbox}
    assert (manager.email,) in to
    assert (followup.patient.email,) in to
    ack = next(m for m in outbox if m.to == [followup.patient.email])
    assert "review" not in ack.body.lower()
    assert RecoveryCase.objects.get().notice_sent_at is not None
    # Changing the answer does not open a second case.
    services.survey_submit(journey_id=followup.pk, **{**UNHAPPY, "stars": 1})
    assert RecoveryCase.objects.count() == 1
    assert [c.pk for c in my_day_feedback(manager)["cases"].rows] == [case.pk]


def test_recovery_actions_resolve_and_one_rerating(
    followup, manager, outbox, eager, django_capture_on_commit_callbacks
) -> None:
    services.survey_submit(journey_id=followup.pk, **UNHAPPY)
    services.recovery_action_add(journey_id=followup.pk, kind="call", text="Called", actor=manager)
    services.recovery_action_add(
        journey_id=followup.pk, kind="offer", text="Free check-up", actor=manager
    )
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = services.recovery_resolve(
            journey_id=followup.pk, outcome="satisfied", note="Happy now", actor=manager
        )
    assert case.status == CaseStatus.RESOLVED and case.rerate_asked_at is not None
    assert [m.to for m in outbox] == [[followup.patient.email]]  # the re-rating ask
    assert "#rerate" in outbox[0].body
    with pytest.raises(services.FeedbackError, match="already resolved"):
        services.recovery_resolve(
            journey_id=followup.pk, outcome="satisfied", note="", actor=manager
        )
    services.survey_rerate(journey_id=followup.pk, stars=4)
    with pytest.raises(services.FeedbackError):
        services.survey_rerate(journey_id=followup.pk, stars=5)
    assert SurveyAnswer.objects.get().rerated_stars == 4
    assert my_day_feedback(manager)["cases"].rows == []


def test_rerating_only_when_asked(followup) -> None:
    services.survey_submit(journey_id=followup.pk, **HAPPY)
    with pytest.raises(services.FeedbackError):
        services.survey_rerate(journey_id=followup.pk, stars=5)


def test_four_stars_goes_to_the_coordinators_replies_waiting(followup) -> None:
    services.survey_submit(journey_id=followup.pk, **FOUR)
    assert services.four_star_wish_send(journey_id=followup.pk, text="A faster transfer")
    message = Message.objects.get(journey=followup, direction="in")
    assert message.text == "A faster transfer"
    followup.refresh_from_db()
    assert followup.awaiting_reply_since is not None


def test_testimonial_needs_consent_and_withdrawal_hides_it(followup, manager) -> None:
    services.survey_submit(journey_id=followup.pk, **HAPPY)
    with pytest.raises(services.FeedbackError, match="Consent"):
        services.testimonial_give(
            journey_id=followup.pk, text="Great", publish_as="anonymous", consent=False
        )
    assert not Words.objects.exists()
    t = services.testimonial_give(
        journey_id=followup.pk,
        text="Great",
        publish_as="first_country",
        consent=True,
        language="de",
    )
    assert t.consent_version.endswith("-de") and "widerrufen" in t.consent_text
    assert t.consented_at == SurveyAnswer.objects.get().answered_at or t.consented_at
    services.testimonial_review(journey_id=followup.pk, approve=True, actor=manager)
    assert list(approved_testimonials(manager)) == [t]
    assert services.testimonial_withdraw(journey_id=followup.pk)
    assert not approved_testimonials(manager).exists()
    assert not selectors.testimonials_visible_to(manager).exists()
    with pytest.raises(services.FeedbackError):
        services.testimonial_review(journey_id=followup.pk, approve=True, actor=manager)


def test_no_testimonial_without_a_happy_answer(followup) -> None:
    services.survey_submit(journey_id=followup.pk, **UNHAPPY)
    with pytest.raises(services.FeedbackError):
        services.testimonial_give(
            journey_id=followup.pk, text="x", publish_as="anonymous", consent=True
        )


def test_review_click_is_recorded_only_for_the_journeys_clinic(followup, clinic) -> None:
    site = ReviewSite.objects.create(clinic=clinic, name="Google", url="https://g.example/r")
    from crm.models import Clinic

    other = ReviewSite.objects.create(
        clinic=Clinic.objects.create(name="X", city="Y", country="TR", timezone="UTC"),
        name="Other",
        url="https://o.example",
    )
    assert services.review_click_record(journey_id=followup.pk, site_id=site.pk) == site.url
    with pytest.raises(services.FeedbackError):
        services.review_click_record(journey_id=followup.pk, site_id=other.pk)
    assert ReviewClick.objects.count() == 1


def test_referral_attribution_and_one_thank_you_when_the_friend_books(
    followup, procedure, coordinator, manager, outbox, eager, django_capture_on_commit_callbacks
) -> None:
    services.survey_submit(journey_id=followup.pk, **HAPPY)
    code = ReferralCode.objects.get(patient=followup.patient).code
    friend = journey_create(
        patient=make_patient(),
        procedure=procedure,
        actor=coordinator,
        coordinator=coordinator,
        inquiry_received_at=timezone.now(),
    )
    assert services.referral_attribute(journey_id=friend.pk, code="nope") is None
    referral = services.referral_attribute(
        journey_id=friend.pk, code=f" {code.lower()} ", channel="staff"
    )
    assert referral is not None and referral.referrer_id == followup.patient_id
    friend.patient.refresh_from_db()
    assert friend.patient.referred_by_id == followup.patient_id
    assert friend.patient.source == PatientSource.REFERRAL
    # Once per journey; never one's own code.
    assert services.referral_attribute(journey_id=friend.pk, code=code) is None
    assert services.referral_attribute(journey_id=followup.pk, code=code) is None
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        journey_move(journey_id=friend.pk, target="booked", actor=coordinator)
    thanks = [m for m in outbox if m.to == [followup.patient.email]]
    assert len(thanks) == 1
    with django_capture_on_commit_callbacks(execute=True):
        journey_move(journey_id=friend.pk, target="inquiry", actor=manager, reason="Oops")
        journey_move(journey_id=friend.pk, target="booked", actor=coordinator)
    assert len([m for m in outbox if m.to == [followup.patient.email]]) == 1
    assert Referral.objects.get().thanked_at is not None


def test_code_in_text() -> None:
    patient = make_patient()
    ReferralCode.objects.create(patient=patient, code="AB3K7Q", created_at=timezone.now())
    assert services.code_in_text("Hello, my friend gave me code: ab3k7q. Thanks") == "AB3K7Q"
    assert services.code_in_text("code ZZZZZZ") == ""
    assert services.code_in_text("") == ""


def test_working_days() -> None:
    friday = dt.datetime(2026, 6, 12, 15, 0, tzinfo=dt.UTC)
    assert services.add_working_days(friday, 2).date() == dt.date(2026, 6, 16)
    saturday = friday + dt.timedelta(days=1)
    assert services.add_working_days(saturday, 1).date() == dt.date(2026, 6, 16)


def test_coordinator_sees_only_their_patients_cases(followup, other_coordinator) -> None:
    services.survey_submit(journey_id=followup.pk, **UNHAPPY)
    assert my_day_feedback(other_coordinator)["cases"].rows == []
    assert my_day_feedback(followup.coordinator)["cases"].total == 1
    assert make_user  # the factory is shared with the view tests


def test_a_new_inquiry_by_email_naming_a_code_is_attributed(
    followup, procedure, coordinator
) -> None:
    from types import SimpleNamespace

    services.survey_submit(journey_id=followup.pk, **HAPPY)
    code = ReferralCode.objects.get(patient=followup.patient).code
    friend = journey_create(
        patient=make_patient(),
        procedure=procedure,
        actor=coordinator,
        coordinator=coordinator,
        inquiry_received_at=timezone.now(),
    )
    reply = SimpleNamespace(label="reply", journey_id=friend.pk, subject="", text=f"code {code}")
    services.on_inbound_reply(message=reply, journey=friend)
    assert not Referral.objects.exists()  # only a new inquiry counts
    inquiry = SimpleNamespace(
        label="inquiry", journey_id=friend.pk, subject="Implants", text=f"My friend's code: {code}"
    )
    services.on_inbound_reply(message=inquiry, journey=friend)
    assert Referral.objects.get().channel == "email"
