"""OpenAPI additions drf-spectacular cannot infer: the problem-details responses every
operation may answer, and the API key security scheme."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from api.problems import PROBLEM_CONTENT_TYPE

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "description": "The invalid fields: a list of {field, message}; the reports "
            "give an object, parameter -> message.",
            "oneOf": [
                {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "field": {"type": "string"},
                            "message": {"type": "string"},
                        },
                        "required": ["field", "message"],
                    },
                },
                {"type": "object", "additionalProperties": {"type": "string"}},
            ],
        },
        "allowed_moves": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "target": {"type": "string"},
                    "needs_reason": {"type": "boolean"},
                    "manager_only": {"type": "boolean"},
                },
            },
        },
    },
    "required": ["type", "title", "status", "detail"],
}

# Every operation may answer these (a bad query parameter, no or a bad key, a read-only
# key writing, no such object or URL, a wrong method, an Accept we cannot serve, a body
# that is not JSON, too many requests).
COMMON_ERRORS = {
    "400": "Invalid input (the errors name the fields).",
    "401": "No credentials, or a bad or revoked API key.",
    "403": "Not allowed for this key or person.",
    "404": "No such object (or not one you may see).",
    "405": "Method not allowed.",
    "406": "Only JSON is served.",
    "415": "Send JSON.",
    "429": "Too many requests; see Retry-After.",
}

POST_ERRORS = {
    "409": "Refused by a rule of the domain (the detail says which; a move lists the "
    "allowed moves).",
    "503": "The mail service is unreachable; try again in a minute.",
}


def add_problem_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code, description in COMMON_ERRORS.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {PROBLEM_CONTENT_TYPE: {"schema": ref}},
                    },
                )
            if method == "post":
                for code, description in POST_ERRORS.items():
                    responses.setdefault(
                        code,
                        {
                            "description": description,
                            "content": {PROBLEM_CONTENT_TYPE: {"schema": ref}},
                        },
                    )
            if method == "get" and path.endswith("}/"):
                responses.setdefault(
                    "304", {"description": "Not modified (If-None-Match matched the ETag)."}
                )
    return result


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer <key>"}
