"""Managers make and revoke API keys, set up webhook endpoints and read the delivery log
here (the admin is for managers only: crm/admin_site.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest

from api.models import ApiKey, Scope, WebhookDelivery, WebhookEndpoint, WebhookEvent
from api.services import ApiKeyError, api_key_create, api_key_revoke
from api.webhooks import new_secret, webhook_deliveries_retry
from crm.roles import COORDINATOR, MANAGER


class ApiKeyForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ["name", "user", "scope"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "user" in self.fields:
            self.fields["user"].queryset = (  # type: ignore[attr-defined]
                User.objects.filter(is_active=True, groups__name__in=[COORDINATOR, MANAGER])
                .distinct()
                .order_by("username")
            )


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ["name", "prefix", "user", "scope", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    search_fields = ["name", "prefix", "user__username"]
    actions = ["revoke_selected"]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> Any:
        # A key is made once; afterwards only revoking changes it (a new scope or person
        # is a new key, so the integration's rights never change behind its back).
        if obj is not None:
            return [
                "name",
                "user",
                "scope",
                "prefix",
                "created_by",
                "created_at",
                "last_used_at",
                "revoked_at",
            ]
        return []

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            return
        try:
            key, raw = api_key_create(
                name=form.cleaned_data["name"],
                user=form.cleaned_data["user"],
                scope=form.cleaned_data["scope"] or Scope.READ,
                actor=request.user,
            )
        except ApiKeyError as exc:
            raise forms.ValidationError(str(exc)) from None
        obj.pk = key.pk
        # Shown this once: only its hash is kept.
        messages.warning(
            request,
            f"The API key for {key.name} (copy it now, it is not shown again): {raw}",
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: the key's record and last use stay

    @admin.action(description="Revoke the selected keys")
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset:
            api_key_revoke(key_id=key.pk, actor=request.user)
        self.message_user(request, f"Revoked {queryset.count()} key(s).")


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )
    secret = forms.CharField(
        max_length=128,
        required=False,
        help_text="Leave empty to generate one. The receiver checks signatures with it.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "secret", "events", "active"]

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        if not url.startswith(("https://", "http://")):
            raise forms.ValidationError("The URL must start with https:// (or http://).")
        return url

    def clean_secret(self) -> str:
        return self.cleaned_data["secret"] or new_secret()


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["name", "url", "active", "created_at"]
    list_filter = ["active"]

    def save_model(
        self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool
    ) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: what was sent where, when, and how the receiver answered."""

    list_display = [
        "event",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "created_at",
        "delivered_at",
        "due_at",
    ]
    list_filter = ["status", "event", "endpoint"]
    readonly_fields = [
        "endpoint",
        "event_id",
        "event",
        "payload",
        "status",
        "attempts",
        "due_at",
        "claimed_at",
        "delivered_at",
        "last_status_code",
        "last_error",
        "created_at",
    ]
    actions = ["retry_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Send the selected failed deliveries again")
    def retry_selected(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        count = webhook_deliveries_retry(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} delivery(ies) will be sent again.")
