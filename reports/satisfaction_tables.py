"""The Satisfaction page's tables (reports.satisfaction), read by the page and its CSVs."""

from __future__ import annotations

from typing import Any

from reports.satisfaction import Recovery, SatisfactionReport, Scores
from reports.tables import INT, PAGE_ROWS, PCT, TEXT, Column, Table, _group_label

AVG, NPS = "avg", "nps"
ASK_FIELDS = ("testimonials", "approved", "withdrawn", "review_clicks")

SCORE_COLUMNS = [
    Column("Asked", INT, "Satisfaction requests sent in the period (one per journey)."),
    Column("Answered", INT, "Of the journeys asked in the period, those that answered."),
    Column("Response rate", PCT, "Answered ÷ asked."),
    Column("Answers", INT, "Answers given in the period (the stars and NPS below)."),
    *[Column(f"{n}★", INT) for n in range(1, 6)],
    Column("Average stars", AVG),
    Column("NPS", NPS, "Promoters (9-10) minus detractors (0-6), -100 to 100."),
]


def _score_cells(s: Scores) -> list[Any]:
    return [
        s.asked,
        s.answered,
        s.response_rate,
        s.responses,
        *s.stars,
        s.average_stars,
        s.nps,
    ]


RECOVERY_COLUMNS = [
    Column("Opened", INT),
    Column("Resolved", INT),
    Column("Resolved in time", INT, "Resolved before the deadline (working days setting)."),
    Column("Open", INT),
    Column("Open, past deadline", INT),
    Column("Patient satisfied", INT, "Resolved with the outcome “patient satisfied”."),
    Column("Re-rated", INT, "Recovered patients who gave the one re-rating asked."),
]


def _recovery_cells(r: Recovery) -> list[Any]:
    return [r.opened, r.resolved, r.in_time, r.still_open, r.late_open, r.satisfied, r.rerated]


def satisfaction_tables(report: SatisfactionReport) -> list[Table]:
    scores = Table(
        "satisfaction",
        "Survey answers",
        [Column("", TEXT), *SCORE_COLUMNS],
        note="1-3 stars or an aspect at 2 or less opens a service-recovery case; 5 stars or "
        "NPS 9-10 gets the testimonial, review and referral asks.",
    )
    scores.rows.append(["All", *_score_cells(report.total)])
    tables = [scores]
    if report.groups:
        name = _group_label(report.params.group_by)
        by = Table(
            "satisfaction-breakdown",
            "Survey answers by " + name.lower(),
            [Column(name, TEXT), *SCORE_COLUMNS],
            page_rows=PAGE_ROWS,
        )
        for group in report.groups:
            by.rows.append([group.label, *_score_cells(group.current)])
        by.total = ["All", *_score_cells(report.total)]
        tables.append(by)
    months = Table(
        "satisfaction-months",
        "Survey answers by month",
        [Column("Month", TEXT), *SCORE_COLUMNS[3:]],
    )
    for label, s in report.months:
        months.rows.append([label, *_score_cells(s)[3:]])
    months.total = ["All", *_score_cells(report.total)[3:]]
    tables.append(months)
    asks = Table(
        "testimonials-reviews",
        "Testimonials and review clicks by clinic",
        [
            Column("Clinic", TEXT),
            Column("Testimonials", INT, "Given with consent in the period."),
            Column("Approved, consent standing", INT),
            Column("Consent withdrawn", INT),
            Column("Review clicks", INT, "Taps on a review site's button on the thank-you page."),
        ],
        page_rows=PAGE_ROWS,
    )
    for a in report.asks:
        asks.rows.append([a.clinic, a.testimonials, a.approved, a.withdrawn, a.review_clicks])
    asks.total = [
        "All",
        *(sum(getattr(a, name) for a in report.asks) for name in ASK_FIELDS),
    ]
    tables.append(asks)
    referrals = Table(
        "referrals",
        "Referrals per referrer",
        [
            Column("Referrer", TEXT),
            Column("Referred", INT, "New journeys attributed to their code in the period."),
            Column("Booked", INT),
            Column("Completed", INT),
        ],
        page_rows=PAGE_ROWS,
    )
    for r in report.referrers:
        referrals.rows.append([r.referrer, r.made, r.booked, r.completed])
    referrals.total = [
        "All",
        sum(r.made for r in report.referrers),
        sum(r.booked for r in report.referrers),
        sum(r.completed for r in report.referrers),
    ]
    tables.append(referrals)
    recovery = Table(
        "recovery",
        "Service recovery by clinic",
        [Column("Clinic", TEXT), *RECOVERY_COLUMNS],
        page_rows=PAGE_ROWS,
        note="Cases opened in the period.",
    )
    for case in report.recovery:
        recovery.rows.append([case.clinic, *_recovery_cells(case)])
    recovery.total = ["All", *_recovery_cells(report.recovery_total)]
    tables.append(recovery)
    return tables
