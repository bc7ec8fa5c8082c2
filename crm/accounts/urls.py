from django.urls import path

from crm.accounts import views

app_name = "accounts"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("two-factor/", views.enrol, name="enrol"),
    path("two-factor/off/", views.second_factor_off, name="second_factor_off"),
    path("two-factor/recovery-codes/", views.recovery_codes_new, name="recovery_codes"),
    path("security/", views.security, name="security"),
    path("security/unlock/", views.unlock, name="unlock"),
]
