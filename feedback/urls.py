from django.urls import path

from feedback import views

app_name = "feedback"
urlpatterns = [
    # The link in the satisfaction emails (FOLLOWUPS_SURVEY_URL): on to the patient's page.
    path("survey/<str:token>/", views.survey_link, name="survey_link"),
    # The survey on the patient's page; the token is care's page token (no login).
    path("care/<str:token>/survey/", views.survey, name="survey"),
    # The withdraw link in every later email: GET asks, the POST withdraws.
    path("care/<str:token>/withdraw/", views.withdraw, name="withdraw"),
    path("r/<str:code>/", views.referral, name="referral"),
    path("feedback/testimonials/", views.testimonials, name="testimonials"),
    path(
        "feedback/testimonials/export.<str:fmt>",
        views.testimonials_export,
        name="testimonials_export",
    ),
    path(
        "feedback/testimonials/<id:journey_id>/review/",
        views.testimonial_review,
        name="testimonial_review",
    ),
    path("feedback/cases/<id:journey_id>/", views.case_action, name="case_action"),
]
