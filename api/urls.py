"""The REST API v1, mounted at /api/v1/ (crm/urls.py). Ids take the `id` converter, so
an id beyond bigint is a 404 before any view; anything unknown ends at NotFoundView."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from api import (
    schema,  # noqa: F401 - registers the API key scheme with drf-spectacular
    views,
)
from api.docs import ApiDocsView

# Named api:<name>; the reports keep their own namespace (reports_api:funnel).
resources = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", ApiDocsView.as_view(url_name="api:schema"), name="docs"),
    path("patients/", views.PatientList.as_view(), name="patients"),
    path("patients/<id:patient_id>/", views.PatientDetail.as_view(), name="patient"),
    path("journeys/", views.JourneyList.as_view(), name="journeys"),
    path("journeys/<id:journey_id>/", views.JourneyDetail.as_view(), name="journey"),
    path("journeys/<id:journey_id>/move/", views.JourneyMove.as_view(), name="journey_move"),
    path(
        "journeys/<id:journey_id>/interactions/",
        views.JourneyInteractions.as_view(),
        name="journey_interactions",
    ),
    path(
        "journeys/<id:journey_id>/messages/",
        views.JourneyMessages.as_view(),
        name="journey_messages",
    ),
    path("journeys/<id:journey_id>/events/", views.JourneyEvents.as_view(), name="journey_events"),
    path("messages/<id:message_id>/", views.MessageDetail.as_view(), name="message"),
    path("procedures/", views.ProcedureList.as_view(), name="procedures"),
    path("procedures/<id:procedure_id>/", views.ProcedureDetail.as_view(), name="procedure"),
    path("clinics/", views.ClinicList.as_view(), name="clinics"),
    path("clinics/<id:clinic_id>/", views.ClinicDetail.as_view(), name="clinic"),
    path("inquiries/", views.InquiryCreate.as_view(), name="inquiries"),
]

urlpatterns = [
    path("", include((resources, "api"))),
    # The managers' reports, at the URLs they always had (reports/api_urls.py).
    path("", include("reports.api_urls")),
    # Any path at all, newlines included (`.` would stop at one).
    re_path(r"^[\s\S]*\Z", views.NotFoundView.as_view(), name="api_not_found"),
]
