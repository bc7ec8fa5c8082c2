"""The public inquiry form and its JSON endpoint, mounted at /inquire/ (crm/urls.py)."""

from django.urls import path

from intake import views

app_name = "intake"

urlpatterns = [
    path("", views.intake_form, name="form"),
    path("thanks/", views.intake_thanks, name="thanks"),
    path("submit.json", views.intake_json, name="json"),
    path("<slug:slug>/", views.intake_form, name="form_site"),
    path("<slug:slug>/thanks/", views.intake_thanks, name="thanks_site"),
]
