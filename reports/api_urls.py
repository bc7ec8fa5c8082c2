"""The reports API, mounted at /api/v1/ (crm/urls.py)."""

from django.urls import path

from reports import api

app_name = "reports_api"

urlpatterns = [
    path("reports/funnel/", api.FunnelReportView.as_view(), name="funnel"),
    path("reports/quotes/", api.QuoteReportView.as_view(), name="quotes"),
    path("reports/satisfaction/", api.SatisfactionReportView.as_view(), name="satisfaction"),
]
