from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from audit.models import Action
from audit.services import audit_record
from crm.models import Interaction
from journeys.models import Journey, JourneyEvent, LostReason
from journeys.selectors import (
    journey_has_active,
    journeys_visible_to,
    patients_visible_to,
    visible_through,
)
from journeys.services import (
    TARGETS,
    JourneyError,
    journey_assign,
    journey_create,
    journey_move,
    journey_update,
)


class VisibleAdmin(admin.ModelAdmin):
    """A ModelAdmin whose every queryset (changelist, change, delete, history, actions,
    custom views through get_queryset) starts from the access rule, and whose journey and
    patient pickers offer only what the user may see.

    The admin is for managers (crm.admin_site), who see everything by today's rule; coding
    it through the rule keeps the admin right if a manager's scope ever narrows."""

    # How this model reaches Journey: "" for Journey itself, "journey" for its rows.
    journey_path = ""

    def patient_path(self) -> str:
        """The lookup from this model to its patient's id (for the audit trail)."""
        return f"{self.journey_path}__patient_id" if self.journey_path else "patient_id"

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            # Reading a patient's data in the admin is audited like the patient page.
            patient_id = (
                self.get_queryset(request)
                .filter(pk=object_id)
                .values_list(self.patient_path(), flat=True)
                .first()
            )
            audit_record(
                actor=request.user,
                action=Action.VIEW,
                object_type=self.model._meta.label_lower,
                object_id=object_id,
                patient_id=patient_id,
                note="admin",
            )
        return response

    # Deleting in the admin is a write like any other: each deleted row is audited, in the
    # delete's own transaction (the admin's delete view and action are atomic).
    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._audit_deletes(request, [obj.pk])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        self._audit_deletes(request, list(queryset.values_list("pk", flat=True)))
        super().delete_queryset(request, queryset)

    def _audit_deletes(self, request: HttpRequest, pks: list[Any]) -> None:
        rows = self.model._default_manager.filter(pk__in=pks).values_list("pk", self.patient_path())
        for pk, patient_id in rows:
            audit_record(
                actor=request.user,
                action=Action.DELETE,
                object_type=self.model._meta.label_lower,
                object_id=pk,
                patient_id=patient_id,
                note="admin",
            )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        rule = visible_through(request.user, self.journey_path)
        return queryset.none() if rule is None else queryset.filter(rule)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        model = db_field.remote_field.model
        if model is Journey:
            kwargs["queryset"] = journeys_visible_to(request.user)
        elif model._meta.label == "crm.Patient":
            kwargs["queryset"] = patients_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class JourneyEventInline(admin.TabularInline):
    model = JourneyEvent
    extra = 0
    can_delete = False
    ordering = ["-created_at", "-id"]
    fields = readonly_fields = (
        "created_at",
        "kind",
        "from_stage",
        "to_stage",
        "outcome",
        "actor",
        "reason",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # events are written by services only

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class InteractionInline(admin.TabularInline):
    model = Interaction
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "occurred_at",
        "kind",
        "direction",
        "summary",
        "minutes_spent",
        "by",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MoveFields(forms.Form):
    """What "Move selected journeys" needs besides the selection."""

    target = forms.ChoiceField(
        required=False,
        choices=[("", "— move to —"), *[(t, t.replace("_", " ")) for t in TARGETS]],
    )
    reason = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"placeholder": "reason"})
    )
    lost_reason = forms.ChoiceField(
        required=False, choices=[("", "— lost reason —"), *LostReason.choices]
    )
    postponed_until = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class JourneyAddForm(forms.ModelForm):
    class Meta:
        model = Journey
        fields = [
            "patient",
            "procedure",
            "coordinator",
            "inquiry_received_at",
            "estimated_cost",
            "currency",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        patient, procedure = data.get("patient"), data.get("procedure")
        if patient and procedure and journey_has_active(patient=patient, procedure=procedure):
            raise forms.ValidationError(
                f"{patient.full_name} already has an active journey for {procedure.name}."
            )
        return data


class MoveActionForm(helpers.ActionForm, MoveFields):
    """The move fields shown beside the admin's action dropdown."""


@admin.register(Journey)
class JourneyAdmin(VisibleAdmin):
    list_display = [
        "id",
        "patient",
        "procedure",
        "clinic",
        "stage",
        "outcome",
        "coordinator",
        "stage_entered_at",
    ]
    list_filter = ["stage", "outcome", "clinic", "coordinator", "lost_reason"]
    search_fields = ["patient__full_name", "patient__email", "patient__phone"]
    list_select_related = ["patient", "procedure", "clinic", "coordinator"]
    raw_id_fields = ["patient"]
    inlines = [JourneyEventInline, InteractionInline]
    action_form = MoveActionForm
    actions = ["move_selected", "send_email"]
    list_per_page = 50
    show_full_result_count = False
    date_hierarchy = "inquiry_received_at"

    # Stage and outcome change only through the transition service (the action above).
    readonly_fields = [
        "stage",
        "outcome",
        "lost_reason",
        "postponed_until",
        "stage_entered_at",
        "first_response_at",
        "first_patient_reply_at",
        "awaiting_reply_since",
        "closed_at",
        "created_at",
        "updated_at",
    ]
    add_fields = JourneyAddForm.Meta.fields

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        # A journey being added has no events or interactions yet.
        return [] if obj is None else super().get_inline_instances(request, obj)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return list(self.add_fields)
        return [
            "patient",
            "procedure",
            "clinic",
            "coordinator",
            "stage",
            "outcome",
            "lost_reason",
            "postponed_until",
            "inquiry_received_at",
            "first_response_at",
            "first_patient_reply_at",
            "awaiting_reply_since",
            "stage_entered_at",
            "closed_at",
            "planned_arrival",
            "planned_procedure",
            "planned_departure",
            "estimated_cost",
            "currency",
            "created_at",
            "updated_at",
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return [*self.readonly_fields, "patient", "procedure", "clinic", "inquiry_received_at"]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = JourneyAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            form.base_fields["inquiry_received_at"].required = False
            form.base_fields["inquiry_received_at"].help_text = "Leave empty for now."
        return form

    def save_model(
        self, request: HttpRequest, obj: Journey, form: forms.ModelForm, change: bool
    ) -> None:
        if not change:
            created = journey_create(
                patient=obj.patient,
                procedure=obj.procedure,
                actor=request.user,
                coordinator=obj.coordinator,
                inquiry_received_at=obj.inquiry_received_at,
                estimated_cost=obj.estimated_cost,
                currency=obj.currency,
            )
            obj.pk = created.pk
            return
        if "coordinator" in form.changed_data:
            journey_assign(journey_id=obj.pk, coordinator=obj.coordinator, actor=request.user)
        # Remaining editable fields are plain data (planned dates, estimate), audited.
        plain = {f: form.cleaned_data[f] for f in form.changed_data if f != "coordinator"}
        if plain:
            journey_update(journey_id=obj.pk, actor=request.user, **plain)

    @admin.action(description="Move selected journeys (choose the target beside the action)")
    def move_selected(self, request: HttpRequest, queryset: QuerySet[Journey]) -> None:
        form = MoveFields(request.POST)
        if not form.is_valid() or not form.cleaned_data["target"]:
            self.message_user(request, "Choose where to move the journeys.", messages.ERROR)
            return
        data = form.cleaned_data
        moved = 0
        for journey_id in queryset.values_list("pk", flat=True):
            try:
                journey_move(
                    journey_id=journey_id,
                    target=data["target"],
                    actor=request.user,
                    reason=data["reason"],
                    lost_reason=data["lost_reason"],
                    postponed_until=data["postponed_until"],
                )
            except JourneyError as exc:
                # One refusal per journey; the others still move.
                self.message_user(request, str(exc), messages.ERROR)
            else:
                moved += 1
        if moved:
            self.message_user(request, f"Moved {moved} journey(s).", messages.SUCCESS)

    @admin.action(description="Send an email to the selected journey's patient")
    def send_email(self, request: HttpRequest, queryset: QuerySet[Journey]) -> Any:
        ids = list(queryset.values_list("pk", flat=True)[:2])
        if len(ids) != 1:
            self.message_user(request, "Select exactly one journey to email.", messages.ERROR)
            return None
        # The follow-ups app owns the compose page (templated or free text, same send path).
        url = reverse("admin:followups_message_send")
        return HttpResponseRedirect(f"{url}?journey={ids[0]}")


@admin.register(JourneyEvent)
class JourneyEventAdmin(VisibleAdmin):
    journey_path = "journey"

    list_display = ["created_at", "journey", "kind", "from_stage", "to_stage", "outcome", "actor"]
    list_filter = ["kind", "to_stage", "outcome"]
    search_fields = ["journey__patient__full_name", "journey__patient__email"]
    list_select_related = ["journey", "actor"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
