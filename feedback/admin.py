"""Admin: managers configure each clinic's review sites and recovery-case owner. Survey
answers and cases are handled on the dashboard (they are written by services only)."""

from __future__ import annotations

from django.contrib import admin

from feedback.models import ClinicFeedback, ReviewSite


@admin.register(ReviewSite)
class ReviewSiteAdmin(admin.ModelAdmin):
    list_display = ("clinic", "name", "url", "position", "active")
    list_filter = ("active", "clinic")
    list_editable = ("position", "active")


@admin.register(ClinicFeedback)
class ClinicFeedbackAdmin(admin.ModelAdmin):
    list_display = ("clinic", "manager")
    autocomplete_fields = ()
