from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = "People"


class CrmAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, installed with our site (crm/admin_site.py): the same admin,
    with its query-string input read safely."""

    default = False  # "crm" in INSTALLED_APPS still means CrmConfig
    default_site = "crm.admin_site.CrmAdminSite"
