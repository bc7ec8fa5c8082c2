"""Reading a submission (the HTML form's POST or the JSON endpoint's body) into checked
values, with errors keyed by field in the visitor's language. Untrusted input: text goes
through crm.inputs.clean_text (no NUL or control characters), files are sniffed by their
first bytes (the name and the browser's content type are the sender's claim), and every
size is capped."""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from crm.inputs import clean_text, parse_id
from crm.models import Procedure
from crm.timezones import COUNTRY_ZONES
from followups.inbound.mime import safe_filename
from followups.inbound.parse import human_size
from intake.models import Channel
from intake.words import words_for

_PHONE = re.compile(r"\+[0-9][0-9 ()./-]{5,30}")
_UTM = ("utm_source", "utm_medium", "utm_campaign")

# Accepted file types by their first bytes: (content type, extension, test).
_SIGNATURES: list[tuple[str, str, Any]] = [
    ("image/jpeg", "jpg", lambda b: b.startswith(b"\xff\xd8\xff")),
    ("image/png", "png", lambda b: b.startswith(b"\x89PNG\r\n\x1a\n")),
    ("image/webp", "webp", lambda b: b[:4] == b"RIFF" and b[8:12] == b"WEBP"),
    ("image/heic", "heic", lambda b: b[4:8] == b"ftyp" and b[8:12] in {b"heic", b"heix", b"mif1"}),
    ("application/pdf", "pdf", lambda b: b.startswith(b"%PDF-")),
    # DICOM (X-ray exports): a 128-byte preamble, then "DICM".
    ("application/dicom", "dcm", lambda b: b[128:132] == b"DICM"),
]


def sniff(payload: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the file's first bytes, or None if not accepted."""
    head = payload[:160]
    for content_type, extension, test in _SIGNATURES:
        if test(head):
            return content_type, extension
    return None


@dataclass
class IntakeData:
    full_name: str = ""
    email: str = ""
    phone: str = ""
    country: str = ""
    language: str = "en"
    timezone: str = ""
    procedure: Procedure | None = None
    message: str = ""
    preferred_channel: str = ""
    preferred_time: str = ""
    consent_care: bool = False
    consent_marketing: bool = False
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    referral_code: str = ""
    honeypot: str = ""
    # (safe name, sniffed content type, bytes)
    files: list[tuple[str, str, bytes]] = field(default_factory=list)


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in {"1", "on", "true", "yes"}


def procedures_for(clinic_id: int | None) -> Any:
    rows = Procedure.objects.select_related("clinic").order_by("clinic__name", "name")
    return rows.filter(clinic_id=clinic_id) if clinic_id else rows


def read_submission(
    values: dict[str, Any],
    files: list[tuple[str, bytes]],
    *,
    words_language: str,
    clinic_id: int | None,
) -> tuple[IntakeData, dict[str, str]]:
    """Check one submission. `values` maps field names to strings (bools allowed from
    JSON); `files` are (name as sent, bytes). Returns the data and {field: error}."""
    words = words_for(words_language)
    errors: dict[str, str] = {}
    data = IntakeData()

    def text(name: str, limit: int) -> str:
        return clean_text(values.get(name, ""), max_length=limit)

    data.full_name = text("full_name", 200)
    if not data.full_name:
        errors["full_name"] = words["required"]
    data.email = text("email", 254).lower()
    try:
        validate_email(data.email)
    except ValidationError:
        errors["email"] = words["bad_email"] if data.email else words["required"]
    data.phone = text("phone", 40)
    if data.phone and not _PHONE.fullmatch(data.phone):
        errors["phone"] = words["bad_phone"]
    data.country = text("country", 2).upper()
    if data.country not in COUNTRY_ZONES:
        errors["country"] = words["bad_choice"] if data.country else words["required"]
    languages = {code for code, _ in settings.PATIENT_LANGUAGES}
    data.language = text("language", 8).lower() or words_language
    if data.language not in languages:
        errors["language"] = words["bad_choice"]
    tz = text("timezone", 64)
    try:
        if tz:
            zoneinfo.ZoneInfo(tz)
            data.timezone = tz
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        data.timezone = ""  # the browser's guess is a nicety: a bad one is ignored
    raw_procedure = values.get("procedure", "")
    if str(raw_procedure).strip():
        procedure_id = parse_id(raw_procedure)
        procedure = (
            procedures_for(clinic_id).filter(pk=procedure_id).first() if procedure_id else None
        )
        if procedure is None:
            errors["procedure"] = words["bad_choice"]
        data.procedure = procedure
    data.message = text("message", settings.INTAKE_MAX_MESSAGE_CHARS)
    data.preferred_channel = text("preferred_channel", 10)
    if data.preferred_channel and data.preferred_channel not in Channel.values:
        errors["preferred_channel"] = words["bad_choice"]
    data.preferred_time = text("preferred_time", 100)
    data.consent_care = _truthy(values.get("consent_care", ""))
    if not data.consent_care:
        errors["consent_care"] = words["consent_needed"]
    data.consent_marketing = _truthy(values.get("consent_marketing", ""))
    for name in _UTM:
        setattr(data, name, text(name, 100))
    data.referral_code = text("ref", 64) or text("referral_code", 64)
    data.honeypot = text(settings.INTAKE_HONEYPOT_FIELD, 200)

    most, biggest = settings.INTAKE_MAX_FILES, settings.INTAKE_MAX_FILE_BYTES
    if len(files) > most:
        errors["attachments"] = words["too_many_files"].format(count=most)
    else:
        problems: list[str] = []
        for name, payload in files:
            shown = safe_filename(name)
            if len(payload) > biggest:
                problems.append(words["file_too_big"].format(name=shown, size=human_size(biggest)))
                continue
            kind = sniff(payload)
            if kind is None:
                problems.append(words["file_type"].format(name=shown))
                continue
            content_type, extension = kind
            stem = shown.rsplit(".", 1)[0] if "." in shown else shown
            data.files.append((safe_filename(f"{stem}.{extension}"), content_type, payload))
        if problems:
            errors["attachments"] = " ".join(problems)
    return data, errors
