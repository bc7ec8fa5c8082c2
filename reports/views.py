"""The managers' Reports section: funnel, speed, follow-ups and load pages, and a CSV
download for every table on them. Views parse the query string, call one selector
(reports.funnel, .speed, .followups, .load) and render; the tables come from
reports.tables so the page and its CSV cannot disagree."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from crm.csvcells import safe_cell
from crm.roles import is_manager
from reports import formatting as report_format
from reports.assignment import assignment_report
from reports.care import care_report
from reports.charts import funnel_chart, stage_time_chart
from reports.followups import followup_report
from reports.funnel import funnel_report
from reports.load import load_report
from reports.params import GROUP_BY_CHOICES, ReportParams, ReportParamsError, parse_params
from reports.quotes import quote_report, quote_tables
from reports.risk import risk_report
from reports.satisfaction import satisfaction_report
from reports.satisfaction_tables import satisfaction_tables
from reports.speed import speed_report
from reports.tables import (
    Table,
    assignment_tables,
    care_tables,
    csv_value,
    followup_tables,
    funnel_tables,
    load_tables,
    risk_tables,
    speed_tables,
)

View = Callable[..., HttpResponse]


def manager_required(view: View) -> View:
    """Anonymous: to the sign-in page. Signed in but not a manager: 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_manager(request.user):
            raise PermissionDenied("Reports are for managers.")
        return view(request, *args, **kwargs)

    return wrapped


@dataclass
class Kpi:
    label: str
    value: str
    previous: str = ""
    change: str = ""
    help: str = ""


# --- What each page shows ------------------------------------------------------------------


def funnel_page(params: ReportParams) -> dict[str, Any]:
    report = funnel_report(params)
    now, before = report.current, report.previous
    kpis = [
        Kpi(
            "Inquiries",
            report_format.count(now.inquiries),
            report_format.count(before.inquiries) if before else "",
            report_format.signed(now.inquiries - before.inquiries) if before else "",
            help="Journeys whose inquiry arrived in the period: the cohort.",
        ),
        _share_kpi(
            "Booked",
            now.stages[1].share,
            before.stages[1].share if before else None,
            "Share of the inquiries that booked.",
        ),
        _share_kpi(
            "Overall conversion",
            now.overall,
            before.overall if before else None,
            "Share of the inquiries that reached follow-up (had the procedure).",
        ),
        _share_kpi(
            "Show rate",
            now.show.rate,
            before.show.rate if before else None,
            "Booked patients who arrived, of those whose arrival is decided.",
        ),
        Kpi(
            "Postponed, came back",
            f"{report_format.count(now.came_back)} of {report_format.count(now.postponed_ever)}",
            help="Journeys postponed at some point that are active or closed again now.",
        ),
    ]
    return {
        "report": report,
        "kpis": kpis,
        "charts": [funnel_chart(now, before)],
        "tables": funnel_tables(report),
    }


def speed_page(params: ReportParams) -> dict[str, Any]:
    report = speed_report(params)
    now, before = report.current, report.previous
    response = Kpi(
        "Median first response",
        report_format.duration(now.first_response.median),
        report_format.duration(before.first_response.median) if before else "",
        help="From the inquiry to the first answer, calendar time.",
    )
    kpis = [
        response,
        _share_kpi("Answered within 1 hour", now.share_1h, before.share_1h if before else None, ""),
        _share_kpi(
            "Answered within 24 hours", now.share_24h, before.share_24h if before else None, ""
        ),
        _share_kpi("Show rate", now.show.rate, before.show.rate if before else None, ""),
    ]
    return {
        "report": report,
        "kpis": kpis,
        "charts": [stage_time_chart(now)],
        "tables": speed_tables(report),
    }


def followups_page(params: ReportParams) -> dict[str, Any]:
    report = followup_report(params)
    total = report.total
    kpis = [
        Kpi("Check-ins due", report_format.count(total.due)),
        _share_kpi("On time", total.on_time_rate, None, "Sent within an hour of the due time."),
        _share_kpi("Reply rate", total.reply_rate, None, "Patient wrote back before our next."),
        Kpi("Failed", report_format.count(total.failed)),
    ]
    return {"report": report, "kpis": kpis, "charts": [], "tables": followup_tables(report)}


def satisfaction_page(params: ReportParams) -> dict[str, Any]:
    report = satisfaction_report(params)
    total = report.total
    kpis = [
        _share_kpi("Response rate", total.response_rate, None, "Answered ÷ surveys sent."),
        Kpi("Average stars", report_format.average(total.average_stars)),
        Kpi("NPS", report_format.nps(total.nps), help="Promoters minus detractors."),
        Kpi("Testimonials", report_format.count(sum(a.testimonials for a in report.asks))),
        Kpi("Review clicks", report_format.count(sum(a.review_clicks for a in report.asks))),
        Kpi("Referrals", report_format.count(sum(r.made for r in report.referrers))),
        Kpi(
            "Recovery resolved in time",
            f"{report.recovery_total.in_time} of {report.recovery_total.opened}",
        ),
    ]
    return {"report": report, "kpis": kpis, "charts": [], "tables": satisfaction_tables(report)}


def care_page(params: ReportParams) -> dict[str, Any]:
    report = care_report(params)
    e, plans = report.escalations, report.plans_total
    kpis = [
        Kpi("Escalations", report_format.count(e.opened)),
        Kpi(
            "Median to acknowledge",
            report_format.duration(e.to_acknowledge.median),
            help="From the patient's tap (or email) to a coordinator's acknowledgment.",
        ),
        _share_kpi(
            "Past deadline",
            e.past_deadline_rate,
            None,
            "Not acknowledged before managers were emailed.",
        ),
        _share_kpi(
            "After-care confirmed",
            plans.confirmed_rate,
            None,
            "Share of must-confirm steps due that the patient confirmed.",
        ),
    ]
    return {"report": report, "kpis": kpis, "charts": [], "tables": care_tables(report)}


def quotes_page(params: ReportParams) -> dict[str, Any]:
    report = quote_report(params)
    q = report.quotes
    kpis = [
        Kpi("Quotes sent", report_format.count(q.sent)),
        _share_kpi(
            "Accepted",
            q.acceptance_rate,
            None,
            "Share of the quotes sent that the patient accepted.",
        ),
        Kpi(
            "Median to accept",
            report_format.duration(q.to_accept.median),
            help="From sending the quote to the patient's acceptance on their page.",
        ),
        Kpi(
            "Bills that differ",
            f"{report_format.count(report.bills_differ)} of "
            f"{report_format.count(report.bills_total)}",
            help="Final bills recorded in the period whose total is not the accepted quote's.",
        ),
        _share_kpi(
            "Average variance", report.average_variance, None, "Mean of (bill - quote) ÷ quote."
        ),
    ]
    return {"report": report, "kpis": kpis, "charts": [], "tables": quote_tables(report)}


def risk_page(params: ReportParams) -> dict[str, Any]:
    report = risk_report(params)
    kpis = []
    for row in report.rows:
        if row.moment == "t14" and row.level in (0, 2):
            kpis.append(
                _share_kpi(
                    f"Show rate, {row.level_label.lower()} at T-14",
                    row.show_rate,
                    None,
                    "Arrived among the journeys whose booking settled (arrived, lost or "
                    "postponed).",
                )
            )
    return {"report": report, "kpis": kpis, "charts": [], "tables": risk_tables(report)}


def load_page(params: ReportParams) -> dict[str, Any]:
    report = load_report(params.group_by or "coordinator")
    total = report.total
    kpis = [
        Kpi("Active journeys", report_format.count(total.active_total)),
        Kpi("Replies waiting", report_format.count(total.replies_waiting)),
        Kpi("Overdue items", report_format.count(total.overdue)),
        Kpi("Postponed", report_format.count(total.postponed)),
    ]
    return {"report": report, "kpis": kpis, "charts": [], "tables": load_tables(report)}


def assignment_page(params: ReportParams) -> dict[str, Any]:
    report = assignment_report(params)
    total = report.total
    kpis = [
        Kpi("Assigned automatically", report_format.count(total.automatic)),
        Kpi("Assigned by hand", report_format.count(total.by_hand)),
        Kpi(
            "Left in the team queue",
            report_format.count(report.team_queue),
            help="New inquiries no coordinator's rule fitted (language, procedure, away).",
        ),
        Kpi(
            "Median first answer",
            report_format.duration(total.median),
            help="From the inquiry to the first email, call, WhatsApp or meeting.",
        ),
    ]
    return {"report": report, "kpis": kpis, "charts": [], "tables": assignment_tables(report)}


def _share_kpi(label: str, now: float | None, before: float | None, help: str) -> Kpi:
    if before is None:
        return Kpi(label, report_format.percent(now), help=help)
    change = report_format.points(now - before) if now is not None else ""
    return Kpi(label, report_format.percent(now), report_format.percent(before), change, help)


@dataclass(frozen=True)
class Page:
    name: str
    title: str
    build: Callable[[ReportParams], dict[str, Any]]
    tables: tuple[str, ...]
    # What the date range selects, for the line under the filters; "" for load, which is
    # "right now" and has no date range.
    scope: str = "Journeys whose inquiry arrived"
    compares: bool = True  # has a previous-period comparison

    @property
    def dated(self) -> bool:
        return bool(self.scope)

    @property
    def url_name(self) -> str:
        return "reports:index" if self.name == "funnel" else f"reports:{self.name}"


PAGES = {
    "funnel": Page("funnel", "Funnel", funnel_page, ("funnel", "dropoff", "funnel-breakdown")),
    "speed": Page(
        "speed",
        "Speed",
        speed_page,
        ("first-response", "stage-times", "show-rate", "speed-breakdown"),
    ),
    "followups": Page(
        "followups",
        "Follow-ups",
        followups_page,
        ("checkins", "checkins-breakdown"),
        scope="Automated check-ins due",
        compares=False,
    ),
    "care": Page(
        "care",
        "Care",
        care_page,
        ("escalations", "escalations-breakdown", "aftercare"),
        scope="Escalations opened and after-care steps dated",
        compares=False,
    ),
    "quotes": Page(
        "quotes",
        "Quotes and bills",
        quotes_page,
        ("quotes", "quotes-breakdown", "bills", "hidden-extras"),
        scope="Quotes sent and final bills recorded",
        compares=False,
    ),
    "satisfaction": Page(
        "satisfaction",
        "Satisfaction",
        satisfaction_page,
        (
            "satisfaction",
            "satisfaction-breakdown",
            "satisfaction-months",
            "testimonials-reviews",
            "referrals",
            "recovery",
        ),
        scope="Surveys sent and answered, testimonials, clicks, referrals and cases",
        compares=False,
    ),
    "risk": Page(
        "risk",
        "Booked risk",
        risk_page,
        ("risk-show-rate",),
        scope="Journeys booked",
        compares=False,
    ),
    "load": Page("load", "Load", load_page, ("load",), scope="", compares=False),
    "assignment": Page(
        "assignment",
        "Assignment",
        assignment_page,
        ("assignments",),
        scope="Assignments made and inquiries that arrived",
        compares=False,
    ),
}
TABLE_PAGES = {table: page for page in PAGES.values() for table in page.tables}


# --- Views ---------------------------------------------------------------------------------


def _render_page(request: HttpRequest, page: Page) -> HttpResponse:
    context: dict[str, Any] = {
        "page": page,
        "pages": PAGES.values(),
        "group_by_choices": GROUP_BY_CHOICES[0 if page.dated else 1 :],
        "raw": {k: request.GET.get(k, "") for k in ("from", "to", "group_by")},
        "timezone_name": timezone.get_current_timezone_name(),
    }
    try:
        params = parse_params(request.GET)
    except ReportParamsError as exc:
        context["errors"] = exc.errors
        return render(request, "reports/page.html", context, status=400)
    if not page.dated and not params.group_by:
        params = ReportParams(period=params.period, group_by="coordinator")
    context.update(page.build(params))
    context["params"] = params
    context["query"] = params.query()
    return render(request, "reports/page.html", context)


def _page_view(slug: str) -> View:
    """The view of one report tab: managers only, GET only, never cached."""

    @require_GET
    @never_cache
    @manager_required
    def view(request: HttpRequest) -> HttpResponse:
        return _render_page(request, PAGES[slug])

    view.__name__ = view.__qualname__ = slug
    return view


funnel = _page_view("funnel")
speed = _page_view("speed")
followups = _page_view("followups")
care = _page_view("care")
quotes = _page_view("quotes")
satisfaction = _page_view("satisfaction")
load = _page_view("load")
assignment = _page_view("assignment")
risk = _page_view("risk")


def table_csv_rows(table: Table) -> list[list[str]]:
    """The CSV lines of a table: header, rows, then the total row if any."""
    lines = [[c.csv_label for c in table.columns]]
    for row in [*table.rows, *([table.total] if table.total else [])]:
        lines.append(
            [
                csv_value(c.kind, v) if c.numeric else safe_cell("" if v is None else str(v))
                for c, v in zip(table.columns, row, strict=True)
            ]
        )
    return lines


@require_GET
@never_cache
@manager_required
def table_csv(request: HttpRequest, slug: str) -> HttpResponse:
    page = TABLE_PAGES.get(slug)
    if page is None:
        raise Http404(f"There is no report table {slug!r}.")
    try:
        params = parse_params(request.GET)
    except ReportParamsError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    if not page.dated and not params.group_by:
        params = ReportParams(period=params.period, group_by="coordinator")
    if slug.endswith("-breakdown") and not params.group_by:
        return HttpResponse(
            f"group_by: the {slug} table needs one of the breakdowns.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    table = next(t for t in page.build(params)["tables"] if t.slug == slug)
    name = slug if not page.dated else f"{slug}_{params.period.start}_{params.period.end}"
    if params.group_by and not slug.endswith(params.group_by):
        name += f"_by-{params.group_by}"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    csv.writer(response).writerows(table_csv_rows(table))
    return response
