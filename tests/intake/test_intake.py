"""The public inquiry form and its JSON endpoint (intake/): a submission becomes a
patient and an inquiry whose acknowledgment goes out at once in the visitor's language
from the assigned coordinator; the message and files land on the journey; consent, UTM
and the referral code are kept; bots, floods and duplicates are handled."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from typing import Any

import pytest
from django.core import signing
from django.test import Client, override_settings
from django.utils import timezone

from crm.models import Patient, Procedure
from feedback.models import Referral, ReferralChannel
from feedback.services import referral_code_ensure
from followups.models import Attachment, InboundLabel, Message, ScheduledMessage
from intake import abuse
from intake.models import IntakeSite, IntakeSubmission, SubmissionStatus
from intake.services import site_key_rotate, submission_accept
from journeys.models import EventKind, Journey, JourneyEvent
from tests.conftest import make_patient
from tests.intake.conftest import rule_for

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def human_token() -> str:
    """A form token from a page shown a minute ago."""
    return abuse.form_token(now=time.time() - 60)


def form_post(client: Client, proc: Procedure, /, *, path: str = "/inquire/", **overrides: Any):
    data: dict[str, Any] = {
        "lang": "es",
        "form_token": human_token(),
        "full_name": "Lucía García",
        "email": "Lucia@Example.ES",
        "phone": "+34 612 345 678",
        "country": "ES",
        "language": "es",
        "procedure": str(proc.pk),
        "message": "Quisiera un presupuesto para dos implantes.",
        "preferred_channel": "whatsapp",
        "preferred_time": "tardes",
        "consent_care": "1",
        "utm_source": "google",
        "utm_medium": "cpc",
        "utm_campaign": "implants-es",
        "ref": "ANNA-7K2",
        "timezone": "Europe/Madrid",
    }
    data.update(overrides)
    return client.post(path, {k: v for k, v in data.items() if v is not None})


def test_the_form_renders_in_the_visitors_language_and_may_be_framed(
    client: Client, procedure: Procedure
) -> None:
    with override_settings(INTAKE_FRAME_ANCESTORS=["https://www.clinic.example"]):
        response = client.get("/inquire/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Senden Sie uns Ihre Anfrage" in page and 'lang="de"' in page
    assert "Dental implants" in page
    assert "X-Frame-Options" not in response
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://www.clinic.example" in csp
    assert "Enviar mi consulta" in client.get("/inquire/?lang=es").content.decode()
    # Every other page still refuses to be framed.
    other = client.get("/accounts/login/")
    assert other["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in other["Content-Security-Policy"]


def test_a_site_adds_its_own_embedding_origins(client: Client, procedure: Procedure) -> None:
    IntakeSite.objects.create(
        slug="dental", name="Dental site", embed_origins="https://dental.example\n"
    )
    response = client.get("/inquire/dental/?lang=en")
    assert response.status_code == 200
    assert "https://dental.example" in response["Content-Security-Policy"]
    assert client.get("/inquire/nope/").status_code == 404


def test_a_submission_becomes_an_assigned_inquiry_acknowledged_at_once(
    client: Client,
    procedure: Procedure,
    eager: None,
    outbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    carla = rule_for("carla", languages=["es"], first_name="Carla")
    photo = ("boca.jpeg", JPEG)
    with django_capture_on_commit_callbacks(execute=True):
        response = form_post(
            client,
            procedure,
            attachments=[_upload(*photo), _upload("informe.pdf", PDF)],
        )
    assert response.status_code == 302
    assert response["Location"] == "/inquire/thanks/?lang=es"
    assert "Gracias" in client.get(response["Location"]).content.decode()

    patient = Patient.objects.get()
    assert patient.email == "lucia@example.es"
    assert (patient.preferred_language, patient.country, patient.timezone) == (
        "es",
        "ES",
        "Europe/Madrid",
    )
    assert patient.source == "referral"
    assert patient.marketing_opt_out_at is not None  # marketing not ticked
    journey = Journey.objects.get(patient=patient)
    assert journey.coordinator_id == carla.user_id
    assert journey.awaiting_reply_since is not None

    submission = IntakeSubmission.objects.get()
    assert submission.status == SubmissionStatus.CREATED
    assert submission.journey_id == journey.pk
    assert (submission.utm_source, submission.utm_medium, submission.utm_campaign) == (
        "google",
        "cpc",
        "implants-es",
    )
    assert submission.referral_code == "ANNA-7K2"
    assert submission.consent_care and not submission.consent_marketing
    assert submission.consent_version and submission.consent_at is not None
    assert (submission.preferred_channel, submission.preferred_time) == ("whatsapp", "tardes")

    message = Message.objects.get(journey=journey, direction="in")
    assert message.label == InboundLabel.INQUIRY and not message.counts_as_reply
    assert "dos implantes" in message.text and "Referral code: ANNA-7K2" in message.text
    files = list(Attachment.objects.filter(message=message).order_by("pk"))
    assert [(f.filename, f.content_type, f.size) for f in files] == [
        ("boca.jpg", "image/jpeg", len(JPEG)),
        ("informe.pdf", "application/pdf", len(PDF)),
    ]
    assert not files[0].file.url.startswith("/inquire/")

    # The acknowledgment: sent right after commit, in Spanish, signed by Carla.
    ack = ScheduledMessage.objects.get(journey=journey, rule__key="inquiry_ack")
    assert ack.status == "sent"
    assert len(outbox) == 1 and outbox[0].to == ["lucia@example.es"]
    assert "Carla Tester" in outbox[0].body
    # No marketing nudge was planned.
    assert not ScheduledMessage.objects.filter(journey=journey, rule__kind="marketing")


def test_marketing_consent_keeps_the_nudges(client: Client, procedure: Procedure) -> None:
    form_post(client, procedure, consent_marketing="1")
    patient = Patient.objects.get()
    assert patient.marketing_opt_out_at is None
    assert IntakeSubmission.objects.get().consent_marketing
    assert ScheduledMessage.objects.filter(journey__patient=patient, rule__kind="marketing")


def test_errors_are_shown_in_the_visitors_language_and_nothing_is_created(
    client: Client, procedure: Procedure
) -> None:
    response = form_post(
        client,
        procedure,
        email="not-an-address",
        phone="612345678",
        consent_care=None,
        country="XX",
        procedure="999999999999999999999",
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Introduzca un correo electrónico válido." in page
    assert "prefijo internacional" in page
    assert "Necesitamos su consentimiento" in page
    assert "Lucía García" in page  # what was typed stays
    assert not Patient.objects.exists() and not IntakeSubmission.objects.exists()


@pytest.mark.parametrize(
    ("name", "payload", "problem"),
    [
        ("virus.exe", b"MZ\x90\x00" + b"\x00" * 100, "no es una foto"),
        ("fake.jpg", b"<html><script>alert(1)</script>", "no es una foto"),
        ("huge.pdf", b"%PDF-" + b"0" * 3000, "ocupa más de"),
    ],
)
def test_attachments_are_sniffed_and_size_checked(
    client: Client, procedure: Procedure, name: str, payload: bytes, problem: str
) -> None:
    with override_settings(INTAKE_MAX_FILE_BYTES=2048):
        response = form_post(client, procedure, attachments=[_upload(name, payload)])
    assert response.status_code == 400
    assert problem in response.content.decode()
    assert not Journey.objects.exists()


def test_too_many_files_and_a_request_over_the_cap_are_refused(
    client: Client, procedure: Procedure
) -> None:
    with override_settings(INTAKE_MAX_FILES=1):
        response = form_post(
            client, procedure, attachments=[_upload("a.jpg", JPEG), _upload("b.jpg", JPEG)]
        )
    assert response.status_code == 400 and "como máximo 1 archivos" in response.content.decode()
    with override_settings(INTAKE_MAX_REQUEST_BYTES=4096):
        response = form_post(client, procedure, attachments=[_upload("a.pdf", PDF * 200)])
    assert response.status_code == 413
    assert not Journey.objects.exists()


def test_the_honeypot_makes_it_spam_answered_like_a_success(
    client: Client, procedure: Procedure, outbox: list[Any]
) -> None:
    response = form_post(client, procedure, website="http://spam.example")
    assert response.status_code == 302  # the bot learns nothing
    submission = IntakeSubmission.objects.get()
    assert submission.status == SubmissionStatus.SPAM
    assert not Patient.objects.exists() and not outbox


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (None, "no form token"),
        ("forged", "not ours"),
        ("fast", "after the form was shown"),
        ("old", "older than a day"),
    ],
)
def test_a_post_no_person_filled_in_is_held_without_any_email(
    client: Client, procedure: Procedure, outbox: list[Any], token: str | None, reason: str
) -> None:
    tokens = {
        None: None,
        "forged": signing.dumps({"t": 0}, salt="other"),
        "fast": abuse.form_token(),
        "old": abuse.form_token(now=time.time() - 2 * 24 * 3600),
    }
    response = form_post(client, procedure, form_token=tokens[token])
    assert response.status_code == 302
    submission = IntakeSubmission.objects.get()
    assert submission.status == SubmissionStatus.HELD and reason in submission.status_reason
    assert not Patient.objects.exists() and not outbox


def test_a_manager_accepts_a_held_submission_with_its_files(
    client: Client, procedure: Procedure
) -> None:
    form_post(client, procedure, form_token=None, attachments=[_upload("x.jpg", JPEG)])
    held = IntakeSubmission.objects.get()
    assert held.held_files and held.held_files[0]["content_type"] == "image/jpeg"
    result = submission_accept(submission_id=held.pk)
    assert result.journey is not None
    held.refresh_from_db()
    assert held.status == SubmissionStatus.ACCEPTED and held.held_files == []
    assert Attachment.objects.get(message__journey=result.journey).size == len(JPEG)


def test_the_form_is_rate_limited_per_address(client: Client, procedure: Procedure) -> None:
    with override_settings(INTAKE_RATE_LIMIT_PER_HOUR=2):
        codes = [
            form_post(client, procedure, email=f"p{n}@example.es").status_code for n in range(3)
        ]
        other = Client(REMOTE_ADDR="203.0.113.9")
        assert form_post(other, procedure, email="q@example.es").status_code == 302
    assert codes == [302, 302, 429]
    assert IntakeSubmission.objects.count() == 3


def test_the_same_email_within_a_day_joins_the_first_inquiry(
    client: Client, procedure: Procedure, other_procedure: Procedure, clock: Any
) -> None:
    form_post(client, procedure)
    journey = Journey.objects.get()
    acks = ScheduledMessage.objects.filter(rule__key="inquiry_ack").count()
    clock.move_to(timezone.now() + dt.timedelta(hours=20))
    form_post(
        client,
        procedure,
        email="LUCIA@example.es",
        procedure=str(other_procedure.pk),
        message="Olvidé decir: también carillas.",
        form_token=abuse.form_token(now=time.time() - 60),
    )
    assert Journey.objects.count() == 1
    assert ScheduledMessage.objects.filter(rule__key="inquiry_ack").count() == acks
    second = IntakeSubmission.objects.order_by("-pk")[0]
    assert (second.status, second.journey_id) == (SubmissionStatus.JOINED, journey.pk)
    assert JourneyEvent.objects.filter(
        journey=journey, kind=EventKind.NOTE, data={"intake": "joined"}
    )
    assert Message.objects.filter(journey=journey, text__contains="carillas").exists()

    # After a day it is a new inquiry (another procedure: the first is still open).
    clock.move_to(timezone.now() + dt.timedelta(days=2))
    form_post(
        client,
        procedure,
        procedure=str(other_procedure.pk),
        form_token=abuse.form_token(now=time.time() - 60),
    )
    assert Journey.objects.count() == 2


def test_an_existing_patient_is_not_changed_by_the_form(
    client: Client, procedure: Procedure
) -> None:
    patient = make_patient(email="lucia@example.es", full_name="Lucía Real")
    form_post(client, procedure, full_name="Someone Else")
    patient.refresh_from_db()
    assert patient.full_name == "Lucía Real"
    assert Journey.objects.get().patient_id == patient.pk


# --- JSON ------------------------------------------------------------------------------------


@pytest.fixture
def site_key(db: None) -> str:
    site = IntakeSite.objects.create(slug="portal", name="Price portal")
    return site_key_rotate(site_id=site.pk)


def json_post(client: Client, body: Any, key: str | None, **extra: Any):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    raw = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(
        "/inquire/submit.json", raw, content_type="application/json", **headers, **extra
    )


def json_body(procedure: Procedure, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "full_name": "Hans Müller",
        "email": "hans@example.de",
        "phone": "+49 30 1234567",
        "country": "DE",
        "language": "de",
        "procedure": procedure.pk,
        "message": "Zahnimplantate, bitte ein Angebot.",
        "consent_care": True,
        "consent_marketing": False,
        "utm_source": "portal",
        "attachments": [
            {"filename": "roentgen.pdf", "content_base64": base64.b64encode(PDF).decode()}
        ],
    }
    body.update(overrides)
    return body


def test_the_json_endpoint_creates_the_inquiry(
    client: Client, procedure: Procedure, site_key: str
) -> None:
    response = json_post(client, json_body(procedure), site_key)
    assert response.status_code == 201, response.content
    assert response.json() == {"status": "received", "id": IntakeSubmission.objects.get().pk}
    submission = IntakeSubmission.objects.get()
    assert (submission.via, submission.site.slug, submission.status) == (
        "json",
        "portal",
        "created",
    )
    journey = Journey.objects.get(patient__email="hans@example.de")
    assert Attachment.objects.get(message__journey=journey).content_type == "application/pdf"
    # A duplicate answers exactly the same (it must not tell the caller the address wrote).
    again = json_post(client, json_body(procedure), site_key)
    assert again.status_code == 201 and set(again.json()) == {"status", "id"}
    assert Journey.objects.count() == 1


def test_the_json_endpoint_needs_a_valid_key(
    client: Client, procedure: Procedure, site_key: str
) -> None:
    for key in (None, "isk_wrong", "x" * 500):
        response = json_post(client, json_body(procedure), key)
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"
    IntakeSite.objects.update(active=False)
    assert json_post(client, json_body(procedure), site_key).status_code == 401
    assert not IntakeSubmission.objects.exists()


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (b"{not json", 400, None),
        (b"[1, 2]", 400, None),
        ({"email": "x"}, 400, "email"),
        ({"attachments": "nope"}, 400, "attachments"),
        ({"attachments": [{"filename": "a.pdf", "content_base64": "!!"}]}, 400, "attachments"),
        (
            {
                "attachments": [
                    {"filename": "a.pdf", "content_base64": base64.b64encode(b"MZ").decode()}
                ]
            },
            400,
            "attachments",
        ),
        ({"consent_care": False}, 400, "consent_care"),
        ({"full_name": "a\x00b"}, 201, None),
    ],
)
def test_the_json_endpoint_answers_bad_input_precisely(
    client: Client, procedure: Procedure, site_key: str, body: Any, status: int, field: str | None
) -> None:
    payload = body if isinstance(body, bytes) else json_body(procedure, **body)
    response = json_post(client, payload, site_key)
    assert response.status_code == status, response.content
    if field:
        assert field in response.json()["errors"]


def test_the_json_endpoint_refuses_other_types_and_big_bodies(
    client: Client, procedure: Procedure, site_key: str
) -> None:
    response = client.post(
        "/inquire/submit.json", {"a": "b"}, HTTP_AUTHORIZATION=f"Bearer {site_key}"
    )
    assert response.status_code == 415
    with override_settings(INTAKE_MAX_REQUEST_BYTES=4096):
        big = json_body(procedure, message="x" * 5000)
        assert json_post(client, big, site_key).status_code == 413
    assert client.get("/inquire/submit.json").status_code == 405


def test_the_json_endpoint_is_rate_limited_per_key(
    client: Client, procedure: Procedure, site_key: str
) -> None:
    with override_settings(INTAKE_KEY_RATE_LIMIT_PER_HOUR=1):
        first = json_post(client, json_body(procedure), site_key)
        second = json_post(client, json_body(procedure, email="b@example.de"), site_key)
    assert (first.status_code, second.status_code) == (201, 429)
    assert second["Retry-After"] == "3600"


def test_the_json_honeypot(client: Client, procedure: Procedure, site_key: str) -> None:
    response = json_post(client, json_body(procedure, website="x"), site_key)
    assert response.status_code == 201
    assert IntakeSubmission.objects.get().status == SubmissionStatus.SPAM
    assert not Journey.objects.exists()


def _upload(name: str, payload: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, payload, content_type="application/octet-stream")


def test_the_files_are_on_the_patient_page_for_the_coordinator_only(
    client: Client, procedure: Procedure, other_coordinator: Any
) -> None:
    carla = rule_for("carla", languages=["es"])
    form_post(client, procedure, attachments=[_upload("boca.jpeg", JPEG)])
    journey = Journey.objects.get()
    attachment = Attachment.objects.get()
    client.force_login(carla.user)
    page = client.get(f"/journeys/{journey.pk}/").content.decode()
    assert f'href="/attachments/{attachment.pk}/"' in page and "boca.jpg" in page
    download = client.get(f"/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Security-Policy"] == "sandbox"
    assert b"".join(download.streaming_content) == JPEG
    # Not served from a public URL, and not to a coordinator who may not see the journey.
    assert client.get(attachment.file.url).status_code == 404
    other = Client()
    other.force_login(other_coordinator)
    assert other.get(f"/attachments/{attachment.pk}/").status_code == 404
    assert Client().get(f"/attachments/{attachment.pk}/").status_code == 302  # sign in first


def test_a_coordinator_sets_away_until_on_their_settings_page(
    client: Client, procedure: Procedure
) -> None:
    from intake.models import CoordinatorRule

    carla = rule_for("carla", languages=["es"])
    client.force_login(carla.user)
    assert "Away until" in client.get("/settings/").content.decode()
    response = client.post("/settings/", {"away_until": "2026-06-20"})
    assert response.status_code == 302
    assert CoordinatorRule.objects.get(pk=carla.pk).away_until == dt.date(2026, 6, 20)
    assert client.post("/settings/", {"away_until": "20-06-2026"}).status_code == 400
    assert client.post("/settings/", {"away_until": "0001-01-01"}).status_code == 400
    client.post("/settings/", {"away_until": ""})
    assert CoordinatorRule.objects.get(pk=carla.pk).away_until is None


def test_erasure_blanks_the_form_and_export_holds_the_consent(
    client: Client, procedure: Procedure, manager: Any
) -> None:
    import io
    import zipfile

    from django.core.files.storage import default_storage

    from privacy.erase import patient_erase
    from privacy.export import patient_export

    form_post(client, procedure, attachments=[_upload("boca.jpeg", JPEG)])
    form_post(
        Client(REMOTE_ADDR="203.0.113.7"),
        procedure,
        form_token=None,
        attachments=[_upload("x.jpg", JPEG)],
    )
    held = IntakeSubmission.objects.get(status=SubmissionStatus.HELD)
    held_path = held.held_files[0]["path"]
    patient = Patient.objects.get()

    out = io.BytesIO()
    patient_export(patient_id=patient.pk, actor=manager, out=out)
    exported = json.loads(zipfile.ZipFile(out).read("intake.json"))
    assert len(exported) == 2
    assert {row["consent_version"] for row in exported} and all(
        row["consent_care"] for row in exported
    )

    patient_erase(patient_id=patient.pk, actor=manager, reason="Request of 2026-06-09")
    for row in IntakeSubmission.objects.all():
        assert (row.full_name, row.phone, row.message, row.referral_code) == ("", "", "", "")
        assert row.email.endswith("@erased.invalid") and row.consent_care
    assert not default_storage.exists(held_path)


def test_the_intake_site_command_prints_a_working_key(client: Client, procedure: Procedure) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("intake_site", "portal", "--name", "Portal", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    assert json_post(client, json_body(procedure), key).status_code == 201
    call_command("intake_site", "portal", stdout=StringIO())  # a new key: the old one stops
    assert json_post(client, json_body(procedure), key).status_code == 401
    with pytest.raises(CommandError):
        call_command("intake_site", "Bad Slug", stdout=StringIO())


def test_a_manager_accepts_held_submissions_in_the_admin(
    client: Client, procedure: Procedure, manager: Any
) -> None:
    form_post(client, procedure, form_token=None)
    held = IntakeSubmission.objects.get()
    client.force_login(manager)
    assert client.get(f"/admin/intake/intakesubmission/{held.pk}/change/").status_code == 200
    response = client.post(
        "/admin/intake/intakesubmission/",
        {"action": "accept", "_selected_action": [held.pk]},
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == SubmissionStatus.ACCEPTED and held.journey_id is not None


def test_a_referral_code_on_the_form_attributes_the_new_inquiry_to_its_referrer(
    client: Client, procedure: Procedure, eager: None
) -> None:
    """The code from a happy patient's referral link (feedback/) reaches the referrer."""
    referrer = make_patient(email="anna@example.de", full_name="Anna Weber")
    code = referral_code_ensure(patient_id=referrer.pk).code
    response = form_post(client, procedure, ref=code.lower())
    assert response.status_code == 302

    friend = Patient.objects.get(email="lucia@example.es")
    assert (friend.referred_by_id, friend.source) == (referrer.pk, "referral")
    referral = Referral.objects.get()
    assert (referral.referrer_id, referral.channel) == (referrer.pk, ReferralChannel.INTAKE)
    assert referral.journey.patient_id == friend.pk
