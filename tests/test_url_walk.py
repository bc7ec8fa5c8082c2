"""Walk every URL pattern of the project with hostile input and fail on any 500.

Every route the resolver knows (the dashboard, reports, the API, the admin, anymail's
webhooks, unsubscribe links) is requested as an anonymous visitor, a coordinator and a
manager, with GET and POST, with hostile values in its path parameters, its query string
and its form fields: NUL bytes, a 10 kB string, integers beyond bigint and negative ones,
dates outside any calendar, unknown choices and unicode. A bad input deserves a 400 or a
404 with a message; a 500 is a bug.

The routes come from the resolver, so a new page is walked without touching this file.
For our own views the parameters come from the views themselves: a first request records
the keys the view reads from request.GET / request.POST, then each key gets the hostile
values of its kind one at a time while the others stay valid (`_valid_data`), so a form
gets past its good fields to the bad one. The admin and anymail's webhooks get every known
name (`QUERY_NAMES`, the forms' and the models' fields) filled with a rotating pair of
values. About 2,000 requests: half a minute of CPU.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from crm.dashboard import forms as dashboard_forms
from crm.models import Interaction, InteractionKind
from followups.inbound.store import inbound_receive
from followups.models import RawEmail, TriageItem
from followups.tokens import unsubscribe_token
from journeys.models import Journey
from journeys.services import journey_create
from tests.conftest import make_patient

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
BIGINT_PLUS_ONE = str(2**63)
# The hostile values, in a fixed order (a failure names the value; rerun reproduces it).
HOSTILE: list[str] = [
    "a\x00b",
    "x" * 10_000,
    HUGE,
    BIGINT_PLUS_ONE,
    "-1",
    "0001-01-01",
    "2026-02-30",
    "bogus",
    "Zoë 😀 \u202e\u0645\u0631\u062d\u0628\u0627",
    "",
]
# Path parameters: fewer, since each one multiplies the routes.
HOSTILE_PATH: list[str] = ["0", HUGE, BIGINT_PLUS_ONE, "a\x00b", "x" * 10_000, "bogus"]

# The query names the views read from request.GET or hand-parse from request.POST.
QUERY_NAMES = [
    # board filters and paging, search, inbox, reports
    "q",
    "coordinator",
    "coordinator_username",
    "clinic",
    "procedure",
    "country",
    "source",
    "after",
    "email",
    "name",
    "from",
    "to",
    "group_by",
    "compare",
    # posted by hand-written forms (board move, check-in actions, inbox, assign)
    "journey",
    "target",
    "expected_stage",
    "checkin",
    "action",
    "take",
    "full_name",
    # the admin's own
    "o",
    "p",
    "e",
    "all",
    "_changelist_filters",
    "_popup",
    "_to_field",
    "_selected_action",
    "select_across",
    "index",
    "term",
    "app_label",
    "model_name",
    "field_name",
]


def _form_field_names() -> list[str]:
    names: set[str] = set()
    for value in vars(dashboard_forms).values():
        if isinstance(value, type) and issubclass(value, dashboard_forms.DashboardForm):
            names.update(value.base_fields)
    return sorted(names)


def _admin_field_names() -> list[str]:
    """Every registered model's concrete fields, as admin forms and list filters name
    them (including the lookups list_filter builds)."""
    names: set[str] = set()
    for model, model_admin in admin.site._registry.items():
        for field in model._meta.concrete_fields:
            names.add(field.name)
            names.add(field.attname)
        for item in model_admin.list_filter:
            if isinstance(item, str):
                for lookup in ("__exact", "__id__exact", "__gte", "__lt", "__isnull"):
                    names.add(item + lookup)
    return sorted(names)


# --- The routes ---------------------------------------------------------------------------


@dataclass
class Route:
    template: str  # "journeys/{journey_id}/move/"
    params: list[str]
    admin: bool
    name: str


_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*(?:\([^()]*\)[^()]*)*)\)")


def _regex_template(regex: str) -> str:
    """A regex route ("^(?P<app_label>auth|crm)/$") as a template: named groups become
    parameters, anonymous optional groups are dropped, anchors removed."""
    template = _REGEX_GROUP.sub(lambda m: "{" + m["name"] + "}", regex)
    template = re.sub(r"\([^)]*\)\?", "", template)
    return template.lstrip("^").rstrip("$").replace("\\", "")


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + _piece(str(pattern.pattern)))
        elif isinstance(pattern, URLPattern):
            template = prefix + _piece(str(pattern.pattern))
            params = re.findall(r"\{(\w+)\}", template)
            yield Route(template, params, template.startswith("admin/"), pattern.name or "")


def _piece(raw: str) -> str:
    if raw.startswith("^") or raw.endswith("$"):
        return _regex_template(raw)
    return _ROUTE_PARAM.sub(lambda m: "{" + m["name"] + "}", raw)


# --- The data the valid fills point at ----------------------------------------------------


@pytest.fixture
def world(coordinator: User, manager: User, procedure: Any) -> dict[str, Any]:
    patient = make_patient(email="anna.walk@example.de")
    journey = journey_create(
        patient=patient,
        procedure=procedure,
        actor=coordinator,
        coordinator=coordinator,
        inquiry_received_at=timezone.now() - dt.timedelta(hours=2),
    )
    Interaction.objects.create(
        journey=journey, kind=InteractionKind.NOTE, summary="Walked.", occurred_at=timezone.now()
    )
    # A stranger's email: a raw row and a triage item.
    inbound_receive(
        raw=(
            b"From: Stranger <stranger@example.net>\r\nTo: someone@clinic.example\r\n"
            b"Subject: Hello\r\nMessage-ID: <walk-1@example.net>\r\n"
            b"Date: Sun, 29 Nov 2026 10:00:00 +0000\r\n\r\nHello there.\r\n"
        ),
        source="test",
    )
    return {"patient": patient, "journey": journey}


def _model_of(route: Route) -> type[models.Model] | None:
    parts = route.template.split("/")
    if len(parts) > 3 and parts[0] == "admin":
        try:
            return apps.get_model(parts[1], parts[2])
        except (LookupError, ValueError):
            return None
    return None


def _valid_fill(route: Route, world: dict[str, Any]) -> dict[str, str]:
    journey: Journey = world["journey"]
    model = _model_of(route)
    obj = model._default_manager.order_by("pk").first() if model else None
    values = {
        "journey_id": str(journey.pk),
        "patient_id": str(journey.patient_id),
        "item_id": str(TriageItem.objects.values_list("pk", flat=True).first() or 1),
        "action": "attach",
        "stage": "booked",
        "slug": "funnel",
        "token": unsubscribe_token(journey.patient_id),
        "object_id": str(obj.pk) if obj else "1",
        "pk": str(obj.pk) if obj else "1",
        "id": str(obj.pk) if obj else "1",
        "content_type_id": str(ContentType.objects.get_for_model(Journey).pk),
        "app_label": "journeys",
        "url": "nowhere/",
    }
    if "attachment" in route.template:
        values["pk"] = "1"
    if "rawemail" in route.template:
        values["pk"] = str(RawEmail.objects.values_list("pk", flat=True).first() or 1)
    if route.template.startswith("admin/r/"):
        values["object_id"] = str(journey.pk)
    return {name: values.get(name, "1") for name in route.params}


def _url(route: Route, fill: dict[str, str]) -> str:
    return "/" + route.template.format(**{k: quote(v, safe="") for k, v in fill.items()})


# --- The walk -----------------------------------------------------------------------------


def _valid_data(world: dict[str, Any]) -> dict[str, str]:
    """Values that pass each form, so one hostile field reaches the code behind the form."""
    journey: Journey = world["journey"]
    checkin = journey.scheduled_messages.values_list("pk", flat=True).first()
    return {
        "journey": str(journey.pk),
        "target": "booked",
        "expected_stage": "inquiry",
        "checkin": str(checkin or 1),
        "action": "skip",
        "procedure": str(journey.procedure_id),
        "clinic": str(journey.clinic_id),
        "coordinator": str(journey.coordinator_id),
        "kind": "call",
        "direction": "out",
        "summary": "Called about the flight.",
        "minutes_spent": "5",
        "subject": "Your visit",
        "text": "See you soon.",
        "planned_arrival": "2027-01-10",
        "planned_procedure": "2027-01-11",
        "planned_departure": "2027-01-17",
        "reason": "Asked to wait.",
        "lost_reason": "price",
        "postponed_until": "2027-03-01",
        "full_name": "Zoe Walker",
        "email": "zoe.walker@example.org",
        "country": "DE",
        "preferred_language": "de",
        "timezone": "Europe/Berlin",
        "source": "website",
        "q": "anna",
        "from": "2026-01-01",
        "to": "2026-06-30",
        "group_by": "clinic",
        "compare": "1",
    }


def _hostile_data(names: list[str], value: str, n: int) -> dict[str, str]:
    """Every name gets `value`, except every third that gets the next hostile value, so
    one request also mixes kinds of bad input."""
    return {
        name: value if i % 3 else HOSTILE[(HOSTILE.index(value) + n + 1) % len(HOSTILE)]
        for i, name in enumerate(names)
    }


class _ReadKeys:
    """Records the keys views read from request.GET / request.POST (QueryDicts), so the
    walk sends hostile values in exactly the parameters each view looks at."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.keys: set[str] = set()
        self.on = False
        # (Not __contains__: parsing a body calls it for every key.)
        for method in ("get", "getlist", "__getitem__"):
            original = getattr(MultiValueDict, method)
            monkeypatch.setattr(MultiValueDict, method, self._wrap(original))

    def _wrap(self, original: Any) -> Any:
        def recording(multi: Any, key: Any, *args: Any, **kwargs: Any) -> Any:
            if self.on and isinstance(multi, QueryDict) and isinstance(key, str):
                self.keys.add(key)
            return original(multi, key, *args, **kwargs)

        return recording


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Read by every POST (CsrfViewMiddleware), not by a view.
NOT_SWEPT = {"csrfmiddlewaretoken"}


def _sweep_values(valid_value: str | None) -> list[str]:
    """The hostile values for one parameter, by the kind of its valid value."""
    if valid_value and _DATE.fullmatch(valid_value):
        return ["a\x00b", "0001-01-01", "9999-12-31", "2026-02-30", "x" * 10_000]
    if valid_value and valid_value.isdigit():
        return ["a\x00b", HUGE, BIGINT_PLUS_ONE, "-1", "x" * 10_000]
    return ["a\x00b", "x" * 10_000, "bogus", HOSTILE[8], HUGE]


def test_no_url_answers_500_to_hostile_input(
    world: dict[str, Any],
    coordinator: User,
    manager: User,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    routes = list(_routes(get_resolver().url_patterns))
    assert len(routes) > 100, "the resolver walk lost its way"
    names = sorted({*QUERY_NAMES, *_form_field_names()})
    admin_names = sorted({*QUERY_NAMES, *_admin_field_names()})
    valid_data = _valid_data(world)
    read = _ReadKeys(monkeypatch)

    users = {"anonymous": None, "coordinator": coordinator, "manager": manager}
    clients = {who: Client(raise_request_exception=False) for who in users}
    for who, user in users.items():
        if user is not None:
            clients[who].force_login(user)

    # One line per route and error kind, with the first request that showed it.
    failures: dict[tuple[str, str], str] = {}
    requests = itertools.count()

    def hit(
        route: Route, who: str, method: str, url: str, data: dict[str, str] | None = None
    ) -> None:
        next(requests)
        client = clients[who]
        response = client.get(url, data) if method == "GET" else client.post(url, data or {})
        user = users[who]
        if "logout" in route.name and user is not None:
            client.force_login(user)  # the walk signs out here; sign in again
        if response.status_code >= 500:
            exc_info = getattr(response, "exc_info", None)
            error = f"{exc_info[0].__name__}: {str(exc_info[1])[:80]}" if exc_info else ""
            shown = {k: (v[:12] + "…" if len(v) > 12 else v) for k, v in (data or {}).items()}
            failures.setdefault(
                (route.template, error.split(":")[0]),
                f"{response.status_code} /{route.template} {error!r}; first seen: {who} "
                f"{method} {url[:80]!r} {str(shown)[:160]}",
            )

    for index, route in enumerate(routes):
        valid = _valid_fill(route, world)
        url = _url(route, valid)
        ours = not route.admin and not route.template.startswith("anymail/")
        # Django's own admin views (history, delete, the bare object URL) get fewer tries.
        generic = route.admin and not route.template.endswith(("/add/", "/change/", "/"))

        # Every route, plain: GET as everyone, POST as the signed-in. For our own views,
        # the keys they read are recorded on the way (GET plain, POST with valid data).
        read_by: dict[str, set[str]] = {}
        for who in clients:
            for method in ("GET", "POST"):
                if method == "POST" and who == "anonymous":
                    continue
                read.keys, read.on = set(), ours
                hit(route, who, method, url, valid_data if method == "POST" and ours else None)
                read.on = False
                read_by.setdefault(method, set()).update(read.keys)

        # Hostile path parameters, one at a time, three values each (rotating).
        for name in route.params:
            for k in range(3):
                n = (index + k) % len(HOSTILE_PATH)
                who = ("coordinator", "manager", "anonymous")[(index + k) % 3]
                hostile_url = _url(route, {**valid, name: HOSTILE_PATH[n]})
                hit(route, who, ("GET", "POST")[k % 2], hostile_url)

        if ours:
            # Every parameter the view read, one at a time, the others valid.
            for method, keys in read_by.items():
                for k, key in enumerate(sorted(keys - NOT_SWEPT)):
                    for n, value in enumerate(_sweep_values(valid_data.get(key))):
                        who = ("coordinator", "manager")[(n + k) % 2]
                        base = valid_data if method == "POST" else {}
                        hit(route, who, method, url, {**base, key: value})
            picks = HOSTILE[:3]
            field_names = names
        elif generic:
            picks = []
            field_names = admin_names
        else:
            # The admin and the webhooks: a rotating pair of values in every known name.
            picks = [HOSTILE[(index * 2 + k) % len(HOSTILE)] for k in range(2)]
            field_names = admin_names if route.admin else names
        # All names at once, as the other user than above.
        for n, value in enumerate(picks):
            for method in ("GET", "POST"):
                who = ("coordinator", "manager")[(n + (method == "POST")) % 2]
                if not ours and (n + (method == "POST")) % 2 == 0:
                    continue  # one request per value outside our views
                hit(route, who, method, url, _hostile_data(field_names, value, n))

    assert not failures, f"{len(failures)} routes answered 5xx ({next(requests)} requests):\n" + (
        "\n".join(failures.values())
    )
