"""The context every message template renders against: plain nested dicts, built in one place.

Templates may use exactly these names (documented in followups/README.md); saving a
template renders it against `sample_context()` and refuses any other name.

    patient.first_name, patient.full_name
    coordinator.name, coordinator.first_name, coordinator.email, coordinator.phone,
    coordinator.assigned (False before a coordinator is assigned: speak as the team)
    clinic.name, clinic.city, clinic.country_name
    procedure.name, procedure.typical_stay_days, procedure.recovery_days
    journey.planned_arrival, journey.planned_procedure, journey.planned_departure,
    journey.estimated_cost, journey.currency, journey.days_until_arrival,
    journey.days_since_procedure
    links.survey, links.unsubscribe (and the links apps above followups provide, see below)
    company.name, company.phone_emergency

Apps above followups add links without followups knowing them (care adds the patient's
page): `register_links(name, provider, sample)` from their AppConfig.ready(). `provider`
takes the journey and returns {link name: URL}; `sample` is what validation and the admin
preview render, so a template using `links.page` validates only when an app provides it.
Likewise `register_namespace(name, provider, sample)` adds a whole top-level name (care adds
`travel.open`, the patient's open travel items in their language) that followups never reads.

`register_footer_links(name, provider)` adds lines to the layout's footer of every email
to a journey's patient, whatever the template says (feedback adds "withdraw my consent to
publish" while the patient has a testimonial with consent standing). `provider` takes the
journey and the email's language and returns [(label, url)], usually empty.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from followups.scheduling import zone

if TYPE_CHECKING:
    from collections.abc import Callable

    from journeys.models import Journey

# name -> (provider(journey) -> {link: url}, sample links); see the module docstring.
_link_providers: dict[str, tuple[Callable[[Journey], dict[str, str]], dict[str, str]]] = {}


def register_links(
    name: str, provider: Callable[[Journey], dict[str, str]], sample: dict[str, str]
) -> None:
    """Add links to every template's `links` (registering the same name again replaces it)."""
    _link_providers[name] = (provider, sample)


def unregister_links(name: str) -> None:
    _link_providers.pop(name, None)


# name -> (provider(journey) -> value, sample value); see the module docstring.
_namespaces: dict[str, tuple[Callable[[Journey], Any], Any]] = {}


def register_namespace(name: str, provider: Callable[[Journey], Any], sample: Any) -> None:
    """Add a top-level template name (registering it again replaces it)."""
    _namespaces[name] = (provider, sample)


def unregister_namespace(name: str) -> None:
    _namespaces.pop(name, None)


# name -> provider(journey, language) -> [(label, url)]; see the module docstring.
_footer_providers: dict[str, Callable[[Journey, str], list[tuple[str, str]]]] = {}


def register_footer_links(
    name: str, provider: Callable[[Journey, str], list[tuple[str, str]]]
) -> None:
    """Add footer lines to every email to a patient (registering again replaces it)."""
    _footer_providers[name] = provider


def unregister_footer_links(name: str) -> None:
    _footer_providers.pop(name, None)


def footer_links(journey: Journey, language: str) -> list[tuple[str, str]]:
    """The registered footer lines for one email, in registration order."""
    lines: list[tuple[str, str]] = []
    for provider in _footer_providers.values():
        lines.extend(provider(journey, language))
    return lines


def _provided_links(journey: Journey | None) -> dict[str, str]:
    links: dict[str, str] = {}
    for provider, sample in _link_providers.values():
        links.update(sample if journey is None else provider(journey))
    return links


# Countries patients travel to most; other codes show as the code itself.
COUNTRY_NAMES = {
    "TR": "Turkey",
    "MX": "Mexico",
    "KR": "South Korea",
    "TH": "Thailand",
    "HU": "Hungary",
    "PL": "Poland",
    "CZ": "Czech Republic",
    "DE": "Germany",
    "ES": "Spain",
    "PT": "Portugal",
    "CR": "Costa Rica",
    "CO": "Colombia",
    "IN": "India",
    "MY": "Malaysia",
    "SG": "Singapore",
    "AE": "United Arab Emirates",
    "GB": "United Kingdom",
    "US": "United States",
    "FR": "France",
    "IT": "Italy",
    "NL": "Netherlands",
    "GR": "Greece",
    "HR": "Croatia",
    "LT": "Lithuania",
    "AT": "Austria",
    "CH": "Switzerland",
}


def first_name(full_name: str) -> str:
    parts = full_name.split()
    return parts[0] if parts else ""


def company_context() -> dict[str, str]:
    return {"name": settings.COMPANY_NAME, "phone_emergency": settings.COMPANY_EMERGENCY_PHONE}


def template_context(
    *, journey: Journey, links: dict[str, str], now: dt.datetime | None = None
) -> dict[str, Any]:
    """The context for one journey. `links` carries the signed survey/unsubscribe URLs."""
    now = now or timezone.now()
    patient = journey.patient
    today = now.astimezone(zone(patient.timezone)).date()
    user = journey.coordinator
    if user is not None:
        name = user.get_full_name() or user.get_username()
        coordinator = {
            "assigned": True,
            "name": name,
            "first_name": user.first_name or first_name(name),
            "email": user.email or settings.DEFAULT_FROM_EMAIL,
            # Staff have no phone of their own yet: the care desk answers for them.
            "phone": settings.COMPANY_PHONE,
        }
    else:
        # No coordinator yet: templates speak as the team ({% if coordinator.assigned %});
        # name and first_name still read sensibly in a template edited before that existed.
        team = f"{settings.COMPANY_NAME} care team"
        coordinator = {
            "assigned": False,
            "name": team,
            "first_name": team,
            "email": settings.DEFAULT_FROM_EMAIL,
            "phone": settings.COMPANY_PHONE,
        }
    clinic = journey.clinic
    procedure = journey.procedure
    return {
        "patient": {"first_name": first_name(patient.full_name), "full_name": patient.full_name},
        "coordinator": coordinator,
        "clinic": {
            "name": clinic.name,
            "city": clinic.city,
            "country_name": COUNTRY_NAMES.get(clinic.country, clinic.country),
        },
        "procedure": {
            "name": procedure.name,
            "typical_stay_days": procedure.typical_stay_days,
            "recovery_days": procedure.recovery_days,
        },
        "journey": {
            "planned_arrival": journey.planned_arrival,
            "planned_procedure": journey.planned_procedure,
            "planned_departure": journey.planned_departure,
            "estimated_cost": journey.estimated_cost,
            "currency": journey.currency,
            "days_until_arrival": (
                (journey.planned_arrival - today).days if journey.planned_arrival else None
            ),
            "days_since_procedure": (
                (today - journey.planned_procedure).days if journey.planned_procedure else None
            ),
        },
        "links": {
            **_provided_links(journey),
            "survey": links.get("survey", ""),
            "unsubscribe": links.get("unsubscribe", ""),
        },
        "company": company_context(),
        **{name: provider(journey) for name, (provider, _) in _namespaces.items()},
    }


def sample_context() -> dict[str, Any]:
    """What the admin preview shows and what validation renders against."""
    arrival = dt.date(2030, 5, 12)
    site = settings.SITE_URL
    return {
        "patient": {"first_name": "Anna", "full_name": "Anna Schmidt"},
        "coordinator": {
            "assigned": True,
            "name": "Carmen Ortega",
            "first_name": "Carmen",
            "email": "carmen@clinic.example",
            "phone": settings.COMPANY_PHONE or "+90 212 555 0100",
        },
        "clinic": {"name": "Dentalpoint Istanbul", "city": "Istanbul", "country_name": "Turkey"},
        "procedure": {"name": "Dental implants", "typical_stay_days": 7, "recovery_days": 14},
        "journey": {
            "planned_arrival": arrival,
            "planned_procedure": arrival + dt.timedelta(days=1),
            "planned_departure": arrival + dt.timedelta(days=7),
            "estimated_cost": Decimal("4850.00"),
            "currency": "EUR",
            "days_until_arrival": 14,
            "days_since_procedure": 7,
        },
        "links": {
            **_provided_links(None),
            "survey": f"{site}/survey/sample/",
            "unsubscribe": f"{site}/followups/unsubscribe/sample/",
        },
        "company": {
            "name": settings.COMPANY_NAME,
            "phone_emergency": settings.COMPANY_EMERGENCY_PHONE or "+90 212 555 0199",
        },
        **{name: sample for name, (_, sample) in _namespaces.items()},
    }
