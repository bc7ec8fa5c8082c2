"""/api/v1/docs/: Swagger UI from drf-spectacular-sidecar's files (static, pinned), under
the site's CSP: the page has no inline script or style (its start-up script is
static/api/swagger-init.js, reading the schema URL from a data attribute)."""

from __future__ import annotations

from typing import Any

from django.templatetags.static import static
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.renderers import TemplateHTMLRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


@extend_schema(exclude=True)
class ApiDocsView(APIView):
    renderer_classes = [TemplateHTMLRenderer]
    # The page and the schema say what the API is, nothing about patients: open to all.
    permission_classes = [AllowAny]
    url_name = "api:schema"

    # "Try it out" with the browser session sends this cookie's token (swagger-init.js).
    @method_decorator(ensure_csrf_cookie)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        base = "drf_spectacular_sidecar/swagger-ui-dist/"
        return Response(
            {
                "schema_url": reverse(self.url_name),
                "swagger_ui_css": static(base + "swagger-ui.css"),
                "swagger_ui_bundle": static(base + "swagger-ui-bundle.js"),
                "swagger_ui_standalone": static(base + "swagger-ui-standalone-preset.js"),
                "favicon": static(base + "favicon-32x32.png"),
            },
            template_name="api/docs.html",
        )
