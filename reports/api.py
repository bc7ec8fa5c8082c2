"""The reports API: the same selectors and numbers as the Reports pages, as JSON.

Managers only, by API key or session (settings.REST_FRAMEWORK); mounted by api/urls.py.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.roles import is_manager
from reports.funnel import Funnel, FunnelReport, funnel_report
from reports.params import ReportParamsError, parse_params
from reports.quotes import quote_report, quote_report_data
from reports.satisfaction import SatisfactionReport, satisfaction_report


def bad_params(request: Request, exc: ReportParamsError) -> Response:
    """A bad report parameter: an RFC 9457 problem like the rest of the API; `errors` maps
    each parameter to its message."""
    problem = {
        "type": "/api/v1/problems/validation",
        "title": "Bad Request",
        "status": 400,
        "detail": str(exc),
        "instance": request.path,
        "errors": exc.errors,
    }
    return Response(problem, status=400, content_type="application/problem+json")


class IsManager(BasePermission):
    message = "Reports are for managers."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_manager(request.user)


def funnel_data(funnel: Funnel) -> dict[str, Any]:
    show = funnel.show
    return {
        "inquiries": funnel.inquiries,
        "completed": funnel.completed,
        "overall_conversion": funnel.overall,
        "postponed_ever": funnel.postponed_ever,
        "came_back": funnel.came_back,
        "show_rate": {
            "arrived": show.arrived,
            "lost": show.lost,
            "postponed": show.postponed,
            "waiting": show.waiting,
            "rate": show.rate,
        },
        "stages": [
            {
                "stage": s.stage,
                "label": s.label,
                "reached": s.reached,
                "share_of_inquiries": s.share,
                "went_on": s.went_on,
                "conversion_to_next": s.conversion,
                "lost": s.lost_total,
                "lost_by_reason": s.lost,
                "postponed": s.postponed,
                "in_progress": s.in_progress,
            }
            for s in funnel.stages
        ],
    }


def funnel_report_data(report: FunnelReport) -> dict[str, Any]:
    params = report.params
    return {
        **params.period.as_dict(),
        "group_by": params.group_by or None,
        "previous_period": params.period.previous().as_dict() if params.compare else None,
        "current": funnel_data(report.current),
        "previous": funnel_data(report.previous) if report.previous else None,
        "groups": [
            {
                "key": group.key,
                "label": group.label,
                "current": funnel_data(group.current),
                "previous": funnel_data(group.previous) if group.previous else None,
            }
            for group in report.groups
        ],
    }


@extend_schema(
    tags=["reports"],
    parameters=[
        OpenApiParameter("from", OpenApiTypes.DATE),
        OpenApiParameter("to", OpenApiTypes.DATE),
        OpenApiParameter(
            "group_by", str, enum=["", "coordinator", "clinic", "procedure", "country", "source"]
        ),
        OpenApiParameter("compare", str, enum=["0", "1"]),
    ],
    responses={200: OpenApiTypes.OBJECT},
)
class FunnelReportView(APIView):
    """GET /api/v1/reports/funnel/?from=YYYY-MM-DD&to=YYYY-MM-DD&group_by=&compare=1

    Dates default to the last 90 days; group_by is one of coordinator, clinic, procedure,
    country, source (or empty). A bad parameter answers 400 naming it."""

    permission_classes = [IsAuthenticated, IsManager]

    def get(self, request: Request) -> Response:
        try:
            params = parse_params(request.query_params)
        except ReportParamsError as exc:
            return bad_params(request, exc)
        return Response(funnel_report_data(funnel_report(params)))


@extend_schema(
    tags=["reports"],
    parameters=[
        OpenApiParameter("from", OpenApiTypes.DATE),
        OpenApiParameter("to", OpenApiTypes.DATE),
        OpenApiParameter(
            "group_by", str, enum=["", "coordinator", "clinic", "procedure", "country", "source"]
        ),
    ],
    responses={200: OpenApiTypes.OBJECT},
)
class QuoteReportView(APIView):
    """GET /api/v1/reports/quotes/?from=YYYY-MM-DD&to=YYYY-MM-DD&group_by=

    Quotes first sent and final bills recorded in the period (default: the last 90 days):
    sent, accepted, time to accept, bills that differ from their quote, variance per clinic
    and currency, and the lines that most often change. A bad parameter answers 400."""

    permission_classes = [IsAuthenticated, IsManager]

    def get(self, request: Request) -> Response:
        try:
            params = parse_params(request.query_params)
        except ReportParamsError as exc:
            return bad_params(request, exc)
        return Response(quote_report_data(quote_report(params)))


def _scores_data(s: Any) -> dict[str, Any]:
    return {
        "asked": s.asked,
        "answered": s.answered,
        "response_rate": s.response_rate,
        "answers": s.responses,
        "stars": {str(n): s.stars[n - 1] for n in range(1, 6)},
        "average_stars": s.average_stars,
        "nps": None if s.nps is None else round(s.nps * 100, 1),
    }


def satisfaction_report_data(report: SatisfactionReport) -> dict[str, Any]:
    params = report.params
    return {
        **params.period.as_dict(),
        "group_by": params.group_by or None,
        "total": _scores_data(report.total),
        "groups": [
            {"key": g.key, "label": g.label, "scores": _scores_data(g.current)}
            for g in report.groups
        ],
        "months": [{"month": m, "scores": _scores_data(s)} for m, s in report.months],
        "testimonials_and_reviews": [
            {
                "clinic": a.clinic,
                "testimonials": a.testimonials,
                "approved": a.approved,
                "withdrawn": a.withdrawn,
                "review_clicks": a.review_clicks,
            }
            for a in report.asks
        ],
        "referrals": [
            {
                "referrer": r.referrer,
                "referred": r.made,
                "booked": r.booked,
                "completed": r.completed,
            }
            for r in report.referrers
        ],
        "recovery": [
            {"clinic": r.clinic, **{k: getattr(r, k) for k in RECOVERY_FIELDS}}
            for r in [*report.recovery, report.recovery_total]
        ],
    }


RECOVERY_FIELDS = (
    "opened",
    "resolved",
    "in_time",
    "still_open",
    "late_open",
    "satisfied",
    "rerated",
)


@extend_schema(
    tags=["reports"],
    parameters=[
        OpenApiParameter("from", OpenApiTypes.DATE),
        OpenApiParameter("to", OpenApiTypes.DATE),
        OpenApiParameter(
            "group_by", str, enum=["", "coordinator", "clinic", "procedure", "country", "source"]
        ),
    ],
    responses={200: OpenApiTypes.OBJECT},
)
class SatisfactionReportView(APIView):
    """GET /api/v1/reports/satisfaction/?from=YYYY-MM-DD&to=YYYY-MM-DD&group_by=

    The Satisfaction page's figures: response rate, star distribution, average stars and
    NPS (total, by group_by, by month), testimonials and review clicks by clinic, referrals
    per referrer, service-recovery cases by clinic (the last row is the total)."""

    permission_classes = [IsAuthenticated, IsManager]

    def get(self, request: Request) -> Response:
        try:
            params = parse_params(request.query_params)
        except ReportParamsError as exc:
            return bad_params(request, exc)
        return Response(satisfaction_report_data(satisfaction_report(params)))
