from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from crm import views
from crm.inputs import IdConverter
from crm.webhooks import anymail_urlpatterns

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
    path("admin/", admin.site.urls),
    # ESP webhooks: /anymail/<esp>/tracking/ (delivery events) and /anymail/<esp>/inbound/,
    # guarded so an unused ESP's route is a 404 and an unreadable post a 400.
    path("anymail/", include((anymail_urlpatterns(), "anymail"))),
    path("followups/", include("followups.urls")),
    path("reports/", include("reports.urls")),
    path("api/v1/", include("reports.api_urls")),
    # The coordinators' dashboard: "/" is My day.
    path("", include("crm.dashboard.urls")),
]
