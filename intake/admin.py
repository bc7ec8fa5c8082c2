"""Managers' admin for intake: assignment rules (who takes which new inquiries), intake
sites (embedding origins, JSON keys) and form submissions (held ones to accept)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from audit.models import Action
from audit.services import audit_record
from intake.models import CoordinatorRule, IntakeSite, IntakeSubmission, SubmissionStatus
from intake.services import IntakeError, site_key_rotate, submission_accept


class CoordinatorRuleForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        choices=settings.PATIENT_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Languages they speak with patients.",
    )

    class Meta:
        model = CoordinatorRule
        fields = ["user", "active", "languages", "procedures", "clinics", "capacity", "away_until"]


@admin.register(CoordinatorRule)
class CoordinatorRuleAdmin(admin.ModelAdmin):
    form = CoordinatorRuleForm
    list_display = ["user", "active", "language_list", "capacity", "away_until", "last_assigned_at"]
    list_filter = ["active"]
    filter_horizontal = ["procedures", "clinics"]
    readonly_fields = ["last_assigned_at", "updated_at"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]

    @admin.display(description="Languages")
    def language_list(self, obj: CoordinatorRule) -> str:
        return ", ".join(obj.languages or [])


@admin.register(IntakeSite)
class IntakeSiteAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "clinic", "active", "key_prefix"]
    readonly_fields = ["key_prefix", "created_at"]
    actions = ["new_key"]

    @admin.action(description="Make a new JSON key (the old one stops working)")
    def new_key(self, request: HttpRequest, queryset: QuerySet[IntakeSite]) -> None:
        for site in queryset:
            key = site_key_rotate(site_id=site.pk)
            # Shown once, to the manager who asked; only its hash is stored.
            self.message_user(request, f"{site.slug}: {key}", messages.WARNING)


@admin.register(IntakeSubmission)
class IntakeSubmissionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "status", "status_reason", "site", "via", "language"]
    list_filter = ["status", "via", "site"]
    date_hierarchy = "created_at"
    actions = ["accept"]
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in IntakeSubmission._meta.fields]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            # What a visitor typed is patient data: reading it is audited like the patient.
            audit_record(
                actor=request.user,
                action=Action.VIEW,
                object_type=self.model._meta.label_lower,
                object_id=object_id,
                patient_id=self.get_queryset(request)
                .filter(pk=object_id)
                .values_list("patient_id", flat=True)
                .first(),
                note="admin",
            )
        return response

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(
        description="Accept: a person sent it (opens the inquiry, sends the acknowledgment)"
    )
    def accept(self, request: HttpRequest, queryset: QuerySet[IntakeSubmission]) -> None:
        done = 0
        for submission in queryset.filter(status=SubmissionStatus.HELD):
            try:
                submission_accept(submission_id=submission.pk)
                done += 1
            except IntakeError as exc:
                self.message_user(request, str(exc), messages.ERROR)
        self.message_user(request, f"{done} held submission(s) accepted.")
