"""The patient's page over HTTP: a GET shows, a POST with the signed token records; a
forged, expired, revoked or other journey's token shows nothing and changes nothing."""

from __future__ import annotations

import re
import time
from unittest import mock

import pytest
from django.urls import reverse

from care.links import page_url, template_links
from care.models import CheckIn, Escalation
from care.services import care_links_revoke
from care.tokens import page_token
from tests.conftest import make_patient

pytestmark = pytest.mark.django_db


def path(url: str) -> str:
    return url.replace("https://crm.example.com", "")


def form_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="(token|nonce)" value="([^"]+)"', html))


def test_get_with_an_answer_chooses_it_and_records_nothing(client, journey) -> None:
    response = client.get(path(template_links(journey)["checkin_help"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="help" required checked' in html
    assert "Ich brauche jetzt Hilfe" in html  # the patient's language (German)
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert not CheckIn.objects.exists()
    assert not Escalation.objects.exists()


def test_the_page_reads_in_five_queries(client, journey, django_assert_num_queries) -> None:
    """Journey (its patient, coordinator, procedure, clinic) with its link version,
    after-care steps, latest check-in, open escalation, and the quote card's quotes
    (care.quotes: one query; its lines and the bill only when there is a quote)."""
    from care.services import checkin_record

    checkin_record(journey_id=journey.pk, answer="help", nonce="n1", pain=8, note="Swelling")
    url = path(template_links(journey)["page"])
    with django_assert_num_queries(5):
        response = client.get(url)
    html = response.content.decode()
    assert journey.patient.full_name.split()[0] in html
    assert journey.procedure.name in html and journey.clinic.name in html
    assert journey.coordinator.email in html


def test_one_tap_records_and_a_second_tap_changes_nothing(client, journey) -> None:
    url = path(page_url(journey))
    fields = form_fields(client.get(url).content.decode())
    data = {**fields, "action": "checkin", "answer": "help", "pain": "8", "note": "fever"}
    first = client.post(url, data)
    assert first.status_code == 303
    assert first["Location"].endswith("?recorded=help#top")
    second = client.post(url, data)
    assert second.status_code == 303
    assert CheckIn.objects.count() == 1
    assert Escalation.objects.count() == 1
    shown = client.get(first["Location"]).content.decode()
    assert "Ihre Antwort wurde um" in shown
    assert "Hilfe ist unterwegs" in shown


def test_post_without_the_token_in_the_form_records_nothing(client, journey) -> None:
    url = path(page_url(journey))
    response = client.post(url, {"action": "checkin", "answer": "help", "nonce": "x"})
    assert response.status_code == 404
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("kind", ["forged", "expired", "revoked", "other"])
def test_bad_tokens_show_nothing_and_change_nothing(client, journey, coordinator, kind) -> None:
    good = page_token(journey.pk, 0)
    if kind == "forged":
        token = good[:-3] + ("aaa" if not good.endswith("aaa") else "bbb")
    elif kind == "expired":
        with mock.patch("django.core.signing.time.time", return_value=time.time() - 61 * 86400):
            token = page_token(journey.pk, 0)
    elif kind == "revoked":
        token = good
        care_links_revoke(journey_id=journey.pk, actor=coordinator)
    else:
        # Another journey's valid token used on this one's form: it opens that journey,
        # never this one, and posting this one's nonce there changes only that journey.
        token = "x" + good
    url = reverse("care:page", args=[token])
    response = client.get(url + "?answer=help")
    assert response.status_code == 404
    html = response.content.decode()
    assert journey.patient.full_name.split()[0] not in html
    assert journey.procedure.name not in html
    posted = client.post(url, {"token": token, "action": "checkin", "answer": "help", "nonce": "n"})
    assert posted.status_code == 404
    assert not CheckIn.objects.exists()
    assert not Escalation.objects.exists()


def test_a_token_cannot_be_moved_to_another_journey(client, journey, procedure, coordinator):
    from journeys.services import journey_create

    other = journey_create(patient=make_patient(), procedure=procedure, actor=coordinator)
    mine = page_token(journey.pk, 0)
    other_url = reverse("care:page", args=[page_token(other.pk, 0)])
    # The other journey's page with my token in the form: refused.
    response = client.post(
        other_url, {"token": mine, "action": "checkin", "answer": "help", "nonce": "n"}
    )
    assert response.status_code == 404
    # Editing the journey id inside a token breaks its signature.
    _, _, rest = mine.partition(":")
    forged = f"{other.pk}.0:{rest}"
    assert client.get(reverse("care:page", args=[forged])).status_code == 404
    assert not CheckIn.objects.exists()


def test_step_buttons_only_touch_the_journeys_own_steps(client, journey, coordinator) -> None:
    url = path(page_url(journey))
    response = client.post(
        url, {"token": page_token(journey.pk, 0), "action": "step_done", "step": "999999"}
    )
    assert response.status_code == 404


def test_staff_acknowledge_and_resolve_from_my_day(client, journey, coordinator) -> None:
    from care.models import EscalationSource
    from care.services import escalation_open

    escalation = escalation_open(journey=journey, source=EscalationSource.CHECKIN)
    client.force_login(coordinator)
    my_day = client.get(reverse("dashboard:my_day")).content.decode()
    assert "Needs help now" in my_day
    assert my_day.index("Needs help now") < my_day.index("New inquiries waiting")
    client.post(reverse("care:escalation_acknowledge", args=[escalation.pk]))
    client.post(reverse("care:escalation_resolve", args=[escalation.pk]), {"note": "Called"})
    escalation.refresh_from_db()
    assert escalation.acknowledged_by == coordinator
    assert escalation.resolution == "Called"
    assert "Needs help now" not in client.get(reverse("dashboard:my_day")).content.decode()


def test_another_coordinator_cannot_acknowledge(client, journey, other_coordinator) -> None:
    from care.models import EscalationSource
    from care.services import escalation_open

    escalation = escalation_open(journey=journey, source=EscalationSource.CHECKIN)
    client.force_login(other_coordinator)
    response = client.post(reverse("care:escalation_acknowledge", args=[escalation.pk]))
    assert response.status_code == 404
    escalation.refresh_from_db()
    assert escalation.acknowledged_at is None


def test_journey_page_care_panel_and_revoking_the_links(client, journey, coordinator) -> None:
    from care.models import EscalationSource
    from care.services import checkin_record, escalation_open

    escalation_open(journey=journey, source=EscalationSource.PAIN, pain=9)
    checkin_record(journey_id=journey.pk, answer="fine", nonce="n", note="Better today")
    old = path(page_url(journey))
    client.force_login(coordinator)
    html = client.get(reverse("dashboard:journey", args=[journey.pk])).content.decode()
    assert 'id="care"' in html and "pain 9/10" in html
    assert "Better today" in html  # the check-in is on the timeline
    client.post(reverse("care:links_revoke", args=[journey.pk]))
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(path(page_url(journey))).status_code == 200


def test_closed_journeys_page_has_no_check_in(client, journey, coordinator) -> None:
    from journeys.services import journey_move

    journey_move(journey_id=journey.pk, target="lost", actor=coordinator, lost_reason="price")
    token = page_token(journey.pk, 0)
    url = reverse("care:page", args=[token])
    # Lost: the page opens for no one.
    assert client.get(url).status_code == 404
    posted = client.post(url, {"token": token, "action": "checkin", "answer": "help", "nonce": "n"})
    assert posted.status_code == 404
    assert not CheckIn.objects.exists()


def test_step_buttons_record_and_thank(client, journey, coordinator) -> None:
    from care.models import AfterCarePlan, AfterCareStep, JourneyStep
    from care.services import plan_instantiate

    plan = AfterCarePlan.objects.create(name="P", procedure=journey.procedure)
    AfterCareStep.objects.create(plan=plan, day_offset=-1, title_en="Rest", text_en="Rest.")
    plan_instantiate(journey=journey)
    step = JourneyStep.objects.get(journey=journey)
    token = page_token(journey.pk, 0)
    url = reverse("care:page", args=[token])
    html = client.get(url).content.decode()
    assert "Rest." in html and 'value="step_done"' in html
    response = client.post(url, {"token": token, "action": "step_problem", "step": step.pk})
    assert response["Location"].endswith("?recorded=step_help#top")
    shown = client.get(response["Location"]).content.decode()
    assert "Danke, ist notiert." in shown
    step.refresh_from_db()
    assert step.status == "problem"
    assert Escalation.objects.filter(journey=journey, source="step").exists()
