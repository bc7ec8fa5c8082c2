"""The managers' Reports section, mounted at /reports/ (crm/urls.py)."""

from django.urls import path

from reports import views as views_reports

app_name = "reports"

urlpatterns = [
    path("", views_reports.funnel, name="index"),
    path("speed/", views_reports.speed, name="speed"),
    path("follow-ups/", views_reports.followups, name="followups"),
    path("care/", views_reports.care, name="care"),
    path("quotes/", views_reports.quotes, name="quotes"),
    path("satisfaction/", views_reports.satisfaction, name="satisfaction"),
    path("load/", views_reports.load, name="load"),
    path("assignment/", views_reports.assignment, name="assignment"),
    path("risk/", views_reports.risk, name="risk"),
    path("<slug:slug>.csv", views_reports.table_csv, name="csv"),
]
