from __future__ import annotations

from django import forms
from django.contrib import admin

from crm.models import Clinic, Interaction, Patient, Procedure
from crm.services import PATIENT_EDITABLE, normalize_email, patient_create, patient_update
from journeys.admin import VisibleAdmin
from journeys.selectors import patients_visible_to
from journeys.services import interaction_log, interaction_update


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = [
            "full_name",
            "email",
            "phone",
            "country",
            "preferred_language",
            "timezone",
            "source",
            "referred_by",
            "notes",
        ]

    def clean_email(self) -> str:
        # Lower-cased before the case-insensitive unique constraint is checked, so a
        # duplicate differing only in case gets the form's "already exists" error.
        return normalize_email(self.cleaned_data["email"])


@admin.register(Patient)
class PatientAdmin(VisibleAdmin):
    form = PatientForm
    list_display = ["full_name", "email", "phone", "country", "preferred_language", "source"]
    list_filter = ["source", "preferred_language", "country"]
    search_fields = ["full_name", "email", "phone"]
    raw_id_fields = ["referred_by"]
    readonly_fields = ["created_at", "updated_at"]
    list_per_page = 50
    show_full_result_count = False  # a COUNT(*) over every patient on each page is wasted work

    def get_queryset(self, request):
        # Patients reach journeys the other way round: the rule's own patient selector.
        return admin.ModelAdmin.get_queryset(self, request) & patients_visible_to(request.user)

    def patient_path(self) -> str:
        return "pk"

    def save_model(self, request, obj, form, change):
        # Through the services, so the change and its audit entry commit together.
        data = {name: form.cleaned_data[name] for name in PATIENT_EDITABLE}
        if change:
            changed = {name: data[name] for name in form.changed_data if name in data}
            patient_update(patient_id=obj.pk, actor=request.user, **changed)
            return
        timezone_name = data.pop("timezone")
        created = patient_create(actor=request.user, timezone_name=timezone_name, **data)
        obj.pk = created.pk


class ProcedureInline(admin.TabularInline):
    model = Procedure
    extra = 0


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "country", "timezone"]
    list_filter = ["country"]
    search_fields = ["name", "city"]
    inlines = [ProcedureInline]


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["name", "clinic", "typical_stay_days", "recovery_days"]
    list_filter = ["clinic"]
    search_fields = ["name", "clinic__name"]
    list_select_related = ["clinic"]


@admin.register(Interaction)
class InteractionAdmin(VisibleAdmin):
    journey_path = "journey"

    list_display = ["occurred_at", "kind", "direction", "journey", "by", "minutes_spent"]
    list_filter = ["kind", "direction"]
    search_fields = ["journey__patient__full_name", "journey__patient__email", "summary"]
    raw_id_fields = ["journey"]
    list_select_related = ["journey", "by"]
    readonly_fields = ["by", "created_at"]
    date_hierarchy = "occurred_at"

    def get_readonly_fields(self, request, obj=None):
        # A logged contact stays on its journey (interaction_update refuses moving it).
        return [*self.readonly_fields, "journey"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            changed = {name: form.cleaned_data[name] for name in form.changed_data}
            interaction_update(interaction_id=obj.pk, actor=request.user, **changed)
            return
        logged = interaction_log(
            journey_id=obj.journey_id,
            kind=obj.kind,
            direction=obj.direction,
            summary=obj.summary,
            minutes_spent=obj.minutes_spent,
            occurred_at=obj.occurred_at,
            by=request.user,
        )
        # The admin goes on to build its messages and redirect from `obj`.
        obj.pk = logged.pk
