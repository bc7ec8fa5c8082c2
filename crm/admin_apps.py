"""django.contrib.admin with our site (crm.admin_site): managers and superusers only.

Its own module: INSTALLED_APPS imports it before the models are ready, so it names the
site by path and imports nothing of ours."""

from django.contrib.admin.apps import AdminConfig


class CrmAdminConfig(AdminConfig):
    default_site = "crm.admin_site.CrmAdminSite"
