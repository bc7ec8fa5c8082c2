"""The admin site: for managers and superusers only.

Django's admin answers to model permissions, which know nothing of who coordinates which
patient, so it is not a coordinator's tool at all (they use the dashboard, which applies
the access rule everywhere). Every ModelAdmin still starts its querysets from the access
rule (journeys.admin.VisibleAdmin), so a narrower manager scope later holds there too."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from crm.roles import may_use_admin


class CrmAdminSite(admin.AdminSite):
    site_header = "Patient-journey CRM administration"

    def has_permission(self, request: HttpRequest) -> bool:
        return may_use_admin(request.user)
