from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from crm import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="crm/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    # ESP webhooks: /anymail/<esp>/tracking/ (delivery events) and /anymail/<esp>/inbound/.
    path("anymail/", include("anymail.urls")),
    path("followups/", include("followups.urls")),
    path("care/", include("care.urls")),
    path("reports/", include("reports.urls")),
    path("api/v1/", include("reports.api_urls")),
    # The coordinators' dashboard: "/" is My day.
    path("", include("crm.dashboard.urls")),
]
