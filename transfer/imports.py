"""Importing patients and their inquiries from a CSV file.

One pass over the file, in batches of BATCH rows. For each batch: check every row
(precise reason per refused row), look its patient up (by email, then by the phone's
digits; earlier rows of the same file count too), then, when applying, write the batch
in one transaction through the services: crm.services.patients_create_bulk for new
patients, journeys.services.journey_create per new inquiry (events, the JOURNEY_CREATED
listeners: assignment, follow-up planning), or journeys.services.journeys_import_history
for historical rows (same rows and events, no listener: nothing planned, nobody assigned).

A dry run is the same pass without the writes, so what it announces is what applying
does (unless the database changes in between). Applying again creates nothing: every row
then matches what the first run wrote ("merge").

What a row becomes:
- create: a new patient and their inquiry;
- merge: the patient is already known (in the database or from an earlier row of the
  file): a new inquiry for them, or nothing when that inquiry is already there. An
  existing patient's details are never overwritten by a file;
- refuse: with the reason; the refused rows file lists them with it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from crm.csvcells import safe_cell
from crm.inputs import EARLIEST_DATE
from crm.models import Clinic, Patient, PatientSource, Procedure
from crm.roles import COORDINATOR, MANAGER, Actor
from crm.services import normalize_email, patients_create_bulk
from journeys.models import Journey, Outcome
from journeys.services import JourneyError, PastInquiry, journey_create, journeys_import_history
from transfer.csvfile import COLUMNS, REFUSED_EXTRA, CsvFile, Row

BATCH = 1000
# How many rows' outcomes a result keeps for the page (the counts cover every row).
SHOWN = 500
LANGUAGES = {code for code, _ in settings.PATIENT_LANGUAGES}
CHANNELS = ("email", "phone", "whatsapp", "sms")
YES = {"yes", "y", "1", "true", "x", "ja", "si", "sí", "oui"}
NO = {"no", "n", "0", "false", ""}
_PHONE_CHARS = re.compile(r"[0-9+()./\- ]+")

CREATE, MERGE, REFUSE = "create", "merge", "refuse"


@dataclass(frozen=True)
class RowResult:
    line: int
    action: str  # create / merge / refuse
    detail: str  # what will happen, or why it is refused
    reason: str = ""  # a refusal's short code (email, procedure, date, duplicate...)


@dataclass
class ImportResult:
    applied: bool
    historical: bool
    rows: int = 0
    counts: Counter[str] = field(default_factory=Counter)  # create / merge / refuse
    reasons: Counter[str] = field(default_factory=Counter)  # refusals by code
    new_patients: int = 0
    new_inquiries: int = 0
    shown: list[RowResult] = field(default_factory=list)
    refused_file: io.StringIO = field(default_factory=io.StringIO)

    def summary(self) -> dict[str, Any]:
        return {
            "applied": self.applied,
            "historical": self.historical,
            "rows": self.rows,
            "created": self.counts[CREATE],
            "merged": self.counts[MERGE],
            "refused": self.counts[REFUSE],
            "new_patients": self.new_patients,
            "new_inquiries": self.new_inquiries,
            "reasons": dict(sorted(self.reasons.items())),
        }


@dataclass
class _Planned:
    """A row that passed the checks, and what applying it writes."""

    row: Row
    patient_ref: tuple[str, int]  # ("db", patient id) or ("line", the row creating it)
    procedure: Procedure
    received_at: dt.datetime | None
    coordinator_id: int | None
    new_patient: Patient | None  # set on the row that creates the patient
    new_inquiry: bool
    detail: str
    data: dict[str, Any]


class _Refused(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def phone_key(phone: str) -> str:
    """The phone's digits, without an international 00 prefix: "+49 170 12" and
    "0049-170-12" are the same number."""
    digits = re.sub(r"\D", "", phone)
    return digits[2:] if phone.strip().startswith("00") else digits


class Importer:
    """One pass over one file. `run()` returns the ImportResult."""

    def __init__(self, *, actor: Actor, apply: bool, historical: bool) -> None:
        self.actor = actor
        self.apply = apply
        self.historical = historical
        self.now = timezone.now()
        self.result = ImportResult(applied=apply, historical=historical)
        self._refused_writer: Any = None
        # Reference data, read once.
        self._procedures: dict[str, list[Procedure]] = {}
        for procedure in Procedure.objects.select_related("clinic"):
            self._procedures.setdefault(procedure.name.strip().lower(), []).append(procedure)
        self._clinics: dict[str, list[Clinic]] = {}
        for clinic in Clinic.objects.all():
            self._clinics.setdefault(clinic.name.strip().lower(), []).append(clinic)
            self._clinics.setdefault(f"{clinic.name} ({clinic.city})".lower(), []).append(clinic)
        self._coordinators = {
            email.lower(): pk
            for pk, email in User.objects.filter(
                is_active=True, groups__name__in=[COORDINATOR, MANAGER]
            )
            .exclude(email="")
            .values_list("pk", "email")
        }
        # Existing patients by the digits of their phone: phones are stored as typed, so
        # no index can match "+49 170..." against "0049170..."; one read of (id, phone)
        # per import instead of a scan per batch.
        self._phones: dict[str, tuple[str, int]] = {}
        for pk, phone in (
            Patient.objects.exclude(phone="").values_list("pk", "phone").iterator(chunk_size=5000)
        ):
            key = phone_key(phone)
            if key:
                self._phones.setdefault(key, ("db", pk))
        # The file so far: emails and phones seen (-> the patient they stand for), the
        # (patient, procedure) pairs (-> the row), and the ids of patients rows created.
        self._emails: dict[str, tuple[str, int]] = {}
        self._pairs: dict[tuple[tuple[str, int], int], int] = {}
        self._created: dict[int, int | None] = {}

    # --- The pass ------------------------------------------------------------------

    def run(self, csv_file: CsvFile) -> ImportResult:
        header = [
            *(
                h
                for h, c in zip(csv_file.header, csv_file.columns, strict=True)
                if c not in REFUSED_EXTRA
            ),
            *REFUSED_EXTRA,
        ]
        self._refused_writer = csv.writer(self.result.refused_file)
        self._refused_writer.writerow([safe_cell(h) for h in header])
        self._keep = [c not in REFUSED_EXTRA for c in csv_file.columns]
        batch: list[Row] = []
        for row in csv_file.rows():
            batch.append(row)
            if len(batch) >= BATCH:
                self._batch(batch)
                batch = []
        if batch:
            self._batch(batch)
        return self.result

    def _batch(self, rows: list[Row]) -> None:
        self.result.rows += len(rows)
        emails = [normalize_email(r.cells.get("email", "")) for r in rows if not r.problem]
        known = {
            email: pk
            for pk, email in Patient.objects.annotate(email_ci=Lower("email"))
            .filter(email_ci__in=[e for e in emails if e])
            .values_list("pk", "email_ci")
        }
        planned: list[_Planned] = []
        outcomes: dict[int, RowResult] = {}
        for row in rows:
            try:
                planned.append(self._plan(row, known))
            except _Refused as refusal:
                outcomes[row.line] = RowResult(row.line, REFUSE, refusal.detail, refusal.reason)
        self._check_inquiries(planned)
        if self.apply and planned:
            try:
                self._write(planned)
            except (DatabaseError, ValidationError, JourneyError) as exc:
                # Nothing of this batch was written (one transaction); its rows are refused
                # with the cause, and applying the file again picks them up.
                for item in planned:
                    if item.new_patient is not None:
                        self._created[item.row.line] = None
                    outcomes[item.row.line] = RowResult(
                        item.row.line,
                        REFUSE,
                        f"not written, its batch failed ({_short(exc)}): apply the file again",
                        "batch",
                    )
                planned = []
        for item in planned:
            action = CREATE if item.new_patient is not None else MERGE
            outcomes[item.row.line] = RowResult(item.row.line, action, item.detail)
            self.result.new_patients += item.new_patient is not None
            self.result.new_inquiries += item.new_inquiry
        for row in rows:
            outcome = outcomes[row.line]
            self.result.counts[outcome.action] += 1
            if outcome.action == REFUSE:
                self.result.reasons[outcome.reason] += 1
                kept = [cell for cell, keep in zip(row.raw, self._keep, strict=False) if keep]
                kept += [""] * (sum(self._keep) - len(kept))
                self._refused_writer.writerow(
                    [safe_cell(c) for c in kept] + [str(row.line), safe_cell(outcome.detail)]
                )
            if len(self.result.shown) < SHOWN:
                self.result.shown.append(outcome)

    # --- One row -------------------------------------------------------------------

    def _plan(self, row: Row, known: dict[str, int]) -> _Planned:
        if row.problem:
            raise _Refused("cells", row.problem)
        c = row.cells
        name = c.get("name", "")
        if not name:
            raise _Refused("name", "name is empty")
        if len(name) > 200:
            raise _Refused("name", "name is longer than 200 characters")
        email = normalize_email(c.get("email", ""))
        if not email:
            raise _Refused("email", "email is empty")
        try:
            validate_email(email)
        except ValidationError:
            raise _Refused("email", f"email {email!r} is not an email address") from None
        if len(email) > 254:
            raise _Refused("email", "email is longer than 254 characters")
        phone = c.get("phone", "")
        digits = ""
        if phone:
            digits = phone_key(phone)
            if (
                not _PHONE_CHARS.fullmatch(phone)
                or not phone.startswith(("+", "00"))
                or not 7 <= len(digits) <= 15
                or len(phone) > 40
            ):
                raise _Refused(
                    "phone",
                    f"phone {phone!r} is not a number with its country code (e.g. +49 170 1234567)",
                )
        country = c.get("country", "").upper()
        if len(country) != 2 or not country.isascii() or not country.isalpha():
            raise _Refused(
                "country",
                f"country {c.get('country', '')!r} is not a two-letter ISO code (e.g. DE)",
            )
        language = (c.get("language") or "en").lower()
        if language not in LANGUAGES:
            raise _Refused(
                "language",
                f"language {c.get('language')!r} is not one of: " + ", ".join(sorted(LANGUAGES)),
            )
        procedure = self._procedure(c.get("procedure", ""), c.get("clinic", ""))
        channel = c.get("preferred_channel", "").lower()
        if channel and channel not in CHANNELS:
            raise _Refused(
                "channel", f"preferred_channel {channel!r} is not one of: " + ", ".join(CHANNELS)
            )
        consent = {
            key: _yes_no(c.get(key, ""), key) for key in ("consent_care", "consent_marketing")
        }
        source = (c.get("source") or PatientSource.OTHER).lower()
        if source not in PatientSource.values:
            raise _Refused(
                "source",
                f"source {c.get('source')!r} is not one of: " + ", ".join(PatientSource.values),
            )
        received_at = self._date(c.get("inquiry_date", ""))
        coordinator_email = c.get("coordinator_email", "").lower()
        coordinator_id = None
        if coordinator_email:
            coordinator_id = self._coordinators.get(coordinator_email)
            if coordinator_id is None:
                raise _Refused(
                    "coordinator",
                    f"no active coordinator or manager has the email {coordinator_email!r}",
                )
        extra = {
            key: c[key]
            for key in ("utm_source", "utm_medium", "utm_campaign", "referral_code")
            if c.get(key)
        }
        if any(len(v) > 200 for v in extra.values()):
            raise _Refused("too_long", "a utm or referral cell is longer than 200 characters")

        # The patient: this email earlier in the file or in the database, else this phone
        # earlier in the file or in the database, else a new one.
        how = ""
        ref = self._emails.get(email)
        if ref is not None:
            how = "email"
        elif email in known:
            ref, how = ("db", known[email]), "email"
        elif digits and digits in self._phones:
            ref, how = self._phones[digits], "phone"
        if ref is not None and ref[0] == "line" and self._created.get(ref[1], 0) is None:
            raise _Refused(
                "batch",
                f"its patient is the one of row {ref[1]}, which was not "
                "written: apply the file again",
            )
        pair_line = self._pairs.get((ref, procedure.pk)) if ref is not None else None
        if pair_line is not None:
            raise _Refused(
                "duplicate",
                f"duplicate of row {pair_line}: same patient (by {how}) "
                f"and procedure {procedure.name}",
            )
        new_patient = None
        if ref is None:
            ref = ("line", row.line)
            new_patient = Patient(
                full_name=name,
                email=email,
                phone=phone,
                country=country,
                preferred_language=language,
                source=source,
            )
            detail = f"new patient {email}, new inquiry for {procedure}"
        elif ref[0] == "line":
            detail = f"same patient as row {ref[1]} (by {how}), new inquiry for {procedure}"
        else:
            detail = f"patient #{ref[1]} (matched by {how}), new inquiry for {procedure}"
        self._emails.setdefault(email, ref)
        if digits:
            self._phones.setdefault(digits, ref)
        self._pairs[(ref, procedure.pk)] = row.line
        data: dict[str, Any] = {"imported": True, "import_row": row.line}
        if channel:
            data["preferred_channel"] = channel
        data.update({k: v for k, v in consent.items() if v is not None})
        data.update(extra)
        return _Planned(
            row=row,
            patient_ref=ref,
            procedure=procedure,
            received_at=received_at,
            coordinator_id=coordinator_id,
            new_patient=new_patient,
            new_inquiry=True,
            detail=detail,
            data=data,
        )

    def _procedure(self, name: str, clinic_name: str) -> Procedure:
        if not name:
            raise _Refused("procedure", "procedure is empty")
        offered = self._procedures.get(name.lower(), [])
        if clinic_name:
            clinics = self._clinics.get(clinic_name.lower())
            if not clinics:
                raise _Refused("clinic", f"unknown clinic {clinic_name!r}")
            offered = [p for p in offered if p.clinic in clinics]
            if not offered:
                raise _Refused("procedure", f"{clinic_name} offers no procedure {name!r}")
        if not offered:
            raise _Refused("procedure", f"unknown procedure {name!r}")
        if len(offered) > 1:
            raise _Refused(
                "clinic",
                f"{name!r} is offered by several clinics ("
                + ", ".join(str(p.clinic) for p in offered)
                + "): name the clinic",
            )
        return offered[0]

    def _date(self, text: str) -> dt.datetime | None:
        if not text:
            if self.historical:
                raise _Refused(
                    "date",
                    "inquiry_date is empty: a historical row needs the date the inquiry arrived",
                )
            return None
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            raise _Refused(
                "date", f"inquiry_date {text!r} is not a date: use YYYY-MM-DD or YYYY-MM-DD HH:MM"
            ) from None
        if timezone.is_naive(value):
            value = timezone.make_aware(value, timezone.get_default_timezone())
        if value.date() < EARLIEST_DATE:
            raise _Refused("date", f"inquiry_date {text!r} is before {EARLIEST_DATE}")
        if value > self.now:
            raise _Refused("date", f"inquiry_date {text!r} is in the future")
        return value

    def _check_inquiries(self, planned: list[_Planned]) -> None:
        """Rows of patients already in the database: is their inquiry already there (an
        active one for the procedure, or one received at the same instant)? Then the row
        merges and writes nothing. One query per batch."""
        ids = {p.patient_ref[1] for p in planned if p.patient_ref[0] == "db"}
        if not ids:
            return
        active: dict[tuple[int, int], int] = {}
        dated: dict[tuple[int, int, dt.datetime], int] = {}
        for pk, patient_id, procedure_id, outcome, received in Journey.objects.filter(
            patient_id__in=ids
        ).values_list("pk", "patient_id", "procedure_id", "outcome", "inquiry_received_at"):
            if outcome == Outcome.ACTIVE:
                active[(patient_id, procedure_id)] = pk
            dated[(patient_id, procedure_id, received)] = pk
        for item in planned:
            if item.patient_ref[0] != "db":
                continue
            key = (item.patient_ref[1], item.procedure.pk)
            existing = active.get(key)
            if item.received_at is not None:
                existing = dated.get((*key, item.received_at), existing)
            if existing is not None:
                item.new_inquiry = False
                item.detail = (
                    f"patient #{key[0]} and their inquiry (journey #{existing}) already "
                    "there: nothing new"
                )

    # --- Applying ----------------------------------------------------------------------

    def _write(self, planned: list[_Planned]) -> None:
        with transaction.atomic():
            fresh = [p for p in planned if p.new_patient is not None]
            patients = patients_create_bulk(
                patients=[p.new_patient for p in fresh],  # type: ignore[misc]
                actor=self.actor,
            )
            by_id: dict[int, Patient] = {}
            for item, patient in zip(fresh, patients, strict=True):
                self._created[item.row.line] = patient.pk
                by_id[patient.pk] = patient
            todo = [p for p in planned if p.new_inquiry]
            if self.historical:
                journeys_import_history(
                    inquiries=[
                        PastInquiry(
                            patient_id=self._patient_id(item),
                            procedure=item.procedure,
                            inquiry_received_at=item.received_at or self.now,
                            coordinator_id=item.coordinator_id,
                            note=item.row.cells.get("message", ""),
                            data=item.data,
                        )
                        for item in todo
                    ],
                    actor=self.actor,
                )
                return
            known = {
                p.pk: p
                for p in Patient.objects.filter(
                    pk__in=[item.patient_ref[1] for item in todo if item.patient_ref[0] == "db"]
                )
            }
            by_id.update(known)
            coordinators = {
                u.pk: u
                for u in User.objects.filter(
                    pk__in=[t.coordinator_id for t in todo if t.coordinator_id is not None]
                )
            }
            for item in todo:
                # One journey at a time through journey_create: its listeners (follow-up
                # planning, automatic assignment) see the inquiry like any other.
                journey_create(
                    patient=by_id[self._patient_id(item)],
                    procedure=item.procedure,
                    actor=self.actor,
                    coordinator=coordinators.get(item.coordinator_id or 0),
                    inquiry_received_at=item.received_at,
                    note=item.row.cells.get("message", ""),
                    event_data=item.data,
                )

    def _patient_id(self, item: _Planned) -> int:
        kind, value = item.patient_ref
        if kind == "db":
            return value
        created = self._created.get(value)
        if created is None:
            raise JourneyError(f"the patient of row {value} was not written")
        return created


def _yes_no(text: str, column: str) -> bool | None:
    value = text.strip().lower()
    if not value:
        return None
    if value in YES:
        return True
    if value in NO:
        return False
    raise _Refused("consent", f"{column} {text!r} is not yes or no")


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def import_csv(*, stream: Any, actor: Actor, apply: bool, historical: bool = False) -> ImportResult:
    """Dry-run (apply=False) or apply an import file (a binary stream). Raises
    transfer.csvfile.FileProblem when the file as a whole cannot be read."""
    csv_file = CsvFile(stream, max_bytes=settings.IMPORT_MAX_BYTES)
    return Importer(actor=actor, apply=apply, historical=historical).run(csv_file)


def template_rows() -> Iterable[list[str]]:
    """The template file's content (docs/import-template.csv is a copy; a test keeps them
    the same)."""
    yield list(COLUMNS)
    yield [
        "Anna Schmidt",
        "anna.schmidt@example.de",
        "+49 170 1234567",
        "DE",
        "de",
        "Dental implants",
        "Bosphorus Dental Clinic",
        "Two implants, upper jaw; what does it cost?",
        "email",
        "yes",
        "no",
        "google",
        "cpc",
        "implants-de",
        "",
        "website",
        "2026-05-04 09:30",
        "",
    ]
    yield [
        "James Carter",
        "james.carter@example.co.uk",
        "0044 7700 900123",
        "GB",
        "en",
        "Hair transplant (FUE)",
        "",
        "",
        "whatsapp",
        "yes",
        "yes",
        "",
        "",
        "",
        "ANNA-7K2Q",
        "referral",
        "",
        "",
    ]
