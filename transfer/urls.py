from django.urls import path

from transfer import views

app_name = "transfer"
urlpatterns = [
    path("import/", views.import_start, name="import"),
    path("import/template.csv", views.import_template, name="import_template"),
    path("import/<id:run_id>/", views.import_run, name="import_run"),
    path("import/<id:run_id>/apply/", views.import_apply, name="import_apply"),
    path("import/<id:run_id>/refused.csv", views.import_refused, name="import_refused"),
    path("export/journeys.csv", views.export_journeys_csv, name="export_journeys"),
    path("export/patients.csv", views.export_patients_csv, name="export_patients"),
]
