"""Demo data for the feedback loop, written in bulk for journeys the demo seeder made
(the JOURNEYS_SEEDED hook): survey answers for journeys past their procedure, testimonials,
review clicks and referral codes for happy patients, recovery cases for unhappy ones, and
referrals for seeded patients whose source is "referral". Deterministic per journey id (a
reseed gives the same picture) and a few queries per chunk whatever its size."""

from __future__ import annotations

import bisect
import datetime as dt
import random
from typing import Any

from django.conf import settings
from django.db.models import Min, Q
from django.utils import timezone

from crm.models import Patient, PatientSource
from feedback.models import (
    CaseOutcome,
    CaseStatus,
    PublishAs,
    RecoveryCase,
    Referral,
    ReferralCode,
    ReviewClick,
    ReviewSite,
    Route,
    SurveyAnswer,
    Testimonial,
    TestimonialStatus,
)
from feedback.services import CODE_ALPHABET, CODE_LENGTH, add_working_days, route_for
from feedback.words import CONSENT_VERSION, words_for
from journeys.models import EventKind, Journey, JourneyEvent, Outcome

# Share of journeys past follow-up that answered, and the star mix of the answers.
ANSWER_RATE = 0.62
STARS = [(5, 0.52), (4, 0.24), (3, 0.1), (2, 0.08), (1, 0.06)]
WORDS_WELL = [
    "The coordinator answered every question, even at night.",
    "Clinic was spotless and the doctor explained everything.",
    "Transfers were always on time.",
    "I felt safe from the first email to the last check-up.",
]
WORDS_BETTER = [
    "The hotel was noisy and far from the clinic.",
    "Waited two hours on the day of the procedure without news.",
    "The final bill was higher than the quote.",
    "Nobody picked me up at the airport.",
]
CHUNK = 5000


def _stars(rng: random.Random) -> int:
    roll, acc = rng.random(), 0.0
    for stars, share in STARS:
        acc += share
        if roll < acc:
            return stars
    return 5


def _code(rng: random.Random) -> str:
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _review_sites() -> dict[int, list[ReviewSite]]:
    """Two demo review pages per clinic that has none (example URLs)."""
    from crm.models import Clinic

    have = set(ReviewSite.objects.values_list("clinic_id", flat=True))
    ReviewSite.objects.bulk_create(
        ReviewSite(clinic=c, name=name, url=f"https://{host}/review/clinic-{c.pk}", position=i)
        for c in Clinic.objects.exclude(pk__in=have)
        for i, (name, host) in enumerate([("Google", "g.example"), ("Trustpilot", "tp.example")])
    )
    sites: dict[int, list[ReviewSite]] = {}
    for site in ReviewSite.objects.filter(active=True):
        sites.setdefault(site.clinic_id, []).append(site)
    return sites


def seed_feedback(*, journey_ids: list[int], now: dt.datetime | None = None) -> int:
    """Write the demo feedback rows; returns the number of survey answers written."""
    now = now or timezone.now()
    sites = _review_sites()
    taken = set(ReferralCode.objects.values_list("code", flat=True))
    written = 0
    for start in range(0, len(journey_ids), CHUNK):
        written += _chunk(journey_ids[start : start + CHUNK], now, sites, taken)
    # A referrer can refer from when both their code existed and their own journey was
    # completed (a friend follows a finished, happy treatment), sorted by that moment.
    codes = list(ReferralCode.objects.values_list("patient_id", "code", "created_at"))
    completed = dict(
        Journey.objects.filter(
            patient_id__in=[c[0] for c in codes],
            outcome=Outcome.COMPLETED,
            closed_at__isnull=False,
        )
        .values("patient_id")
        .annotate(first=Min("closed_at"))
        .values_list("patient_id", "first")
    )
    referrers = sorted(
        (
            (patient_id, code, max(created, completed[patient_id]))
            for patient_id, code, created in codes
            if patient_id in completed
        ),
        key=lambda r: r[2],
    )
    if referrers:
        for start in range(0, len(journey_ids), CHUNK):
            _referrals(journey_ids[start : start + CHUNK], now, referrers)
    return written


def _chunk(
    ids: list[int], now: dt.datetime, sites: dict[int, list[ReviewSite]], taken: set[str]
) -> int:
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in Journey.objects.filter(
            pk__in=ids, followup_at__isnull=False, survey__isnull=True
        )
        .values("pk", "patient_id", "clinic_id", "followup_at", "patient__preferred_language")
        .order_by("pk")
    ]
    answers: list[SurveyAnswer] = []
    events: list[JourneyEvent] = []
    testimonials: list[Testimonial] = []
    clicks: list[ReviewClick] = []
    codes: list[ReferralCode] = []
    cases: list[RecoveryCase] = []
    has_code = set(
        ReferralCode.objects.filter(patient_id__in=[r["patient_id"] for r in rows]).values_list(
            "patient_id", flat=True
        )
    )
    for row in rows:
        rng = random.Random(row["pk"] * 7919)
        answered_at: dt.datetime = row["followup_at"] + dt.timedelta(
            days=7, hours=rng.randint(2, 120)
        )
        if rng.random() > ANSWER_RATE or answered_at > now:
            continue
        stars = _stars(rng)
        nps = min(10, max(0, stars * 2 + rng.randint(-2, 1)))
        aspects = tuple(min(5, max(1, stars + rng.randint(-1, 1))) for _ in range(3))
        route = route_for(stars=stars, nps=nps, aspects=aspects)  # type: ignore[arg-type]
        language, words = words_for(row["patient__preferred_language"])
        answers.append(
            SurveyAnswer(
                journey_id=row["pk"],
                stars=stars,
                nps=nps,
                coordinator_rating=aspects[0],
                clinic_rating=aspects[1],
                logistics_rating=aspects[2],
                went_well=rng.choice(WORDS_WELL) if stars >= 4 else "",
                do_better=rng.choice(WORDS_BETTER) if route == Route.RECOVERY else "",
                language=language,
                route=route,
                answered_at=answered_at,
                changed_at=answered_at,
            )
        )
        events.append(
            JourneyEvent(
                journey_id=row["pk"],
                kind=EventKind.NOTE,
                reason=f"Survey answered: {stars}★, recommend {nps}/10",
                data={"feedback": "survey", "stars": stars, "nps": nps, "demo": True},
                created_at=answered_at,
            )
        )
        if route == Route.HAPPY:
            if row["patient_id"] not in has_code:
                code = _code(rng)
                while code in taken:
                    code = _code(rng)
                taken.add(code)
                has_code.add(row["patient_id"])
                codes.append(
                    ReferralCode(
                        patient_id=row["patient_id"],
                        code=code,
                        journey_id=row["pk"],
                        created_at=answered_at,
                    )
                )
            if rng.random() < 0.35:
                testimonials.append(
                    Testimonial(
                        journey_id=row["pk"],
                        clinic_id=row["clinic_id"],
                        text=rng.choice(WORDS_WELL),
                        publish_as=rng.choice(PublishAs.values),
                        consent_text=words["consent"].format(company=settings.COMPANY_NAME),
                        consent_version=f"{CONSENT_VERSION}-{language}",
                        consented_at=answered_at + dt.timedelta(minutes=2),
                        status=rng.choice([TestimonialStatus.APPROVED, TestimonialStatus.PENDING]),
                    )
                )
            clinic_sites = sites.get(row["clinic_id"], [])
            if clinic_sites and rng.random() < 0.4:
                site = rng.choice(clinic_sites)
                clicks.append(
                    ReviewClick(
                        journey_id=row["pk"],
                        site=site,
                        clinic_id=site.clinic_id,
                        site_name=site.name,
                        clicked_at=answered_at + dt.timedelta(minutes=3),
                    )
                )
        elif route == Route.RECOVERY:
            deadline = add_working_days(answered_at, settings.FEEDBACK_RECOVERY_WORKING_DAYS)
            resolved = deadline < now and rng.random() < 0.85
            resolved_at = answered_at + dt.timedelta(hours=rng.randint(3, 80)) if resolved else None
            outcome = (
                rng.choice(
                    [
                        CaseOutcome.SATISFIED,
                        CaseOutcome.SATISFIED,
                        CaseOutcome.PARTLY,
                        CaseOutcome.NOT_SATISFIED,
                        CaseOutcome.UNREACHABLE,
                    ]
                )
                if resolved
                else ""
            )
            cases.append(
                RecoveryCase(
                    journey_id=row["pk"],
                    clinic_id=row["clinic_id"],
                    status=CaseStatus.RESOLVED if resolved else CaseStatus.OPEN,
                    stars=stars,
                    opened_at=answered_at,
                    deadline_at=deadline,
                    resolved_at=resolved_at,
                    outcome=outcome,
                    notice_sent_at=answered_at,
                    # Demo data: no late-notice emails for seeded cases on `make run`.
                    late_notice_sent_at=deadline if not resolved and deadline <= now else None,
                    rerate_asked_at=resolved_at if outcome == CaseOutcome.SATISFIED else None,
                )
            )
            if outcome == CaseOutcome.SATISFIED and resolved_at and rng.random() < 0.6:
                answers[-1].rerated_stars = rng.choice([4, 4, 5])
                answers[-1].rerated_at = resolved_at + dt.timedelta(days=1)
                cases[-1].rerated_at = answers[-1].rerated_at
    SurveyAnswer.objects.bulk_create(answers, batch_size=1000, ignore_conflicts=True)
    JourneyEvent.objects.bulk_create(events, batch_size=1000)
    ReferralCode.objects.bulk_create(codes, batch_size=1000, ignore_conflicts=True)
    Testimonial.objects.bulk_create(testimonials, batch_size=1000, ignore_conflicts=True)
    ReviewClick.objects.bulk_create(clicks, batch_size=1000)
    RecoveryCase.objects.bulk_create(cases, batch_size=1000, ignore_conflicts=True)
    return len(answers)


def _referrals(
    journey_ids: list[int], now: dt.datetime, referrers: list[tuple[int, str, dt.datetime]]
) -> None:
    """Seeded patients whose source is "referral" and who came after a happy patient's
    code existed are attributed to one of those patients (`referrers` by code time)."""
    times = [r[2] for r in referrers]
    friends = list(
        Journey.objects.filter(
            pk__in=journey_ids,
            patient__source=PatientSource.REFERRAL,
            referral__isnull=True,
        )
        .filter(Q(patient__referred_by__isnull=True))
        # The patient's first contact: a referral comes before it, so after the referrer's
        # completed treatment.
        .values_list("pk", "patient_id", "patient__created_at")
    )
    rows: list[Referral] = []
    updates: list[Patient] = []
    seen: set[int] = set()
    for journey_id, patient_id, received in friends:
        earlier = bisect.bisect_left(times, received)
        if not earlier or patient_id in seen:
            continue
        rng = random.Random(journey_id * 104729)
        # A few loyal referrers bring several friends: pick among the first ones often.
        referrer, code, _ = referrers[min(int(rng.expovariate(0.3)), earlier - 1)]
        if referrer == patient_id:
            continue
        seen.add(patient_id)
        rows.append(
            Referral(
                journey_id=journey_id,
                referrer_id=referrer,
                code=code,
                channel="email",
                created_at=received,
                thanked_at=None,
            )
        )
        updates.append(Patient(pk=patient_id, referred_by_id=referrer))
    Referral.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    Patient.objects.bulk_update(updates, ["referred_by"], batch_size=1000)
    # Friends who already booked: the thank-you went (demo rows send nothing).
    Referral.objects.filter(
        journey_id__in=[r.journey_id for r in rows], journey__booked_at__isnull=False
    ).update(thanked_at=now)
