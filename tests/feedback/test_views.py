"""The survey over HTTP: the email's link opens it, a GET records nothing, a POST with the
signed token records; forged, expired and revoked links show nothing and change nothing.
And the staff's side: My day's recovery cases, the case buttons, testimonials export,
the new-inquiry form's referral code."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core import signing
from django.urls import reverse

from care.links import page_url
from care.services import care_links_revoke
from care.tokens import page_token
from feedback import services
from feedback.emails import survey_page_url
from feedback.models import (
    RecoveryCase,
    Referral,
    ReferralCode,
    ReviewClick,
    ReviewSite,
    SurveyAnswer,
)
from feedback.models import Testimonial as Words
from followups.emails import links_for
from tests.conftest import make_patient

pytestmark = pytest.mark.django_db

HAPPY = {
    "stars": "5",
    "nps": "10",
    "coordinator_rating": "5",
    "clinic_rating": "5",
    "logistics_rating": "5",
}
UNHAPPY = {
    "stars": "2",
    "nps": "4",
    "coordinator_rating": "3",
    "clinic_rating": "2",
    "logistics_rating": "3",
}


def path(url: str) -> str:
    return url.replace("https://crm.example.com", "")


def token_of(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def test_the_satisfaction_emails_link_opens_the_survey_and_records_nothing(
    client, followup
) -> None:
    link = path(links_for(followup)["survey"])
    response = client.get(link)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Wie zufrieden waren Sie?" in html  # the patient's language (German)
    assert page["Referrer-Policy"] == "no-referrer"
    assert not SurveyAnswer.objects.exists()


# The signed one is made inside the test: signing at collection time would give each xdist
# worker a different test id (the signature carries a timestamp).
@pytest.mark.parametrize("token", ["nope", "1:abc:def", "signed-with-another-salt"])
def test_forged_survey_links_show_nothing(client, followup, token) -> None:
    if token == "signed-with-another-salt":
        token = signing.dumps(1, salt="other")
    assert client.get(f"/survey/{token}/").status_code == 404
    assert client.get(f"/care/{token}/survey/").status_code == 404
    response = client.post(f"/care/{token}/survey/", {"token": token, "action": "answer", **HAPPY})
    assert response.status_code == 404
    assert not SurveyAnswer.objects.exists()


def test_expired_and_revoked_links_show_nothing(
    client, followup, coordinator, clock, settings
) -> None:
    link = path(links_for(followup)["survey"])
    page = path(survey_page_url(followup))
    clock.shift(dt.timedelta(days=settings.CARE_LINK_MAX_AGE_DAYS + 1))
    assert client.get(link).status_code == 404
    assert client.get(page).status_code == 404
    clock.shift(-dt.timedelta(days=settings.CARE_LINK_MAX_AGE_DAYS + 1))
    care_links_revoke(journey_id=followup.pk, actor=coordinator)
    assert client.get(link).status_code == 404
    assert client.get(page).status_code == 404


def test_another_journeys_token_cannot_post(client, followup, journey) -> None:
    url = path(survey_page_url(followup))
    other = page_token(followup.pk + 999, 0)
    response = client.post(url, {"token": other, "action": "answer", **HAPPY})
    assert response.status_code == 404
    assert not SurveyAnswer.objects.exists()


def test_happy_answer_testimonial_review_click_and_referral_link(client, followup, clinic) -> None:
    site = ReviewSite.objects.create(clinic=clinic, name="Trustpilot", url="https://tp.example/c")
    url = path(survey_page_url(followup))
    token = token_of(client.get(url).content.decode())
    response = client.post(url, {"token": token, "action": "answer", **HAPPY})
    assert response.status_code == 303
    html = client.get(response["Location"]).content.decode()
    assert "Meine Worte teilen" in html and "Trustpilot" in html
    code = ReferralCode.objects.get(patient=followup.patient).code
    assert f"/r/{code}/" in html
    # A testimonial without the consent box stores nothing.
    client.post(
        url, {"token": token, "action": "testimonial", "text": "Super", "publish_as": "anonymous"}
    )
    assert not Words.objects.exists()
    client.post(
        url,
        {
            "token": token,
            "action": "testimonial",
            "text": "Super",
            "publish_as": "anonymous",
            "consent": "yes",
        },
    )
    assert Words.objects.get().text == "Super"
    # The review button: a POST records and sends the patient on (a page, for the CSP).
    go = client.post(url, {"token": token, "action": "review", "site": str(site.pk)})
    assert go.status_code == 200 and "https://tp.example/c" in go.content.decode()
    assert ReviewClick.objects.count() == 1
    # Withdrawing consent on the page hides it.
    client.post(url, {"token": token, "action": "withdraw"})
    assert Words.objects.get().withdrawn_at is not None
    # The referral link opens a working page.
    landing = client.get(f"/r/{code.lower()}/")
    assert landing.status_code == 200 and code in landing.content.decode()
    assert client.get("/r/ZZZZZZ/").status_code == 404


def test_bad_input_is_a_precise_answer_not_a_500(client, followup) -> None:
    url = path(survey_page_url(followup))
    token = token_of(client.get(url).content.decode())
    response = client.post(url, {"token": token, "action": "answer", **HAPPY, "stars": "9"})
    assert response.status_code == 303 and "error=1" in response["Location"]
    assert client.post(url, {"token": token, "action": "review", "site": "x"}).status_code == 404
    assert client.post(url, {"token": token, "action": "what"}).status_code == 404
    assert not SurveyAnswer.objects.exists()


def test_care_page_shows_the_survey_card_in_followup(client, followup) -> None:
    html = client.get(path(page_url(followup))).content.decode()
    # The card's link carries a fresh signed token (its timestamp may differ from one made
    # here a second later): follow it instead of comparing tokens.
    links = re.findall(r'href="(/care/[^"/]+/survey/)"', html)
    assert links, "no survey link on the care page"
    survey = client.get(links[0])
    assert survey.status_code == 200
    assert "Wie zufrieden waren Sie?" in survey.content.decode()


def test_unhappy_answer_shows_on_my_day_and_the_manager_acts(client, followup, manager) -> None:
    url = path(survey_page_url(followup))
    token = token_of(client.get(url).content.decode())
    client.post(url, {"token": token, "action": "answer", **UNHAPPY, "do_better": "Dirty hotel"})
    html = client.get(url).content.decode()
    assert "Meine Worte teilen" not in html  # no review ask
    client.force_login(manager)
    day = client.get(reverse("dashboard:my_day")).content.decode()
    assert "service recovery" in day and "Dirty hotel" in day
    page = client.get(reverse("dashboard:journey", args=[followup.pk])).content.decode()
    assert "★★☆☆☆" in page
    action = reverse("feedback:case_action", args=[followup.pk])
    client.post(action, {"kind": "call", "text": "Called, apologised"})
    client.post(action, {"kind": "resolve", "outcome": "satisfied", "text": "Refund"})
    case = RecoveryCase.objects.get()
    assert case.status == "resolved" and case.actions.count() == 1
    assert "service recovery" not in client.get(reverse("dashboard:my_day")).content.decode()


def test_testimonials_list_and_exports_for_managers_only(
    client, followup, manager, coordinator
) -> None:
    services.survey_submit(journey_id=followup.pk, **{k: int(v) for k, v in HAPPY.items()})
    services.testimonial_give(
        journey_id=followup.pk, text="Wonderful", publish_as="first_country", consent=True
    )
    client.force_login(coordinator)
    assert client.get(reverse("feedback:testimonials")).status_code == 404
    client.force_login(manager)
    assert "Wonderful" in client.get(reverse("feedback:testimonials")).content.decode()
    export = reverse("feedback:testimonials_export", args=["json"])
    assert json.loads(client.get(export).content)["testimonials"] == []  # not approved yet
    client.post(reverse("feedback:testimonial_review", args=[followup.pk]), {"approve": "1"})
    rows = json.loads(client.get(export).content)["testimonials"]
    assert [r["name"] for r in rows] == [f"Anna, {followup.patient.country}"]
    csv_text = client.get(reverse("feedback:testimonials_export", args=["csv"])).content.decode()
    assert "Wonderful" in csv_text
    services.testimonial_withdraw(journey_id=followup.pk)
    assert json.loads(client.get(export).content)["testimonials"] == []
    assert client.get(reverse("feedback:testimonials_export", args=["xml"])).status_code == 404


def test_new_inquiry_form_attributes_a_referral_code(
    client, followup, coordinator, procedure
) -> None:
    services.survey_submit(journey_id=followup.pk, **{k: int(v) for k, v in HAPPY.items()})
    code = ReferralCode.objects.get().code
    client.force_login(coordinator)
    form = {
        "full_name": "Ben Friend",
        "email": "ben@example.com",
        "country": "DE",
        "preferred_language": "en",
        "source": "website",
        "procedure": str(procedure.pk),
        "coordinator": str(coordinator.pk),
        "note": "",
        "referral_code": "ZZZZZZ",
    }
    refused = client.post(reverse("dashboard:inquiry_new"), form)
    assert (
        refused.status_code == 200
        and "No patient has this referral code" in refused.content.decode()
    )
    created = client.post(reverse("dashboard:inquiry_new"), {**form, "referral_code": code.lower()})
    assert created.status_code == 302
    referral = Referral.objects.get()
    assert referral.referrer_id == followup.patient_id and referral.channel == "staff"
    assert referral.journey.patient.source == "referral"
    assert make_patient  # shared factory
