"""The dashboard's navigation, built once per request from the user's role."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from crm.roles import is_manager

# (url name, label, managers only). Entries whose URL is not installed yet are skipped, so
# each section appears as soon as its app wires its urls.
NAV = [
    ("dashboard:my_day", "My day", False),
    ("dashboard:board", "Board", False),
    ("dashboard:inbox", "Inbox", False),
    ("dashboard:search", "Search", False),
    ("reports:index", "Reports", True),
    ("privacy:audit", "Audit", True),
    ("transfer:import", "Import", True),
    ("dashboard:preferences", "Settings", False),
    ("accounts:security", "Security", False),
    # The admin is for managers only (crm/admin_site.py).
    ("admin:index", "Admin", True),
]


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    manager = is_manager(user)
    items = []
    for name, label, managers_only in NAV:
        if managers_only and not manager:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        active = request.path == url or (url != "/" and request.path.startswith(url))
        items.append({"url": url, "label": label, "active": active})
    return {"nav_items": items}
