"""The consent-withdrawal link every later email carries (issue 13).

followups never imports feedback: feedback registers `withdraw_footer` with
followups.context.register_footer_links in its AppConfig.ready(), and the email layout
shows the line only while one of the patient's testimonials still has consent standing.
The link opens a confirm page (GET records nothing, mail scanners open links); the
button there POSTs the withdrawal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse

from care.links import current_version
from care.tokens import page_token
from feedback.models import Testimonial
from feedback.words import words_for

if TYPE_CHECKING:
    from journeys.models import Journey


def withdraw_url(journey_id: int) -> str:
    token = page_token(journey_id, current_version(journey_id))
    return f"{settings.SITE_URL}{reverse('feedback:withdraw', args=[token])}"


def withdraw_footer(journey: Journey, language: str) -> list[tuple[str, str]]:
    """[(label, url)] while the patient has a consented testimonial (on any journey)."""
    journey_id = (
        Testimonial.objects.filter(
            journey__patient_id=journey.patient_id, withdrawn_at__isnull=True
        )
        .values_list("journey_id", flat=True)
        .first()
    )
    if journey_id is None:
        return []
    _, words = words_for(language)
    return [(words["withdraw"], withdraw_url(journey_id))]
