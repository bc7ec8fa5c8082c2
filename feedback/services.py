"""Every write of the feedback app: survey answers and their routing, testimonials and
consent, review clicks, referral codes and attribution, service-recovery cases.

Keyword-only `<noun>_<verb>` functions. A patient action writes a JourneyEvent (kind
"note", data["feedback"] names it) so it shows on the timeline. Emails go after commit
through thin tasks (feedback.tasks); nothing is sent inside a transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from crm.inputs import clean_text
from crm.models import Patient, PatientSource
from crm.roles import MANAGER, Actor, person
from feedback.models import (
    ActionKind,
    CaseOutcome,
    CaseStatus,
    ClinicFeedback,
    PublishAs,
    RecoveryAction,
    RecoveryCase,
    Referral,
    ReferralChannel,
    ReferralCode,
    ReviewClick,
    ReviewSite,
    Route,
    SurveyAnswer,
    Testimonial,
    TestimonialStatus,
)
from feedback.words import CONSENT_VERSION, words_for
from followups.models import CancelReason, ScheduledMessage, Status
from followups.services import message_record_from_patient, messages_cancel
from journeys.models import EventKind, Journey, JourneyEvent, Stage
from journeys.services import JourneyError, journey_mark_waiting

log = logging.getLogger(__name__)

# The followups cadence rules that ask for the survey: cancelled once it is answered.
SURVEY_RULES = ("satisfaction_request", "satisfaction_reminder")
# Short codes without look-alike characters (no 0/O, 1/I/L), easy to read out on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
# "Code AB3K7Q", "code: ab3k7q", "referral code AB3K7Q" in a free text.
CODE_IN_TEXT = re.compile(rf"\bcode\W{{0,3}}([A-Za-z2-9]{{{CODE_LENGTH}}})\b", re.IGNORECASE)
TEXT_LIMIT = 4000


class FeedbackError(JourneyError):
    """A feedback rule refused the request; the message is meant for the person who asked."""


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _event(
    *, journey_id: int, action: str, text: str, at: dt.datetime, actor: Actor = None, **data: Any
) -> JourneyEvent:
    return JourneyEvent.objects.create(
        journey_id=journey_id,
        kind=EventKind.NOTE,
        actor=person(actor),
        reason=text,
        data={"feedback": action, **data},
        created_at=at,
    )


def _text(value: str) -> str:
    return clean_text(value or "")[:TEXT_LIMIT].strip()


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """`start` plus `days` working days (Monday to Friday): Friday 10:00 + 2 is Tuesday
    10:00; a weekend start counts from Monday."""
    at = start
    while at.weekday() >= 5:
        at += dt.timedelta(days=1)
    added = 0
    while added < days:
        at += dt.timedelta(days=1)
        if at.weekday() < 5:
            added += 1
    return at


# --- The survey ----------------------------------------------------------------------------


def route_for(*, stars: int, nps: int, aspects: tuple[int, int, int]) -> str:
    """1-3 stars or any aspect at 2 or less: recovery (never a review ask), even with a
    high NPS. Otherwise 5 stars or NPS 9-10: the happy asks. Otherwise (4 stars): ask
    what would have made it five."""
    if stars <= 3 or min(aspects) <= 2:
        return Route.RECOVERY
    if stars == 5 or nps >= 9:
        return Route.HAPPY
    return Route.FOUR


def _rating(value: Any, low: int, high: int, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise FeedbackError(f"{name} must be a number from {low} to {high}.") from None
    if not low <= number <= high:
        raise FeedbackError(f"{name} must be a number from {low} to {high}.")
    return number


@dataclass
class SurveyResult:
    answer: SurveyAnswer
    created: bool
    case: RecoveryCase | None


def survey_submit(
    *,
    journey_id: int,
    stars: Any,
    nps: Any,
    coordinator_rating: Any,
    clinic_rating: Any,
    logistics_rating: Any,
    went_well: str = "",
    do_better: str = "",
    language: str = "en",
    now: dt.datetime | None = None,
) -> SurveyResult:
    """Record (or, within FEEDBACK_CHANGE_DAYS of the first answer, change) the journey's
    one answer; route it; cancel the survey emails still pending. Raises FeedbackError."""
    now = _now(now)
    values: dict[str, Any] = {
        "stars": _rating(stars, 1, 5, "Stars"),
        "nps": _rating(nps, 0, 10, "Recommendation"),
        "coordinator_rating": _rating(coordinator_rating, 1, 5, "Coordinator"),
        "clinic_rating": _rating(clinic_rating, 1, 5, "Clinic"),
        "logistics_rating": _rating(logistics_rating, 1, 5, "Logistics"),
        "went_well": _text(went_well),
        "do_better": _text(do_better),
        "language": language[:8],
    }
    values["route"] = route_for(
        stars=values["stars"],
        nps=values["nps"],
        aspects=(
            values["coordinator_rating"],
            values["clinic_rating"],
            values["logistics_rating"],
        ),
    )
    with transaction.atomic():
        # The journey's row lock orders two submissions of the same survey (two tabs).
        journey = Journey.objects.select_for_update(of=("self",)).get(pk=journey_id)
        answer = SurveyAnswer.objects.filter(journey_id=journey_id).first()
        created = answer is None
        if answer is not None:
            if now > editable_until(answer):
                raise FeedbackError("This answer can no longer be changed.")
            for field, value in values.items():
                setattr(answer, field, value)
            answer.changed_at = now
            answer.save()
        else:
            answer = SurveyAnswer.objects.create(
                journey_id=journey_id, answered_at=now, changed_at=now, **values
            )
        _event(
            journey_id=journey_id,
            action="survey",
            text=(
                f"Survey {'answered' if created else 'changed'}: {answer.stars}★, "
                f"recommend {answer.nps}/10; coordinator {answer.coordinator_rating}, "
                f"clinic {answer.clinic_rating}, logistics {answer.logistics_rating}"
                + (f"\nWent well: {answer.went_well}" if answer.went_well else "")
                + (f"\nCould do better: {answer.do_better}" if answer.do_better else "")
            ),
            at=now,
            stars=answer.stars,
            nps=answer.nps,
        )
        pending = list(
            ScheduledMessage.objects.filter(
                journey_id=journey_id, rule__key__in=SURVEY_RULES, status=Status.PENDING
            ).values_list("pk", flat=True)
        )
        if pending:
            messages_cancel(ids=pending, reason=CancelReason.ANSWERED, now=now)
        case = None
        if answer.route == Route.RECOVERY:
            case = _case_open(journey=journey, answer=answer, now=now)
        elif answer.route == Route.HAPPY:
            referral_code_ensure(patient_id=journey.patient_id, journey_id=journey.pk, now=now)
    return SurveyResult(answer=answer, created=created, case=case)


def editable_until(answer: SurveyAnswer) -> dt.datetime:
    return answer.answered_at + dt.timedelta(days=settings.FEEDBACK_CHANGE_DAYS)


def four_star_wish_send(*, journey_id: int, text: str, now: dt.datetime | None = None) -> bool:
    """ "What would have made it five?": to the coordinator's Replies waiting, like an
    emailed reply. Only after a 4-star answer; empty text records nothing."""
    now = _now(now)
    text = _text(text)
    if not text:
        return False
    with transaction.atomic():
        answer = SurveyAnswer.objects.select_for_update().filter(journey_id=journey_id).first()
        if answer is None or answer.route != Route.FOUR:
            raise FeedbackError("There is no four-star answer on this journey.")
        message_record_from_patient(
            journey_id=journey_id,
            subject="Survey: what would have made it five stars",
            text=text,
            at=now,
        )
        journey_mark_waiting(journey_id=journey_id, at=now, patient_replied=True)
        _event(
            journey_id=journey_id, action="four_star_wish", text=f"Five stars if: {text}", at=now
        )
    return True


# --- Service recovery ------------------------------------------------------------------


def _case_manager(clinic_id: int) -> User | None:
    setting = ClinicFeedback.objects.filter(clinic_id=clinic_id).select_related("manager").first()
    manager = setting.manager if setting else None
    return manager if manager is not None and manager.is_active else None


def _case_open(*, journey: Journey, answer: SurveyAnswer, now: dt.datetime) -> RecoveryCase:
    case = RecoveryCase.objects.filter(journey_id=journey.pk).first()
    if case is not None:
        return case  # a changed answer does not open a second case
    case = RecoveryCase.objects.create(
        journey_id=journey.pk,
        clinic_id=journey.clinic_id,
        manager=_case_manager(journey.clinic_id),
        stars=answer.stars,
        opened_at=now,
        deadline_at=add_working_days(now, settings.FEEDBACK_RECOVERY_WORKING_DAYS),
    )
    _event(
        journey_id=journey.pk,
        action="recovery_opened",
        text=f"Service-recovery case opened ({answer.stars}★); due {case.deadline_at:%a %d %b}.",
        at=now,
    )
    from feedback import tasks

    transaction.on_commit(partial(tasks.case_opened.delay, journey.pk))
    return case


def managers_for(case: RecoveryCase) -> list[User]:
    if case.manager_id is not None and case.manager is not None and case.manager.email:
        return [case.manager]
    return list(
        User.objects.filter(is_active=True, groups__name=MANAGER).exclude(email="").distinct()
    )


def recovery_action_add(
    *, journey_id: int, kind: str, text: str, actor: Actor, now: dt.datetime | None = None
) -> RecoveryAction:
    now = _now(now)
    text = _text(text)
    if kind not in ActionKind.values:
        raise FeedbackError("Choose what was done: a call, an offer or a note.")
    if not text:
        raise FeedbackError("Say what was done.")
    with transaction.atomic():
        case = RecoveryCase.objects.select_for_update().filter(journey_id=journey_id).first()
        if case is None:
            raise FeedbackError("There is no recovery case on this journey.")
        action = RecoveryAction.objects.create(
            case=case, kind=kind, text=text, actor=person(actor), created_at=now
        )
        _event(
            journey_id=journey_id,
            action="recovery_action",
            text=f"Recovery: {ActionKind(kind).label}: {text}",
            at=now,
            actor=actor,
        )
    return action


def recovery_resolve(
    *, journey_id: int, outcome: str, note: str, actor: Actor, now: dt.datetime | None = None
) -> RecoveryCase:
    """Close the case with its outcome. A patient satisfied in the end is asked once to
    rate us again (an email after commit)."""
    now = _now(now)
    if outcome not in CaseOutcome.values:
        raise FeedbackError("Choose an outcome.")
    with transaction.atomic():
        case = RecoveryCase.objects.select_for_update().filter(journey_id=journey_id).first()
        if case is None:
            raise FeedbackError("There is no recovery case on this journey.")
        if case.status == CaseStatus.RESOLVED:
            raise FeedbackError("This case is already resolved.")
        case.status = CaseStatus.RESOLVED
        case.outcome = outcome
        case.resolved_at = now
        case.resolved_by = person(actor)
        ask = outcome == CaseOutcome.SATISFIED and case.rerate_asked_at is None
        if ask:
            case.rerate_asked_at = now
        case.save()
        note = _text(note)
        _event(
            journey_id=journey_id,
            action="recovery_resolved",
            text=f"Recovery case resolved: {CaseOutcome(outcome).label}"
            + (f". {note}" if note else ""),
            at=now,
            actor=actor,
        )
        if ask:
            from feedback import tasks

            transaction.on_commit(partial(tasks.rerate_ask.delay, journey_id))
    return case


def survey_rerate(*, journey_id: int, stars: Any, now: dt.datetime | None = None) -> SurveyAnswer:
    """The one re-rating a recovered patient may give (only after the ask)."""
    now = _now(now)
    value = _rating(stars, 1, 5, "Stars")
    with transaction.atomic():
        answer = SurveyAnswer.objects.select_for_update().filter(journey_id=journey_id).first()
        asked = RecoveryCase.objects.filter(
            journey_id=journey_id, rerate_asked_at__isnull=False
        ).exists()
        if answer is None or not asked:
            raise FeedbackError("No re-rating was asked for.")
        if answer.rerated_at is not None:
            raise FeedbackError("Thank you: you rated us again already.")
        answer.rerated_stars, answer.rerated_at = value, now
        answer.save(update_fields=["rerated_stars", "rerated_at"])
        RecoveryCase.objects.filter(journey_id=journey_id).update(rerated_at=now)
        _event(journey_id=journey_id, action="rerated", text=f"Rated again: {value}★", at=now)
    return answer


# --- Testimonials ----------------------------------------------------------------------


def testimonial_give(
    *,
    journey_id: int,
    text: str,
    publish_as: str,
    consent: bool,
    language: str = "en",
    now: dt.datetime | None = None,
) -> Testimonial:
    """Store the patient's words with the exact consent text and version they agreed to.
    Without the box ticked nothing is stored (FeedbackError)."""
    now = _now(now)
    text = _text(text)
    if not text:
        raise FeedbackError("Write a few words first.")
    if publish_as not in PublishAs.values:
        raise FeedbackError("Choose how your name is shown.")
    if not consent:
        raise FeedbackError("Consent is needed to share your words.")
    _, words = words_for(language)
    consent_text = words["consent"].format(company=settings.COMPANY_NAME)
    with transaction.atomic():
        journey = Journey.objects.select_for_update().get(pk=journey_id)
        answer = SurveyAnswer.objects.filter(journey_id=journey_id).first()
        if answer is None or answer.route != Route.HAPPY:
            raise FeedbackError("Testimonials are asked after a happy answer.")
        testimonial, _ = Testimonial.objects.update_or_create(
            journey_id=journey_id,
            defaults={
                "clinic_id": journey.clinic_id,
                "text": text,
                "publish_as": publish_as,
                "consent_text": consent_text,
                "consent_version": f"{CONSENT_VERSION}-{language}",
                "consented_at": now,
                # New words are new words: a manager reviews them again.
                "status": TestimonialStatus.PENDING,
                "reviewed_by": None,
                "reviewed_at": None,
                "withdrawn_at": None,
            },
        )
        _event(
            journey_id=journey_id,
            action="testimonial",
            text=f"Testimonial given (publish as: {PublishAs(publish_as).label}).",
            at=now,
        )
    return testimonial


def testimonial_withdraw(*, journey_id: int, now: dt.datetime | None = None) -> bool:
    """Withdraw consent: hidden from every list and export at once. Idempotent."""
    now = _now(now)
    with transaction.atomic():
        changed = Testimonial.objects.filter(
            journey_id=journey_id, withdrawn_at__isnull=True
        ).update(withdrawn_at=now)
        if changed:
            _event(
                journey_id=journey_id,
                action="testimonial_withdrawn",
                text="Consent to publish the testimonial withdrawn.",
                at=now,
            )
    return bool(changed)


def testimonial_review(
    *, journey_id: int, approve: bool, actor: Actor, now: dt.datetime | None = None
) -> Testimonial:
    now = _now(now)
    with transaction.atomic():
        testimonial = Testimonial.objects.select_for_update().filter(journey_id=journey_id).first()
        if testimonial is None or testimonial.withdrawn_at is not None:
            raise FeedbackError("This testimonial is not available (consent withdrawn?).")
        testimonial.status = TestimonialStatus.APPROVED if approve else TestimonialStatus.REJECTED
        testimonial.reviewed_by, testimonial.reviewed_at = person(actor), now
        testimonial.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return testimonial


# --- Reviews -----------------------------------------------------------------------------


def review_click_record(*, journey_id: int, site_id: int, now: dt.datetime | None = None) -> str:
    """A patient pressed a review button on their page (a POST): record it and return the
    review site's URL to send them on to."""
    now = _now(now)
    clinic_id = Journey.objects.filter(pk=journey_id).values_list("clinic_id", flat=True).first()
    site = (
        ReviewSite.objects.filter(pk=site_id, clinic_id=clinic_id, active=True).first()
        if clinic_id is not None
        else None
    )
    if site is None:
        raise FeedbackError("This review site is not offered.")
    with transaction.atomic():
        ReviewClick.objects.create(
            journey_id=journey_id,
            site=site,
            clinic_id=site.clinic_id,
            site_name=site.name,
            clicked_at=now,
        )
        _event(journey_id=journey_id, action="review_click", text=f"Review: {site.name}", at=now)
    return site.url


# --- Referrals ---------------------------------------------------------------------------


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def referral_code_ensure(
    *, patient_id: int, journey_id: int | None = None, now: dt.datetime | None = None
) -> ReferralCode:
    """The patient's code, created on first use (a collision draws another)."""
    now = _now(now)
    existing = ReferralCode.objects.filter(patient_id=patient_id).first()
    if existing is not None:
        return existing
    for _ in range(10):
        try:
            with transaction.atomic():
                return ReferralCode.objects.create(
                    patient_id=patient_id, code=_new_code(), journey_id=journey_id, created_at=now
                )
        except IntegrityError:
            existing = ReferralCode.objects.filter(patient_id=patient_id).first()
            if existing is not None:
                return existing
    raise FeedbackError("Could not draw a free referral code; try again.")


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:16]


def code_in_text(text: str) -> str:
    """A referral code a free text names ("code AB3K7Q"), if it is one of ours, else ""."""
    for match in CODE_IN_TEXT.finditer(text or ""):
        code = normalise_code(match.group(1))
        if ReferralCode.objects.filter(code=code).exists():
            return code
    return ""


def referral_attribute(
    *,
    journey_id: int,
    code: str,
    channel: str = ReferralChannel.OTHER,
    now: dt.datetime | None = None,
) -> Referral | None:
    """Attribute a new journey to the patient whose referral code this is: the journey's
    patient gets `referred_by` and source "referral" (if not referred already), and a
    Referral row counts it for the referrer. Returns None for an unknown code, a
    self-referral, or a journey already attributed; never raises for a bad code, so any
    entry point (staff form, inbound email, public intake) can call it with what it got."""
    now = _now(now)
    code = normalise_code(code)
    if not code or channel not in ReferralChannel.values:
        return None
    owner = ReferralCode.objects.filter(code=code).values_list("patient_id", flat=True).first()
    if owner is None:
        return None
    with transaction.atomic():
        journey = Journey.objects.select_for_update().filter(pk=journey_id).first()
        if journey is None or journey.patient_id == owner:
            return None
        if Referral.objects.filter(journey_id=journey_id).exists():
            return None
        referral = Referral.objects.create(
            journey_id=journey_id, referrer_id=owner, code=code, channel=channel, created_at=now
        )
        Patient.objects.filter(pk=journey.patient_id, referred_by__isnull=True).update(
            referred_by_id=owner, source=PatientSource.REFERRAL, updated_at=now
        )
        _event(
            journey_id=journey_id,
            action="referred",
            text=f"Referred by a patient (code {code}, {ReferralChannel(channel).label}).",
            at=now,
        )
    return referral


def on_journey_moved(*, journey: Journey, event: JourneyEvent) -> None:
    """The friend booked: thank the referrer once (an email after commit). Runs inside the
    move's transaction (journeys.hooks); the conditional UPDATE makes "once" hold even
    when the journey is booked, stepped back and booked again."""
    if event.to_stage != Stage.BOOKED:
        return
    thanked = Referral.objects.filter(journey_id=journey.pk, thanked_at__isnull=True).update(
        thanked_at=event.created_at
    )
    if thanked:
        from feedback import tasks

        transaction.on_commit(partial(tasks.referrer_thank.delay, journey.pk))


def on_inbound_reply(*, message: Any, **_: Any) -> None:
    """A new inquiry by email that names a referral code is attributed to its referrer."""
    if getattr(message, "label", "") != "inquiry":
        return
    code = code_in_text(f"{message.subject}\n{message.text}")
    if code:
        referral_attribute(journey_id=message.journey_id, code=code, channel=ReferralChannel.EMAIL)
