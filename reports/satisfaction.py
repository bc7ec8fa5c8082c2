"""Satisfaction: the survey's response rate, stars and NPS (feedback/), testimonials,
review clicks, referrals per referrer and service-recovery cases. Database aggregates,
one query per table whatever the number of journeys.

The period selects: satisfaction requests sent (response rate), answers given (stars,
NPS), testimonials consented, review clicks, referrals attributed and cases opened in it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth

from crm.models import Clinic
from feedback.models import RecoveryCase, Referral, ReviewClick, SurveyAnswer, Testimonial
from followups.models import ScheduledMessage, Status
from journeys.models import Outcome
from reports.params import (
    TOTAL,
    Group,
    ReportParams,
    _group_expr,
    _group_labels,
    _ordered_keys,
    _rows,
)

SURVEY_RULE = "satisfaction_request"


@dataclass
class Scores:
    asked: int = 0  # satisfaction requests sent in the period
    answered: int = 0  # of those journeys, how many answered (whenever)
    responses: int = 0  # answers given in the period
    stars: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])  # 1★ .. 5★
    stars_sum: int = 0
    promoters: int = 0  # NPS 9-10
    detractors: int = 0  # NPS 0-6

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.asked if self.asked else None

    @property
    def average_stars(self) -> float | None:
        return self.stars_sum / self.responses if self.responses else None

    @property
    def nps(self) -> float | None:
        """Promoters minus detractors, as a share (-1 .. 1; shown as -100 .. 100)."""
        if not self.responses:
            return None
        return (self.promoters - self.detractors) / self.responses


_ANSWER_AGGREGATES: dict[str, Any] = {
    "responses": Count("pk"),
    **{f"s{n}": Count("pk", filter=Q(stars=n)) for n in range(1, 6)},
    "stars_sum": Sum("stars"),
    "promoters": Count("pk", filter=Q(nps__gte=9)),
    "detractors": Count("pk", filter=Q(nps__lte=6)),
}


def _fill(scores: Scores, row: dict[str, Any]) -> None:
    scores.responses = row["responses"]
    scores.stars = [row[f"s{n}"] for n in range(1, 6)]
    scores.stars_sum = row["stars_sum"] or 0
    scores.promoters = row["promoters"]
    scores.detractors = row["detractors"]


def _add_answers(total: Scores, scores: Scores) -> None:
    total.responses += scores.responses
    total.stars = [a + b for a, b in zip(total.stars, scores.stars, strict=True)]
    total.stars_sum += scores.stars_sum
    total.promoters += scores.promoters
    total.detractors += scores.detractors


@dataclass
class ClinicAsks:
    clinic: str
    testimonials: int = 0
    approved: int = 0
    withdrawn: int = 0
    review_clicks: int = 0


@dataclass
class ReferrerRow:
    referrer: str
    made: int
    booked: int
    completed: int


@dataclass
class Recovery:
    clinic: str
    opened: int = 0
    resolved: int = 0
    in_time: int = 0
    still_open: int = 0
    late_open: int = 0
    satisfied: int = 0
    rerated: int = 0


@dataclass
class SatisfactionReport:
    params: ReportParams
    total: Scores
    groups: list[Group]
    months: list[tuple[str, Scores]]
    asks: list[ClinicAsks]
    referrers: list[ReferrerRow]
    recovery: list[Recovery]
    recovery_total: Recovery


def satisfaction_report(
    params: ReportParams, *, now: dt.datetime | None = None
) -> SatisfactionReport:
    from django.utils import timezone

    now = now or timezone.now()
    start, end = params.period.bounds()
    group_by = params.group_by
    by: dict[Any, Scores] = {}

    asked = (
        ScheduledMessage.objects.filter(
            rule__key=SURVEY_RULE, status=Status.SENT, sent_at__gte=start, sent_at__lt=end
        )
        .order_by()
        .values(key=_group_expr(group_by, "journey__"))
        .annotate(
            asked=Count("journey_id", distinct=True),
            answered=Count("journey__survey", distinct=True),
        )
    )
    row: dict[str, Any]
    for row in _rows(asked):
        scores = by.setdefault(row["key"], Scores())
        scores.asked, scores.answered = row["asked"], row["answered"]
    answers = SurveyAnswer.objects.filter(answered_at__gte=start, answered_at__lt=end).order_by()
    month_rows = _rows(
        answers.values(month=TruncMonth("answered_at"))
        .annotate(**_ANSWER_AGGREGATES)
        .order_by("month")
    )
    if group_by:
        for row in _rows(
            answers.values(key=_group_expr(group_by, "journey__")).annotate(**_ANSWER_AGGREGATES)
        ):
            _fill(by.setdefault(row["key"], Scores()), row)
    else:
        # Without a breakdown the months add up to the total: one query fewer.
        whole = by.setdefault(TOTAL, Scores())
        for row in month_rows:
            month = Scores()
            _fill(month, row)
            _add_answers(whole, month)

    total = Scores()
    for scores in by.values():
        total.asked += scores.asked
        total.answered += scores.answered
        _add_answers(total, scores)
    groups: list[Group] = []
    if group_by:
        labels = _group_labels(group_by, by)
        for key in _ordered_keys(labels, {k: s.responses for k, s in by.items()}):
            groups.append(Group(key, labels[key], by[key]))
    else:
        by.pop(TOTAL, None)

    months: list[tuple[str, Scores]] = []
    for row in month_rows:
        scores = Scores()
        _fill(scores, row)
        months.append((row["month"].strftime("%Y-%m"), scores))

    clinics = {c.pk: c.name for c in Clinic.objects.all().only("name")}
    asks: dict[int, ClinicAsks] = {}
    for row in _rows(
        Testimonial.objects.filter(consented_at__gte=start, consented_at__lt=end)
        .order_by()
        .values("clinic_id")
        .annotate(
            n=Count("pk"),
            approved=Count("pk", filter=Q(status="approved", withdrawn_at__isnull=True)),
            withdrawn=Count("withdrawn_at"),
        )
    ):
        item = asks.setdefault(row["clinic_id"], ClinicAsks(clinics.get(row["clinic_id"], "")))
        item.testimonials, item.approved, item.withdrawn = (
            row["n"],
            row["approved"],
            row["withdrawn"],
        )
    for row in _rows(
        ReviewClick.objects.filter(clicked_at__gte=start, clicked_at__lt=end)
        .order_by()
        .values("clinic_id")
        .annotate(n=Count("pk"))
    ):
        clicks = asks.setdefault(row["clinic_id"], ClinicAsks(clinics.get(row["clinic_id"], "")))
        clicks.review_clicks = row["n"]

    referrers = [
        ReferrerRow(row["name"], row["made"], row["booked"], row["completed"])
        for row in _rows(
            Referral.objects.filter(created_at__gte=start, created_at__lt=end)
            .order_by()
            .values("referrer_id", name=F("referrer__full_name"))
            .annotate(
                made=Count("pk"),
                booked=Count("pk", filter=Q(journey__booked_at__isnull=False)),
                completed=Count("pk", filter=Q(journey__outcome=Outcome.COMPLETED)),
            )
            .order_by("-made", "name")
        )
    ]

    recovery: list[Recovery] = []
    recovery_total = Recovery("All")
    for row in _rows(
        RecoveryCase.objects.filter(opened_at__gte=start, opened_at__lt=end)
        .order_by()
        .values("clinic_id")
        .annotate(
            opened=Count("pk"),
            resolved=Count("resolved_at"),
            in_time=Count("pk", filter=Q(resolved_at__lte=F("deadline_at"))),
            still_open=Count("pk", filter=Q(resolved_at__isnull=True)),
            late_open=Count("pk", filter=Q(resolved_at__isnull=True, deadline_at__lt=now)),
            satisfied=Count("pk", filter=Q(outcome="satisfied")),
            rerated=Count("rerated_at"),
        )
    ):
        case = Recovery(clinics.get(row["clinic_id"], ""))
        for name in (
            "opened",
            "resolved",
            "in_time",
            "still_open",
            "late_open",
            "satisfied",
            "rerated",
        ):
            setattr(case, name, row[name])
            setattr(recovery_total, name, getattr(recovery_total, name) + row[name])
        recovery.append(case)
    recovery.sort(key=lambda r: (-r.opened, r.clinic))
    return SatisfactionReport(
        params=params,
        total=total,
        groups=groups,
        months=months,
        asks=sorted(asks.values(), key=lambda a: (-a.testimonials - a.review_clicks, a.clinic)),
        referrers=referrers,
        recovery=recovery,
        recovery_total=recovery_total,
    )
