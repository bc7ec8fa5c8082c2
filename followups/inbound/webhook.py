"""The inbound webhook's HTTP side: big posts in, the ESP's own bytes kept, nothing lost.

Django refuses request bodies over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), a sane limit for
the rest of the site, but patients email photos and X-rays: INBOUND_MAX_MESSAGE_BYTES is
25 MB. `InboundBodyMiddleware` lifts the limit for the inbound routes only
(/anymail/<esp>/inbound/ and Mailgun's inbound_mime/): it reads the body itself, up to
`inbound_request_limit()`, and parses a multipart form with a flat splitter of its own
(Django's parser would refuse a 20 MB form field such as Mailgun's body-mime). Every
other path keeps Django's limits.

It also keeps the request at hand while anymail's view runs, so that the receiver stores
the ESP's raw MIME as it came (Mailgun's body-mime, SendGrid's email, Postmark's
RawEmail) instead of anymail's re-serialisation, and so that a post anymail itself cannot
read (MIME nested too deep for its recursive parser) is still kept: as raw MIME to be
processed, or else as the ESP's post, marked failed for a person.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from anymail.utils import get_request_basic_auth
from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.utils.crypto import constant_time_compare
from django.utils.datastructures import MultiValueDict

from followups import webhooks

log = logging.getLogger(__name__)

_INBOUND_PATH_RE = re.compile(r"/anymail/(?P<esp>[a-z_]+)/inbound(?:_mime)?/$")
# The ESPs that post one message per request with its raw MIME in a known field.
_RAW_FIELDS = {"mailgun": "body-mime", "sendgrid": "email"}
_MAX_FORM_PARTS = 1000

_current: ContextVar[HttpRequest | None] = ContextVar("inbound_request", default=None)


def inbound_request_limit() -> int:
    """The largest inbound post read: twice INBOUND_MAX_MESSAGE_BYTES (base64 in JSON or
    in form fields costs a third more) plus room for the ESP's own fields. A message over
    INBOUND_MAX_MESSAGE_BYTES itself is still kept and refused by the service."""
    return 2 * settings.INBOUND_MAX_MESSAGE_BYTES + 1024 * 1024


@dataclass
class EspPost:
    esp: str
    payload: bytes  # the request body as posted
    raw_mime: bytes | None  # the message's own bytes, when the ESP sent them


def current_esp_post() -> EspPost | None:
    """The inbound post being handled in this request, if any."""
    request = _current.get()
    if request is None:
        return None
    esp = getattr(request, "_inbound_esp", "")
    return EspPost(esp=esp, payload=getattr(request, "_body", b""), raw_mime=_raw_mime(request))


def _raw_mime(request: HttpRequest) -> bytes | None:
    esp = getattr(request, "_inbound_esp", "")
    field = _RAW_FIELDS.get(esp)
    if field is not None and request.content_type in {
        "multipart/form-data",
        "application/x-www-form-urlencoded",
    }:
        value = request.POST.get(field)
        return value.encode("utf-8", "surrogateescape") if value else None
    if esp == "postmark":
        try:
            raw = json.loads(request.body).get("RawEmail")
        except (ValueError, AttributeError):
            return None
        return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) and raw else None
    return None


def _parts(body: bytes, delimiter: bytes) -> Any:
    """The parts between delimiters, found one at a time and at most _MAX_FORM_PARTS of
    them: `body.split` would first build every part of a body made of delimiters."""
    start = body.find(delimiter)
    for _ in range(_MAX_FORM_PARTS):
        if start < 0:
            return
        start += len(delimiter)
        end = body.find(delimiter, start)
        yield body[start:] if end < 0 else body[start:end]
        start = end


def _split_form(body: bytes, boundary: bytes) -> tuple[QueryDict, MultiValueDict[str, Any]]:
    """multipart/form-data without a field-size limit: one pass over the body, no
    recursion (a part is never parsed as MIME itself)."""
    post = QueryDict(mutable=True)
    files: MultiValueDict[str, Any] = MultiValueDict()
    delimiter = b"--" + boundary
    for part in _parts(body, delimiter):
        if part.startswith(b"--"):
            break
        part = part.removeprefix(b"\r\n").removeprefix(b"\n")
        head, sep, content = part.partition(b"\r\n\r\n")
        if not sep:
            head, sep, content = part.partition(b"\n\n")
        content = content.removesuffix(b"\n").removesuffix(b"\r")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").splitlines():
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "").split(";")[1:]
        params = {
            k.strip().lower(): v.strip().strip('"')
            for k, _, v in (p.partition("=") for p in disposition)
        }
        field_name = params.get("name")
        if not field_name:
            continue
        if "filename" in params:
            files.appendlist(
                field_name,
                SimpleUploadedFile(
                    params["filename"] or "attachment",
                    content,
                    headers.get("content-type", "application/octet-stream"),
                ),
            )
        else:
            post.appendlist(field_name, content.decode("utf-8", "replace"))
    post._mutable = False
    return post, files


class InboundBodyMiddleware:
    """Reads inbound webhook posts up to `inbound_request_limit()` (see the module
    docstring); every other request passes untouched. Place it before any middleware
    that reads request.POST (after SecurityMiddleware, whose HTTPS redirect goes first)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        found = _INBOUND_PATH_RE.search(request.path_info)
        if found is None or request.method != "POST":
            return self.get_response(request)
        # Before reading a byte of a body that may be 50 MB: a closed door or a post without
        # our secret is answered at once, so a stranger cannot make workers hold big bodies.
        if found["esp"] not in webhooks.inbound_esps():
            return HttpResponse("No webhook for this ESP.\n", status=404, content_type="text/plain")
        if webhooks.webhook_secret_missing():
            return HttpResponse(
                "Webhooks are refused: ANYMAIL_WEBHOOK_SECRET is not set.",
                status=403,
                content_type="text/plain",
            )
        if not _authenticated(request):
            response = HttpResponse(
                "The webhook secret is missing or wrong.\n", status=401, content_type="text/plain"
            )
            response["WWW-Authenticate"] = 'Basic realm="anymail"'
            return response
        limit = inbound_request_limit()
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return HttpResponse(
                f"Inbound post over {limit} bytes (2 x INBOUND_MAX_MESSAGE_BYTES + 1 MB).\n",
                status=413,
                content_type="text/plain",
            )
        body = request.read(limit + 1)
        if len(body) > limit:
            return HttpResponse("Inbound post too large.\n", status=413, content_type="text/plain")
        request._body = body  # what request.body returns from now on
        request._inbound_esp = found["esp"]  # type: ignore[attr-defined]
        if request.content_type == "multipart/form-data":
            boundary = (request.content_params or {}).get("boundary", "")
            if boundary:
                post, files = _split_form(body, boundary.encode("latin-1"))
                request._post, request._files = post, files  # type: ignore[attr-defined]
        token = _current.set(request)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """anymail's view failed on an authenticated post (e.g. MIME nested too deep for
        its parser): keep what was posted and answer 200, so the ESP does not retry a
        message that would fail the same way. Validation failures, missing routes and
        database outages keep their usual answers (400, 404, 500: the ESP retries)."""
        esp = getattr(request, "_inbound_esp", "")
        if not esp or isinstance(
            exception, SuspiciousOperation | PermissionDenied | Http404 | DatabaseError
        ):
            return None
        if settings.INBOUND_ESP and esp != settings.INBOUND_ESP:
            return None
        if webhooks.webhook_secret_missing():
            return HttpResponse(
                "Webhooks are refused: ANYMAIL_WEBHOOK_SECRET is not set.",
                status=403,
                content_type="text/plain",
            )
        if not _authenticated(request):
            return None
        from followups.inbound.store import inbound_keep_esp_post

        post = current_esp_post() or EspPost(esp, getattr(request, "_body", b""), None)
        log.warning("Inbound %s post unreadable by anymail: %s", esp, type(exception).__name__)
        inbound_keep_esp_post(
            esp=esp,
            payload=post.payload,
            raw_mime=post.raw_mime,
            reason=f"the ESP's post could not be read ({type(exception).__name__})",
        )
        return HttpResponse()


def _authenticated(request: HttpRequest) -> bool:
    """The post carries our webhook secret (anymail checks it again; this runs before the
    body is read, and again when anymail's view failed, possibly before its own check).
    Without a secret only DEBUG lets posts in (followups/webhooks.py refuses the rest)."""
    secrets: str | list[str] = settings.ANYMAIL.get("WEBHOOK_SECRET") or []
    if isinstance(secrets, str):
        secrets = [secrets]
    if not secrets:
        return bool(settings.DEBUG)
    given = get_request_basic_auth(request) or ""
    return any(constant_time_compare(given, secret) for secret in secrets)
