from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from crm.selectors import health_status


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker answer; 503 naming what is down."""
    status = health_status()
    ok = all(part["ok"] for part in status.values())
    body: dict[str, object] = {"status": "ok" if ok else "down", **status}
    if not ok:
        body["down"] = [name for name, part in status.items() if not part["ok"]]
    return JsonResponse(body, status=200 if ok else 503)
