"""Issue 13: every email to a patient whose testimonial consent stands carries a working
withdraw link (the shared email layout, through followups' footer registry); following
it asks first (a GET records nothing) and the button withdraws."""

from __future__ import annotations

import re

import pytest

from feedback import selectors, services
from feedback.models import Testimonial as Words
from followups.models import ScheduledMessage, Status
from followups.services import message_send_scheduled

pytestmark = pytest.mark.django_db

HAPPY = {"stars": 5, "nps": 10, "coordinator_rating": 5, "clinic_rating": 5, "logistics_rating": 5}
LINK = re.compile(r"https://crm\.example\.com(/care/[^/\s\"]+/withdraw/)")


def _send_after_care(journey, outbox) -> tuple[str, str]:
    """Send the journey's next pending after-care email; (text, html) of what went out."""
    scheduled = (
        ScheduledMessage.objects.filter(journey=journey, status=Status.PENDING)
        .exclude(rule__key__in=services.SURVEY_RULES)
        .order_by("due_at")
        .first()
    )
    assert scheduled is not None
    outbox.clear()
    assert message_send_scheduled(scheduled_message_id=scheduled.pk, now=scheduled.due_at) == (
        "sent"
    )
    email = outbox[-1]
    return email.body, email.alternatives[0][0]


def test_no_link_without_a_testimonial(followup, outbox) -> None:
    text, html = _send_after_care(followup, outbox)
    assert "/withdraw/" not in text and "/withdraw/" not in html


def test_after_care_email_after_a_testimonial_carries_a_working_withdraw_link(
    client, followup, outbox, manager
) -> None:
    services.survey_submit(journey_id=followup.pk, **HAPPY)
    services.testimonial_give(
        journey_id=followup.pk, text="Wonderful", publish_as="anonymous", consent=True
    )
    text, html = _send_after_care(followup, outbox)
    assert "Einwilligung zur Veröffentlichung widerrufen" in text  # the patient speaks German
    match = LINK.search(text)
    assert match and match.group(1) in html
    url = match.group(1)
    # A GET (a mail scanner) only asks.
    page = client.get(url)
    assert page.status_code == 200 and 'name="token"' in page.content.decode()
    assert Words.objects.get().withdrawn_at is None
    # A POST without the token, or with another, changes nothing.
    assert client.post(url, {"token": "forged"}).status_code == 404
    assert Words.objects.get().withdrawn_at is None
    token = url.split("/")[2]
    done = client.post(url, {"token": token})
    assert done.status_code == 303
    assert Words.objects.get().withdrawn_at is not None
    assert not selectors.testimonials_visible_to(manager).exists()
    assert "Einwilligung widerrufen" in client.get(done["Location"]).content.decode()
    # Consent withdrawn: later emails no longer carry the link.
    text, html = _send_after_care(followup, outbox)
    assert "/withdraw/" not in text and "/withdraw/" not in html


def test_forged_withdraw_token_shows_nothing(client, followup) -> None:
    assert client.get("/care/forged/withdraw/").status_code == 404
    assert client.post("/care/forged/withdraw/", {"token": "forged"}).status_code == 404
