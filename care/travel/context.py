"""What the pre-arrival emails know of the travel checklist (registered with followups'
template context in care's AppConfig.ready(), so followups does not import care):

    travel.open   the items still waiting for the patient, in their language
    links.travel  the patient's page, at the checklist
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings

from care.links import page_url
from care.travel.selectors import TRAVEL_STAGES, patient_open_labels
from care.travel.words import ITEM_LABELS

if TYPE_CHECKING:
    from journeys.models import Journey


def travel(journey: Journey) -> dict[str, Any]:
    # After arrival nothing is asked of the patient any more: the emails list nothing.
    if journey.stage not in TRAVEL_STAGES:
        return {"open": []}
    return {"open": patient_open_labels(journey)}


def sample() -> dict[str, Any]:
    labels = ITEM_LABELS["en"]
    return {"open": [labels["flight_out"], labels["hotel"]]}


def links(journey: Journey) -> dict[str, str]:
    return {"travel": f"{page_url(journey)}#travel"}


def sample_links() -> dict[str, str]:
    return {"travel": f"{settings.SITE_URL}/care/sample/#travel"}
