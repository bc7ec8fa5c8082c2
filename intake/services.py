"""Every write of the intake app: a submission from the public form or the JSON endpoint
becomes a patient and an inquiry (or joins the inquiry they sent the day before), the
site keys, and a manager's acceptance of a held submission.

The new inquiry goes through journeys' `inquiry_open`/`journey_create`, so the
JOURNEY_CREATED listeners run in its transaction: intake.assignment picks the
coordinator, then followups plans the acknowledgment and claims it to be sent right
after commit, in the patient's language, signed by that coordinator.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from crm.models import Patient, PatientSource, Procedure
from crm.services import patient_create
from crm.timezones import main_zone
from feedback import services as feedback_services
from feedback.models import ReferralChannel
from followups.inbound.store import inquiry_procedure
from followups.services import message_record_inquiry, patient_opt_out_marketing
from intake.abuse import key_new
from intake.inputs import IntakeData
from intake.models import CoordinatorRule, IntakeSite, IntakeSubmission, SubmissionStatus
from intake.selectors import submissions_of
from journeys.models import Journey, Outcome
from journeys.services import (
    JourneyError,
    inquiry_open,
    journey_add_note,
    journey_create,
    journey_mark_waiting,
)


class IntakeError(Exception):
    """The submission cannot become an inquiry (no procedure configured at all); the
    message is meant for the operator, the visitor sees a generic apology."""


@dataclass(frozen=True)
class SubmitResult:
    submission: IntakeSubmission
    journey: Journey | None

    @property
    def status(self) -> str:
        return self.submission.status


# How long a second submission from the same address joins the first instead of opening
# another inquiry.
DUPLICATE_WITHIN = dt.timedelta(days=1)


def referral_attribute(*, submission: IntakeSubmission, journey_id: int) -> None:
    """The form's referral code (`?ref=` or the JSON `referral_code`), kept raw on the
    submission, attributed through feedback's service: the patient gets `referred_by` and
    source "referral", the referrer's Referral row counts it. An unknown code or a
    self-referral changes nothing (feedback's service never raises for a bad code)."""
    feedback_services.referral_attribute(
        journey_id=journey_id, code=submission.referral_code, channel=ReferralChannel.INTAKE
    )


def _record(
    data: IntakeData, *, site: IntakeSite | None, via: str, at: dt.datetime
) -> IntakeSubmission:
    return IntakeSubmission(
        site=site,
        via=via,
        full_name=data.full_name,
        email=data.email,
        phone=data.phone,
        country=data.country,
        language=data.language,
        procedure=data.procedure,
        message=data.message,
        preferred_channel=data.preferred_channel,
        preferred_time=data.preferred_time,
        consent_care=data.consent_care,
        consent_marketing=data.consent_marketing,
        consent_version=settings.INTAKE_CONSENT_VERSION,
        consent_at=at,
        utm_source=data.utm_source,
        utm_medium=data.utm_medium,
        utm_campaign=data.utm_campaign,
        referral_code=data.referral_code,
        created_at=at,
    )


def _message_text(data: IntakeData) -> str:
    """What the coordinator reads on the journey: the message, then the form's details."""
    lines = [data.message or "(no message)", ""]
    details = [
        ("Phone", data.phone),
        ("Country", data.country),
        ("Preferred contact", data.preferred_channel),
        ("Best time", data.preferred_time),
        ("Marketing consent", "yes" if data.consent_marketing else "no"),
        (
            "Source",
            " / ".join(v for v in (data.utm_source, data.utm_medium, data.utm_campaign) if v),
        ),
        ("Referral code", data.referral_code),
    ]
    lines += [f"{label}: {value}" for label, value in details if value]
    return "\n".join(lines).strip()


def intake_submit(
    *,
    data: IntakeData,
    site: IntakeSite | None,
    via: str = "form",
    bot_reason: str = "",
    at: dt.datetime | None = None,
) -> SubmitResult:
    """Turn a checked submission into an inquiry. `bot_reason` (from intake.abuse) holds
    it for a manager instead; a filled honeypot makes it spam. Both are stored, nothing
    else happens: no patient, no journey, no email to an address no person typed."""
    at = at or timezone.now()
    submission = _record(data, site=site, via=via, at=at)
    if data.honeypot:
        submission.status = SubmissionStatus.SPAM
        submission.status_reason = "honeypot field filled in"
        submission.save()
        return SubmitResult(submission, None)
    if bot_reason:
        submission.status = SubmissionStatus.HELD
        submission.status_reason = bot_reason[:200]
        submission.held_files = _keep_held_files(data.files)
        submission.save()
        return SubmitResult(submission, None)
    with transaction.atomic():
        origin = f"“{site.name}” ({via})" if site is not None else "the website form"
        journey, status, reason = _open_or_join(data, at=at, origin=origin)
        submission.status = status
        submission.status_reason = reason
        submission.patient_id = journey.patient_id
        submission.journey = journey
        submission.save()
        message_record_inquiry(
            journey_id=journey.pk,
            subject=_subject(data, journey),
            text=_message_text(data),
            files=data.files,
            at=at,
            patient=journey.patient,
        )
        # Someone waits for an answer (My day's queue); not a reply, so nothing stops.
        journey_mark_waiting(journey_id=journey.pk, at=at, patient_replied=False)
        if data.referral_code:
            referral_attribute(submission=submission, journey_id=journey.pk)
    return SubmitResult(submission, journey)


def _subject(data: IntakeData, journey: Journey) -> str:
    name = data.procedure.name if data.procedure else journey.procedure.name
    return f"Inquiry form: {name}"


def _open_or_join(
    data: IntakeData, *, at: dt.datetime, origin: str = "the website form"
) -> tuple[Journey, str, str]:
    """The journey this submission belongs to, and what became of it. Runs in the
    caller's transaction. Patients are matched by email (lower-cased, unique)."""
    patient = Patient.objects.select_for_update().filter(email=data.email).first()
    created = patient is None
    if patient is not None:
        recent = (
            Journey.objects.filter(
                patient=patient,
                outcome=Outcome.ACTIVE,
                inquiry_received_at__gte=at - DUPLICATE_WITHIN,
            )
            .order_by("-inquiry_received_at")
            .first()
        )
        if recent is not None:
            return _join(recent, "sent the inquiry form again within a day")
    else:
        try:
            patient = patient_create(
                full_name=data.full_name,
                email=data.email,
                country=data.country,
                phone=data.phone,
                preferred_language=data.language,
                timezone_name=data.timezone or main_zone(data.country) or "UTC",
                source=PatientSource.REFERRAL if data.referral_code else PatientSource.WEBSITE,
                actor=None,
            )
        except ValidationError:
            # A second submission from the same new address raced this one and won (the
            # unique email waited for its commit): theirs is the inquiry; join it.
            patient, created = Patient.objects.get(email=data.email), False
            recent = Journey.objects.filter(patient=patient, outcome=Outcome.ACTIVE).first()
            if recent is not None:
                return _join(recent, "sent the inquiry form twice at the same moment")
    # Before the journey: its cadence then plans no marketing nudge at all.
    if not data.consent_marketing and patient_opt_out_marketing(patient_id=patient.pk, at=at):
        patient.marketing_opt_out_at = at
    procedure = data.procedure or inquiry_procedure()
    if procedure is None:
        raise IntakeError("No procedure exists: add one before opening the inquiry form.")
    # A new patient has no journey and no coordinator to route to: straight to
    # journey_create (inquiry_open would only find that out with one more query).
    opener = journey_create if created else inquiry_open
    try:
        journey = opener(
            patient=patient,
            procedure=procedure,
            actor=None,
            inquiry_received_at=at,
            note=f"Inquiry from {origin}"
            + ("" if data.procedure else f"; procedure {procedure.name} was the default"),
        )
    except JourneyError:
        # Already an active journey for that procedure (older than a day): join it.
        journey = Journey.objects.get(patient=patient, procedure=procedure, outcome=Outcome.ACTIVE)
        return _join(journey, "sent the inquiry form again for a procedure already open")
    return journey, SubmissionStatus.CREATED, ""


def _join(journey: Journey, why: str) -> tuple[Journey, str, str]:
    journey_add_note(
        journey_id=journey.pk,
        text=f"The patient {why}: the new message is on this journey (no second inquiry, "
        "no second acknowledgment).",
        actor=None,
        data={"intake": "joined"},
    )
    return journey, SubmissionStatus.JOINED, why


def _keep_held_files(files: list[tuple[str, str, bytes]]) -> list[dict[str, str]]:
    """Files of a held submission, stored (never served) until a manager decides."""
    kept = []
    for name, content_type, payload in files:
        path = default_storage.save(f"intake/held/{uuid.uuid4().hex}-{name}", ContentFile(payload))
        kept.append({"name": name, "content_type": content_type, "path": path})
    return kept


def submission_accept(*, submission_id: int) -> SubmitResult:
    """A manager looked at a held submission and it is a person: it becomes an inquiry
    now (and the acknowledgment goes out)."""
    with transaction.atomic():
        submission = IntakeSubmission.objects.select_for_update().get(pk=submission_id)
        if submission.status != SubmissionStatus.HELD:
            raise IntakeError(f"Submission #{submission.pk} is not held.")
        files = []
        for kept in submission.held_files:
            with default_storage.open(kept["path"]) as handle:
                files.append((kept["name"], kept["content_type"], handle.read()))
        data = IntakeData(
            full_name=submission.full_name,
            email=submission.email,
            phone=submission.phone,
            country=submission.country,
            language=submission.language,
            procedure=submission.procedure,
            message=submission.message,
            preferred_channel=submission.preferred_channel,
            preferred_time=submission.preferred_time,
            consent_care=submission.consent_care,
            consent_marketing=submission.consent_marketing,
            utm_source=submission.utm_source,
            utm_medium=submission.utm_medium,
            utm_campaign=submission.utm_campaign,
            referral_code=submission.referral_code,
            files=files,
        )
        now = timezone.now()
        journey, _, _ = _open_or_join(data, at=now)
        message_record_inquiry(
            journey_id=journey.pk,
            subject=_subject(data, journey),
            text=_message_text(data),
            files=files,
            at=now,
        )
        journey_mark_waiting(journey_id=journey.pk, at=now, patient_replied=False)
        submission.status = SubmissionStatus.ACCEPTED
        submission.patient_id = journey.patient_id
        submission.journey = journey
        paths = [kept["path"] for kept in submission.held_files]
        submission.held_files = []
        submission.save(update_fields=["status", "patient", "journey", "held_files"])
        transaction.on_commit(partial(_delete_files, paths))
    return SubmitResult(submission, journey)


def _delete_files(paths: list[str]) -> None:
    for path in paths:
        default_storage.delete(path)


def site_key_rotate(*, site_id: int) -> str:
    """A new key for the site's JSON endpoint; the old one stops working. Returns the key
    (shown once; only its hash is stored)."""
    key, prefix, digest = key_new()
    IntakeSite.objects.filter(pk=site_id).update(key_hash=digest, key_prefix=prefix)
    return key


def procedure_exists() -> bool:
    return Procedure.objects.exists()


def submissions_erase_for_patient(*, patient_id: int, email: str, placeholder: str) -> int:
    """Erasure (privacy/): blank what the patient typed into the form, delete held files.
    The consent flags, their version and time, the status and the UTM source stay (they
    are not personal, and the consent record is evidence)."""
    rows = submissions_of(patient_id=patient_id, email=email)
    held_paths = [
        kept["path"] for files in rows.values_list("held_files", flat=True) for kept in files
    ]
    count = rows.update(
        full_name="",
        email=placeholder,
        phone="",
        message="",
        preferred_time="",
        referral_code="",
        status_reason="",
        held_files=[],
    )
    _delete_files(held_paths)
    return count


def rule_ensure(*, user_id: int, languages: list[str], capacity: int) -> bool:
    """An assignment rule for a coordinator unless they have one (the demo's logins);
    True when it was made. An existing rule, edited by a manager, is left alone."""
    _, created = CoordinatorRule.objects.get_or_create(
        user_id=user_id, defaults={"languages": languages, "capacity": max(1, capacity)}
    )
    return created
