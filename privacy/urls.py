from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    path("audit/", views.audit_trail, name="audit"),
    path("audit/export.csv", views.audit_csv, name="audit_csv"),
    path("patients/<id:patient_id>/export/", views.patient_export_view, name="patient_export"),
    path("patients/<id:patient_id>/erase/", views.patient_erase_view, name="patient_erase"),
]
