"""The admin site: for managers and superusers only, with two query parameters Django's
admin trusts read safely first.

Django's admin answers to model permissions, which know nothing of who coordinates which
patient, so it is not a coordinator's tool at all (they use the dashboard, which applies
the access rule everywhere). Every ModelAdmin still starts its querysets from the access
rule (journeys.admin.VisibleAdmin), so a narrower manager scope later holds there too.

Django's admin reads `_to_field` and an add form's initial values straight from the query
string: an empty `_to_field` looks up a field named "" (FieldDoesNotExist, a 500), and a
date-time given as text cannot be drawn by the split date/time widget (a 500). Every admin
view passes through `admin_view`, so both are handled here once, for every model.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.admin.options import TO_FIELD_VAR
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from crm.roles import may_use_admin


def _guarded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    model_admin = getattr(view, "__self__", None)
    is_add = getattr(view, "__name__", "") == "add_view"

    @functools.wraps(view)
    def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        for data in (request.GET, request.POST if request.method == "POST" else {}):
            if TO_FIELD_VAR in data and not data[TO_FIELD_VAR]:
                return HttpResponseBadRequest("The _to_field parameter is empty.")
        if is_add and model_admin is not None and request.GET:
            # Initial values for date-time fields are dropped: the widget needs a datetime.
            timed = {
                f.name
                for f in model_admin.model._meta.get_fields()
                if isinstance(f, (models.DateTimeField, models.TimeField))
            }
            if timed & set(request.GET):
                query = request.GET.copy()
                for name in timed:
                    query.pop(name, None)
                query._mutable = False
                request.GET = query  # type: ignore[assignment]
        return view(request, *args, **kwargs)

    return inner


class CrmAdminSite(AdminSite):
    site_header = "Patient-journey CRM administration"

    def has_permission(self, request: HttpRequest) -> bool:
        return may_use_admin(request.user)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        return super().admin_view(_guarded(view), cacheable)
