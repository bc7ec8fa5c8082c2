"""Links to the patient's page, for emails and the dashboard (signed: care.tokens)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse

from care.models import Answer, CareAccess
from care.tokens import page_token

if TYPE_CHECKING:
    from journeys.models import Journey


def current_version(journey_id: int) -> int:
    version = (
        CareAccess.objects.filter(journey_id=journey_id).values_list("version", flat=True).first()
    )
    return version or 0


def page_url(journey: Journey, answer: str = "") -> str:
    token = page_token(journey.pk, current_version(journey.pk))
    url = f"{settings.SITE_URL}{reverse('care:page', args=[token])}"
    return f"{url}?answer={answer}" if answer else url


def template_links(journey: Journey) -> dict[str, str]:
    """`links.page`, `links.checkin_fine`, `links.checkin_question`, `links.checkin_help`
    for followups' message templates (registered in care's AppConfig.ready())."""
    base = page_url(journey)
    return {
        "page": base,
        "checkin_fine": f"{base}?answer={Answer.FINE}#checkin",
        "checkin_question": f"{base}?answer={Answer.QUESTION}#checkin",
        "checkin_help": f"{base}?answer={Answer.HELP}#checkin",
    }


def sample_links() -> dict[str, str]:
    base = f"{settings.SITE_URL}/care/sample/"
    return {
        "page": base,
        "checkin_fine": f"{base}?answer=fine#checkin",
        "checkin_question": f"{base}?answer=question#checkin",
        "checkin_help": f"{base}?answer=help#checkin",
    }
