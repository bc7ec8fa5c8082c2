"""Admin: managers edit after-care plans; escalations, check-ins and steps are read-only
records (the dashboard's My day is where escalations are handled)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from care.models import (
    AfterCarePlan,
    AfterCareStep,
    CheckIn,
    Escalation,
    JourneyStep,
    RiskPhrase,
    TravelDefault,
    TravelItem,
)


class AfterCareStepInline(admin.StackedInline):
    model = AfterCareStep
    extra = 1
    fields = (
        ("anchor", "day_offset", "must_confirm"),
        "title_en",
        "text_en",
        "title_es",
        "text_es",
        "title_de",
        "text_de",
    )


@admin.register(AfterCarePlan)
class AfterCarePlanAdmin(admin.ModelAdmin):
    list_display = ("name", "procedure_name", "procedure", "active", "step_count")
    list_filter = ("active",)
    search_fields = ("name", "procedure_name")
    inlines = [AfterCareStepInline]

    @admin.display(description="Steps")
    def step_count(self, obj: AfterCarePlan) -> int:
        return obj.steps.count()


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Escalation)
class EscalationAdmin(ReadOnly):
    list_display = ("pk", "journey", "source", "opened_at", "acknowledged_at", "resolved_at")
    list_filter = ("source",)
    date_hierarchy = "opened_at"
    raw_id_fields = ("journey",)


@admin.register(CheckIn)
class CheckInAdmin(ReadOnly):
    list_display = ("pk", "journey", "answer", "pain", "created_at")
    list_filter = ("answer",)
    date_hierarchy = "created_at"


@admin.register(JourneyStep)
class JourneyStepAdmin(ReadOnly):
    list_display = ("pk", "journey", "step", "due_on", "status", "email_status")
    list_filter = ("status", "email_status")


@admin.register(TravelDefault)
class TravelDefaultAdmin(admin.ModelAdmin):
    """Which travel items a trip needs, per clinic or per procedure (the procedure's row
    wins). Applies to journeys booked from now on; existing checklists are not rewritten."""

    list_display = ("__str__", "flight_out", "hotel", "transfer", "visa", "companion", "deposit")
    list_select_related = ("clinic", "procedure__clinic")
    fields = (
        ("clinic", "procedure"),
        ("flight_out", "flight_back"),
        ("hotel", "transfer"),
        ("passport", "visa", "visa_countries"),
        ("companion", "medical_docs", "deposit"),
    )


@admin.register(TravelItem)
class TravelItemAdmin(ReadOnly):
    list_display = ("pk", "journey", "kind", "status", "changed_at", "by_patient")
    list_filter = ("kind", "status")
    raw_id_fields = ("journey",)


@admin.register(RiskPhrase)
class RiskPhraseAdmin(admin.ModelAdmin):
    """The booked-risk word lists: managers add a phrasing or a competitor's name here;
    the next recompute (a reply, or the nightly run) uses it."""

    list_display = ("phrase", "category", "language", "active")
    list_filter = ("category", "language", "active")
    list_editable = ("active",)
    search_fields = ("phrase",)
