from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter, reverse_lazy

from crm import views
from crm.inputs import IdConverter

# `<id:...>`: ids beyond bigint are a 404 at the resolver (crm/inputs.py).
register_converter(IdConverter, "id")

# A database outage answers 503 with Retry-After instead of 500 (crm/unavailable.py).
handler500 = "crm.unavailable.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="crm/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Changing the password ends every other session of the person (Django's session auth
    # hash); this one is kept.
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:security"),
        ),
        name="password_change",
    ),
    # Password reset by email: the link is valid PASSWORD_RESET_MINUTES and once.
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset_form.html",
            subject_template_name="accounts/password_reset_subject.txt",
            email_template_name="accounts/password_reset_email.txt",
            html_email_template_name="accounts/password_reset_email.html",
            extra_email_context={"site_url": settings.SITE_URL},
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("accounts/", include("crm.accounts.urls")),
    path("admin/", admin.site.urls),
    # ESP webhooks, only the configured ESP's: /anymail/<esp>/tracking/ and .../inbound/.
    path("anymail/", include("followups.webhooks")),
    path("followups/", include("followups.urls")),
    # feedback/ first: its /care/<token>/survey/ sits beside care's /care/<token>/.
    path("", include("feedback.urls")),
    path("care/", include("care.urls")),
    path("reports/", include("reports.urls")),
    # The public inquiry form (framable by the allowed origins) and its JSON endpoint.
    path("inquire/", include("intake.urls")),
    # CSV import (managers) and export (staff, scoped): transfer/.
    path("transfer/", include("transfer.urls")),
    # The REST API v1 and its OpenAPI schema and docs (api/urls.py, the reports included).
    path("api/v1/", include("api.urls")),
    # Managers: the audit trail, a patient's export and erasure.
    path("", include("privacy.urls")),
    # The coordinators' dashboard: "/" is My day.
    path("", include("crm.dashboard.urls")),
]
