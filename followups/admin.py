"""Admin for templates, cadence rules, the schedule and sent mail. Writes go through
followups.services; the admin only parses input and renders."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from audit.models import Action
from audit.services import audit_record
from followups import emails
from followups.inbound.store import TriageError, inbound_process
from followups.inbound.triage import (
    triage_attach,
    triage_create_inquiry,
    triage_dismiss,
)
from followups.models import (
    WEEKDAY_NAMES,
    CadenceRule,
    Direction,
    Message,
    MessageEvent,
    MessageTemplate,
    NotificationPreference,
    RawEmail,
    RawStatus,
    ScheduledMessage,
    TriageItem,
    TriageStatus,
    mask_to_weekdays,
    weekdays_to_mask,
)
from followups.selectors import (
    attachments_visible_to,
    raw_email_patient_id,
    raw_emails_visible_to,
    triage_visible_to,
)
from followups.services import (
    FollowupError,
    message_send_one_off,
    messages_cancel,
    messages_send_now,
    template_save,
)
from journeys.admin import VisibleAdmin
from journeys.selectors import journeys_visible_to


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
        # never run code in the admin. No style attributes: the CSP refuses inline styles
        # (static/css/admin.css has these classes); the frame inherits that policy too.
        return format_html(
            "<p><strong>Subject:</strong> {}</p>"
            "<pre class='crm-preview-text'>{}</pre>"
            "<iframe sandbox srcdoc='{}' class='crm-preview-frame' height='520'></iframe>",
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
            "stale_after_hours",
            "send_late",
            "series",
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
        (
            "After downtime (followups/README.md, 'No catch-up floods')",
            {"fields": ["stale_after_hours", "send_late", "series"]},
        ),
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
class ScheduledMessageAdmin(VisibleAdmin):
    journey_path = "journey"
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


def _download(file_field: Any, filename: str) -> FileResponse:
    """A stored file as a download, never rendered: an HTML or SVG "attachment" must not
    run in the CRM's origin."""
    try:
        handle = file_field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The file is missing from storage.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/octet-stream"
    )
    response["Content-Security-Policy"] = "sandbox"
    return response


@admin.register(Message)
class MessageAdmin(VisibleAdmin):
    journey_path = "journey"
    list_display = [
        "sent_at",
        "journey",
        "direction",
        "label",
        "flagged",
        "kind",
        "template_key",
        "subject",
        "status",
    ]
    list_filter = [
        "direction",
        "label",
        "matched_by",
        "sender_mismatch",
        "status",
        "kind",
        "template_key",
    ]
    search_fields = [
        "subject",
        "to_email",
        "from_email",
        "message_id",
        "esp_message_id",
        "=journey__id",
    ]
    date_hierarchy = "sent_at"
    list_select_related = ["journey"]
    inlines = [MessageEventInline]
    change_list_template = "followups/admin_message_change_list.html"
    actions = ["mark_answered"]
    readonly_fields = [
        *(f.name for f in Message._meta.fields),
        "conversation",
        "attachment_links",
        "warnings",
        "html_preview",
        "raw_link",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "journey",
                    "direction",
                    "status",
                    "label",
                    "label_reason",
                    "matched_by",
                    "counts_as_reply",
                    "sender_mismatch",
                    "subject",
                    ("from_name", "from_email"),
                    "to_email",
                    "sent_at",
                    "header_date",
                ]
            },
        ),
        (
            "What was written",
            {"fields": ["conversation", "attachment_links", "warnings"]},
        ),
        ("HTML (sanitised)", {"fields": ["html_preview"], "classes": ["collapse"]}),
        (
            "Details",
            {
                "classes": ["collapse"],
                "fields": [
                    "message_id",
                    "in_reply_to",
                    "references",
                    "raw_link",
                    "quote_style",
                    "esp_message_id",
                    "reply_to",
                    "template_key",
                    "language",
                    "kind",
                    "scheduled_message",
                    "sent_by",
                    "delivered_at",
                    "opened_at",
                    "bounced_at",
                    "complained_at",
                    "text",
                ],
            },
        ),
    ]

    @admin.display(description="Flag", boolean=True)
    def flagged(self, obj: Message) -> bool | None:
        return obj.sender_mismatch if obj.direction == Direction.IN else None

    @admin.display(description="Text")
    def conversation(self, obj: Message) -> str:
        if obj.direction != Direction.IN:
            return format_html("<pre class='crm-preview-text'>{}</pre>", obj.text)
        reply = obj.text_reply or "(no text)"
        parts = [format_html("<pre class='crm-preview-text'>{}</pre>", reply)]
        if obj.signature:
            parts.append(
                format_html(
                    "<details><summary>Signature</summary><pre class='crm-preview-text'>"
                    "{}</pre></details>",
                    obj.signature,
                )
            )
        if obj.text_quoted:
            parts.append(
                format_html(
                    "<details><summary>Quoted history</summary>"
                    "<pre class='crm-preview-text crm-muted'>{}</pre></details>",
                    obj.text_quoted,
                )
            )
        return format_html_join("", "{}", ((p,) for p in parts))

    @admin.display(description="Attachments")
    def attachment_links(self, obj: Message) -> str:
        rows = list(obj.attachments.all())
        if not rows:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            "<a href='{}'>{}</a> ({}, {} KB)",
            (
                (
                    reverse("admin:followups_message_attachment", args=[a.pk]),
                    a.original_filename or a.filename,
                    a.content_type,
                    max(1, a.size // 1024),
                )
                for a in rows
            ),
        )

    @admin.display(description="Parse warnings")
    def warnings(self, obj: Message) -> str:
        if not obj.parse_warnings:
            return "—"
        return format_html_join(mark_safe("<br>"), "{}", ((w,) for w in obj.parse_warnings))

    @admin.display(description="HTML")
    def html_preview(self, obj: Message) -> str:
        if not obj.html:
            return "—"
        # Sanitised when stored, and still shown in a sandboxed frame (no scripts, no
        # same-origin access, no forms).
        return format_html(
            "<iframe sandbox srcdoc='{}' class='crm-preview-frame' height='420'></iframe>",
            obj.html,
        )

    @admin.display(description="Raw email")
    def raw_link(self, obj: Message) -> str:
        if obj.raw_email_id is None:
            return "—"
        return format_html(
            "<a href='{}'>Raw email #{}</a>",
            reverse("admin:followups_rawemail_change", args=[obj.raw_email_id]),
            obj.raw_email_id,
        )

    @admin.action(description="Mark their journeys answered (no reply needed)")
    def mark_answered(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        from journeys.services import journey_mark_answered

        now = timezone.now()
        journey_ids = set(queryset.values_list("journey_id", flat=True))
        done = sum(journey_mark_answered(journey_id=j, at=now) for j in journey_ids)
        self.message_user(
            request, f"{done} journey(s) left the replies-waiting queue.", messages.SUCCESS
        )

    def attachment_view(self, request: HttpRequest, pk: int) -> FileResponse:
        if not request.user.has_perm("followups.view_message"):
            raise PermissionDenied
        attachment = get_object_or_404(
            attachments_visible_to(request.user).select_related("message__journey"), pk=pk
        )
        response = _download(attachment.file, attachment.filename)
        audit_record(
            actor=request.user,
            action=Action.DOWNLOAD,
            obj=attachment,
            patient_id=attachment.message.journey.patient_id,
            note=f"attachment of message #{attachment.message_id}",
        )
        return response

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.send_one_off_view)
        attachment = self.admin_site.admin_view(self.attachment_view)
        return [
            path("send/", view, name="followups_message_send"),
            path("attachment/<int:pk>/", attachment, name="followups_message_attachment"),
            *super().get_urls(),
        ]

    def send_one_off_view(self, request: HttpRequest) -> HttpResponse:
        """A coordinator's own email on a journey, through message_send_one_off."""
        if not request.user.has_perm("followups.add_message"):
            raise PermissionDenied
        form = OneOffForm(request.POST or None, initial={"journey": request.GET.get("journey")})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if not journeys_visible_to(request.user).filter(pk=data["journey"]).exists():
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


@admin.register(RawEmail)
class RawEmailAdmin(admin.ModelAdmin):
    """Every received email's bytes. Refused and failed ones are here for a person."""

    list_display = ["id", "received_at", "source", "status", "attempts", "size", "detail"]
    list_filter = ["status", "source", ("pruned_at", admin.EmptyFieldListFilter)]
    search_fields = ["=id", "sha256", "envelope_sender", "envelope_recipient", "detail"]
    date_hierarchy = "received_at"
    readonly_fields = [*(f.name for f in RawEmail._meta.fields), "download"]
    actions = ["process_again"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RawEmail]:
        return super().get_queryset(request) & raw_emails_visible_to(request.user)

    def has_process_permission(self, request: HttpRequest) -> bool:
        from crm.roles import is_manager

        return is_manager(request.user)

    @admin.action(
        description="Process again (after a fix or a settings change)", permissions=["process"]
    )
    def process_again(self, request: HttpRequest, queryset: QuerySet[RawEmail]) -> None:
        for raw_email in queryset.exclude(status__in=[RawStatus.STORED, RawStatus.DUPLICATE]):
            if raw_email.truncated or raw_email.pruned_at is not None:
                why = "its file was deleted" if raw_email.pruned_at else "only its start was kept"
                self.message_user(request, f"#{raw_email.pk}: {why}.", messages.WARNING)
                continue
            with raw_email.file.open("rb") as handle:
                result = inbound_process(raw_email=raw_email, raw=handle.read())
            level = messages.SUCCESS if result.accepted else messages.WARNING
            self.message_user(request, f"#{raw_email.pk}: {result.detail}", level)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Download")
    def download(self, obj: RawEmail) -> str:
        return format_html(
            "<a href='{}'>Download the .eml</a>",
            reverse("admin:followups_rawemail_download", args=[obj.pk]),
        )

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.download_view)
        return [
            path("<int:pk>/download/", view, name="followups_rawemail_download"),
            *super().get_urls(),
        ]

    def download_view(self, request: HttpRequest, pk: int) -> FileResponse:
        if not request.user.has_perm("followups.view_rawemail"):
            raise PermissionDenied
        raw = get_object_or_404(self.get_queryset(request), pk=pk, pruned_at__isnull=True)
        response = _download(raw.file, f"raw-email-{raw.pk}.eml")
        audit_record(
            actor=request.user,
            action=Action.DOWNLOAD,
            obj=raw,
            patient_id=raw_email_patient_id(raw_email_id=raw.pk),
            note="raw email",
        )
        return response


class TriageResolveForm(forms.Form):
    journey = forms.IntegerField(
        label="Attach to journey #",
        required=False,
        min_value=1,
        help_text="The email is stored on this journey and acts like a matched reply.",
    )
    procedure: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,
        required=False,
        help_text="Or: make the sender a patient with a new inquiry for this procedure.",
    )
    full_name = forms.CharField(
        required=False, max_length=200, help_text="New patient's name (default: from the email)."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from crm.models import Procedure

        super().__init__(*args, **kwargs)
        field = self.fields["procedure"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Procedure.objects.select_related("clinic").order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("journey")) == bool(data.get("procedure")):
            raise ValidationError("Give either a journey to attach to or a procedure.")
        return data


@admin.register(TriageItem)
class TriageItemAdmin(admin.ModelAdmin):
    """The triage inbox: mail no journey matched. Resolve each one: attach it to a
    journey, make it a new inquiry, or dismiss it."""

    list_display = [
        "received_at",
        "status",
        "label",
        "from_email",
        "subject",
        "reason",
        "resolve_link",
    ]
    list_filter = ["status", "label"]
    search_fields = ["from_email", "from_name", "subject", "snippet", "=id"]
    date_hierarchy = "received_at"
    list_select_related = ["sender_patient"]
    actions = ["dismiss"]
    readonly_fields = [*(f.name for f in TriageItem._meta.fields), "resolve_link"]
    fields = [
        "status",
        "resolve_link",
        "reason",
        "label",
        "label_reason",
        ("from_name", "from_email"),
        "to_email",
        "subject",
        "snippet",
        "attachment_names",
        "parse_warnings",
        "received_at",
        "header_date",
        "sender_patient",
        "journey",
        "message",
        "resolved_by",
        "resolved_at",
        "raw_email",
        "message_key",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TriageItem]:
        return super().get_queryset(request) & triage_visible_to(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Resolve")
    def resolve_link(self, obj: TriageItem) -> str:
        if obj.status != TriageStatus.OPEN:
            return "—"
        return format_html(
            "<a class='button' href='{}'>Attach or create inquiry</a>",
            reverse("admin:followups_triageitem_resolve", args=[obj.pk]),
        )

    @admin.action(description="Dismiss (spam, newsletters, stray auto-replies)")
    def dismiss(self, request: HttpRequest, queryset: QuerySet[TriageItem]) -> None:
        done = 0
        for pk in queryset.filter(status=TriageStatus.OPEN).values_list("pk", flat=True):
            try:
                triage_dismiss(item_id=pk, actor=request.user)
            except TriageError as exc:
                self.message_user(request, str(exc), messages.WARNING)
            else:
                done += 1
        self.message_user(request, f"{done} item(s) dismissed.", messages.SUCCESS)

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.resolve_view)
        return [
            path("<int:pk>/resolve/", view, name="followups_triageitem_resolve"),
            *super().get_urls(),
        ]

    def resolve_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("followups.change_triageitem"):
            raise PermissionDenied
        item = get_object_or_404(self.get_queryset(request), pk=pk)
        initial = {}
        if item.sender_patient_id:
            latest = (
                journeys_visible_to(request.user)
                .filter(patient_id=item.sender_patient_id)
                .order_by("-inquiry_received_at")
                .values_list("pk", flat=True)
                .first()
            )
            initial["journey"] = latest
        form = TriageResolveForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if data.get("journey"):
                    message = triage_attach(
                        item_id=item.pk, journey_id=data["journey"], actor=request.user
                    )
                    journey_id = message.journey_id
                    done = f"Attached to journey #{journey_id}."
                else:
                    journey = triage_create_inquiry(
                        item_id=item.pk,
                        procedure_id=data["procedure"].pk,
                        actor=request.user,
                        full_name=data.get("full_name") or "",
                    )
                    journey_id = journey.pk
                    done = f"New inquiry: journey #{journey_id}."
            except TriageError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, done, messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:journeys_journey_change", args=[journey_id])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Triage: {item.subject or '(no subject)'}",
            "form": form,
            "item": item,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "followups/admin_triage_resolve.html", context)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    """Each person sets their own; managers see everyone's."""

    list_display = ["user", "notify_on_reply", "updated_at"]
    fields = ["user", "notify_on_reply"]

    def _manager(self, request: HttpRequest) -> bool:
        from crm.roles import is_manager

        return is_manager(request.user)

    def get_queryset(self, request: HttpRequest) -> QuerySet[NotificationPreference]:
        queryset = super().get_queryset(request)
        return queryset if self._manager(request) else queryset.filter(user_id=request.user.pk)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [] if self._manager(request) and obj is None else ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not isinstance(user, User):
            return False
        mine_exists = NotificationPreference.objects.filter(user=user).exists()
        return super().has_add_permission(request) and (self._manager(request) or not mine_exists)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.user_id == request.user.pk or self._manager(request))

    def save_model(
        self, request: HttpRequest, obj: NotificationPreference, form: Any, change: bool
    ) -> None:
        if not change and not (self._manager(request) and obj.user_id):
            obj.user = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
