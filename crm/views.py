from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from crm.roles import is_manager
from crm.selectors import health_status


def _may_see_health_details(request: HttpRequest) -> bool:
    token = settings.HEALTHZ_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and given and hmac.compare_digest(given.encode(), token.encode()):
        return True
    user = request.user
    return bool(user.is_authenticated and is_manager(user) and user.is_verified())  # type: ignore[attr-defined]


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 {"status": "ok"} when the database and the broker answer, else 503 {"status":
    "down"}. What is down (and each part's detail) only for HEALTHZ_TOKEN or a manager:
    an anonymous caller learns nothing about the servers behind."""
    status = health_status()
    ok = all(part["ok"] for part in status.values())
    body: dict[str, object] = {"status": "ok" if ok else "down"}
    if _may_see_health_details(request):
        body.update(status)
        if not ok:
            body["down"] = [name for name, part in status.items() if not part["ok"]]
    return JsonResponse(body, status=200 if ok else 503)
