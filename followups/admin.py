"""Admin for templates, cadence rules, the schedule and sent mail. Writes go through
followups.services; the admin only parses input and renders."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from followups import emails
from followups.models import (
    WEEKDAY_NAMES,
    CadenceRule,
    Message,
    MessageEvent,
    MessageTemplate,
    ScheduledMessage,
    mask_to_weekdays,
    weekdays_to_mask,
)
from followups.services import (
    FollowupError,
    message_send_one_off,
    messages_cancel,
    messages_send_now,
    template_save,
)
from journeys.models import Journey


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["key", "language", "subject", "updated_at"]
    list_filter = ["language", "key"]
    search_fields = ["key", "subject", "text"]
    readonly_fields = ["preview"]
    fieldsets = [
        (None, {"fields": ["key", "language", "subject", "text", "html"]}),
        (
            "Preview with sample data",
            {
                "fields": ["preview"],
                "description": "Variables: patient, coordinator, clinic, procedure, journey, "
                "links, company (see followups/README.md). Save to refresh the preview.",
            },
        ),
    ]

    @admin.display(description="Preview")
    def preview(self, obj: MessageTemplate | None) -> str:
        if obj is None or obj.pk is None:
            return "Save the template to see a preview."
        shown = emails.preview(subject=obj.subject, text=obj.text, html=obj.html)
        # The HTML runs in a sandboxed iframe (no scripts, no same-origin): a template can
        # never run code in the admin.
        return format_html(
            "<p><strong>Subject:</strong> {}</p>"
            "<pre style='white-space:pre-wrap;max-width:70em'>{}</pre>"
            "<iframe sandbox srcdoc='{}' style='width:100%;max-width:760px;height:520px;"
            "border:1px solid #ccc;background:#fff'></iframe>",
            shown.subject,
            shown.text,
            shown.html,
        )

    def save_model(
        self, request: HttpRequest, obj: MessageTemplate, form: Any, change: bool
    ) -> None:
        # The form's model validation has run already (errors show on their fields); the
        # service validates again because it is also the path for scripts and the API.
        saved = template_save(
            key=obj.key,
            language=obj.language,
            subject=obj.subject,
            text=obj.text,
            html=obj.html,
            template_id=obj.pk,
        )
        obj.pk = saved.pk


class CadenceRuleForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        choices=list(enumerate(WEEKDAY_NAMES)),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="Days the message may go out, in the patient's local time.",
    )

    class Meta:
        model = CadenceRule
        fields = [
            "key",
            "template_key",
            "stage",
            "kind",
            "active",
            "anchor",
            "offset_value",
            "offset_unit",
            "repeat_every",
            "repeat_unit",
            "repeat_until",
            "max_occurrences",
            "send_any_time",
            "window_start",
            "window_end",
            "stop_on_reply",
            "stop_on_stage_exit",
            "stop_on_close",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["weekdays"].initial = mask_to_weekdays(self.instance.window_weekdays)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        days = data.get("weekdays") or []
        if not days:
            raise ValidationError({"weekdays": "Choose at least one day."})
        self.instance.window_weekdays = weekdays_to_mask(days)
        return data


@admin.register(CadenceRule)
class CadenceRuleAdmin(admin.ModelAdmin):
    form = CadenceRuleForm
    list_display = ["key", "stage", "kind", "anchor", "offset", "repeat", "window", "active"]
    list_filter = ["stage", "kind", "anchor", "active"]
    search_fields = ["key", "template_key"]
    fieldsets = [
        (None, {"fields": ["key", "template_key", "stage", "kind", "active"]}),
        ("When", {"fields": ["anchor", ("offset_value", "offset_unit")]}),
        (
            "Repeat",
            {"fields": [("repeat_every", "repeat_unit"), "repeat_until", "max_occurrences"]},
        ),
        (
            "Send window (patient's local time)",
            {"fields": ["send_any_time", ("window_start", "window_end"), "weekdays"]},
        ),
        ("Stop when", {"fields": ["stop_on_reply", "stop_on_stage_exit", "stop_on_close"]}),
    ]

    @admin.display(description="Offset")
    def offset(self, obj: CadenceRule) -> str:
        return f"{obj.offset_value:+d} {obj.offset_unit}"

    @admin.display(description="Repeat")
    def repeat(self, obj: CadenceRule) -> str:
        if not obj.repeat_every:
            return "—"
        until = obj.get_repeat_until_display() if obj.repeat_until else "stage exit"
        return f"every {obj.repeat_every} {obj.repeat_unit} until {until}"

    @admin.display(description="Window")
    def window(self, obj: CadenceRule) -> str:
        if obj.send_any_time:
            return "any time"
        days = ",".join(WEEKDAY_NAMES[d] for d in obj.weekdays)
        return f"{obj.window_start:%H:%M}-{obj.window_end:%H:%M} {days}"


@admin.register(ScheduledMessage)
class ScheduledMessageAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "journey",
        "rule",
        "occurrence",
        "due_at",
        "status",
        "attempts",
        "cancelled_reason",
        "sent_at",
    ]
    list_filter = ["status", "rule__stage", "rule", "cancelled_reason"]
    date_hierarchy = "due_at"
    search_fields = ["journey__patient__full_name", "journey__patient__email", "=journey__id"]
    list_select_related = ["rule", "journey"]
    ordering = ["due_at"]
    actions = ["send_now", "cancel"]
    readonly_fields = [f.name for f in ScheduledMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Send now (pending or failed)", permissions=["change"])
    def send_now(self, request: HttpRequest, queryset: QuerySet[ScheduledMessage]) -> None:
        count = messages_send_now(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} message(s) queued to send now.", messages.SUCCESS)

    @admin.action(description="Cancel (pending only)", permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[ScheduledMessage]) -> None:
        count = messages_cancel(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} message(s) cancelled.", messages.SUCCESS)


class MessageEventInline(admin.TabularInline):
    model = MessageEvent
    extra = 0
    can_delete = False
    fields = ["occurred_at", "event_type", "recipient", "reject_reason", "description"]
    readonly_fields = ["occurred_at", "event_type", "recipient", "reject_reason", "description"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OneOffForm(forms.Form):
    journey = forms.IntegerField(label="Journey #", min_value=1)
    template_key = forms.ChoiceField(
        required=False, help_text="A template in the patient's language, or leave empty."
    )
    subject = forms.CharField(required=False, max_length=300)
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 12}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keys = MessageTemplate.objects.order_by("key").values_list("key", flat=True).distinct()
        field = self.fields["template_key"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "— free text —")] + [(k, k) for k in keys]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "journey", "direction", "kind", "template_key", "subject", "status"]
    list_filter = ["direction", "status", "kind", "template_key"]
    search_fields = ["subject", "to_email", "message_id", "esp_message_id", "=journey__id"]
    date_hierarchy = "sent_at"
    list_select_related = ["journey"]
    inlines = [MessageEventInline]
    change_list_template = "followups/admin_message_change_list.html"
    readonly_fields = [f.name for f in Message._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.send_one_off_view)
        return [
            path("send/", view, name="followups_message_send"),
            *super().get_urls(),
        ]

    def send_one_off_view(self, request: HttpRequest) -> HttpResponse:
        """A coordinator's own email on a journey, through message_send_one_off."""
        if not request.user.has_perm("followups.add_message"):
            raise PermissionDenied
        form = OneOffForm(request.POST or None, initial={"journey": request.GET.get("journey")})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if not Journey.objects.filter(pk=data["journey"]).exists():
                form.add_error("journey", "No such journey.")
            else:
                try:
                    message = message_send_one_off(
                        journey_id=data["journey"],
                        actor=request.user,
                        subject=data["subject"],
                        text=data["text"],
                        template_key=data["template_key"] or None,
                    )
                except FollowupError as exc:
                    form.add_error(None, str(exc))
                else:
                    self.message_user(
                        request,
                        f"Sent “{message.subject}” to {message.to_email}.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:followups_message_change", args=[message.pk])
                    )
        context = {
            **self.admin_site.each_context(request),
            "title": "Send an email on a journey",
            "form": form,
            "opts": self.model._meta,
            "now": timezone.now(),
        }
        return TemplateResponse(request, "followups/admin_send_one_off.html", context)
