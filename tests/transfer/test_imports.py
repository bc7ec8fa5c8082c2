"""The CSV import: what a dry run announces per row, what applying writes (through the
services, once), and why a refused row is refused."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from crm.models import Patient, Procedure
from followups.models import ScheduledMessage
from journeys.models import EventKind, FunnelDay, Journey, JourneyEvent
from tests.conftest import make_patient
from transfer.csvfile import COLUMNS, FileProblem
from transfer.imports import import_csv, template_rows

ROOT = Path(__file__).resolve().parents[2]
HEADER = list(COLUMNS)


def _csv(rows: list[dict[str, str]], *, delimiter: str = ",", bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([row.get(col, "") for col in HEADER])
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def _row(n: int, **overrides: str) -> dict[str, str]:
    row = {
        "name": f"Patient {n}",
        "email": f"p{n}@example.org",
        "phone": f"+49 170 {n:07d}",
        "country": "DE",
        "language": "de",
        "procedure": "Dental implants",
        "inquiry_date": "2026-03-01 09:00",
    }
    row.update(overrides)
    return row


def _run(data: bytes, *, apply: bool = False, historical: bool = True, actor=None):  # type: ignore[no-untyped-def]
    return import_csv(stream=io.BytesIO(data), actor=actor, apply=apply, historical=historical)


def _refused(result) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return list(csv.DictReader(io.StringIO(result.refused_file.getvalue())))


def _bad_cells(i: int) -> dict[str, str]:
    """Five kinds of bad rows, in turn."""
    return [
        {"email": "not-an-address"},
        {"procedure": "Liposuction"},
        {"inquiry_date": "31/02/2026"},
        {"country": "Germany"},
        {"phone": "170 1234567"},
    ][i % 5]


def test_ten_thousand_rows_counts_are_exact_and_applying_twice_creates_nothing(
    procedure: Procedure, manager
) -> None:
    """10,000 rows: 5% bad, 10% duplicates of earlier rows. The dry run's counts are exact;
    applying writes them; applying again writes nothing new."""
    rows: list[dict[str, str]] = []
    good = 0
    for i in range(10_000):
        if i % 20 == 7:  # 500 bad rows
            rows.append(_row(100_000 + i, **_bad_cells(i // 20)))
        elif i % 10 == 3:  # 1,000 duplicates of a good row earlier in the file
            rows.append(_row(i - 3 - 10 if i > 20 else 0))
        else:
            rows.append(_row(i))
            good += 1
    assert good == 8_500
    data = _csv(rows)

    plan = _run(data, actor=manager)
    assert plan.summary() == {
        "applied": False,
        "historical": True,
        "rows": 10_000,
        "created": 8_500,
        "merged": 0,
        "refused": 1_500,
        "new_patients": 8_500,
        "new_inquiries": 8_500,
        "reasons": {
            "country": 100,
            "date": 100,
            "duplicate": 1_000,
            "email": 100,
            "phone": 100,
            "procedure": 100,
        },
    }
    assert Patient.objects.count() == 0  # a dry run writes nothing

    applied = _run(data, apply=True, actor=manager)
    assert applied.summary() == {**plan.summary(), "applied": True}
    assert Patient.objects.count() == 8_500
    assert Journey.objects.count() == 8_500
    assert JourneyEvent.objects.filter(kind=EventKind.CREATED).count() == 8_500
    assert sum(FunnelDay.objects.values_list("journeys", flat=True)) == 8_500
    counts = (Patient.objects.count(), Journey.objects.count(), JourneyEvent.objects.count())

    again = _run(data, apply=True, actor=manager)
    assert again.summary()["created"] == 0
    assert again.summary()["merged"] == 8_500
    assert again.summary()["new_patients"] == again.summary()["new_inquiries"] == 0
    assert again.summary()["refused"] == 1_500
    assert (Patient.objects.count(), Journey.objects.count(), JourneyEvent.objects.count()) == (
        counts
    )
    assert len(_refused(again)) == 1_500


@pytest.mark.parametrize(
    ("cells", "reason", "says"),
    [
        ({"email": "anna@"}, "email", "is not an email address"),
        ({"email": ""}, "email", "email is empty"),
        ({"name": ""}, "name", "name is empty"),
        ({"procedure": "Liposuction"}, "procedure", "unknown procedure 'Liposuction'"),
        ({"clinic": "Nowhere Clinic"}, "clinic", "unknown clinic 'Nowhere Clinic'"),
        ({"inquiry_date": "04.05.2026"}, "date", "use YYYY-MM-DD"),
        ({"inquiry_date": "2027-01-01"}, "date", "is in the future"),
        ({"inquiry_date": "1999-12-31"}, "date", "is before 2000-01-01"),
        ({"inquiry_date": ""}, "date", "a historical row needs the date"),
        ({"country": "DEU"}, "country", "two-letter ISO code"),
        ({"language": "xx"}, "language", "language 'xx' is not one of"),
        ({"phone": "0170 1234567"}, "phone", "with its country code"),
        ({"phone": "+49 abc"}, "phone", "with its country code"),
        ({"consent_care": "maybe"}, "consent", "consent_care 'maybe' is not yes or no"),
        ({"preferred_channel": "pigeon"}, "channel", "preferred_channel 'pigeon'"),
        ({"source": "tv"}, "source", "source 'tv' is not one of"),
        ({"coordinator_email": "nobody@clinic.example"}, "coordinator", "nobody@clinic"),
    ],
)
def test_each_refusal_names_its_reason(
    procedure: Procedure, cells: dict[str, str], reason: str, says: str
) -> None:
    result = _run(_csv([_row(1, **cells)]))
    assert result.summary()["reasons"] == {reason: 1}
    (refused,) = _refused(result)
    assert refused["refused_line"] == "2"
    assert says in refused["refused_reason"]
    assert refused["name"] == _row(1, **cells)["name"]  # the row as it was, beside its reason


def test_duplicate_within_the_file_names_the_first_row(procedure: Procedure) -> None:
    result = _run(_csv([_row(1), _row(2), _row(1, name="Same person again")]))
    assert [(r.line, r.action) for r in result.shown] == [
        (2, "create"),
        (3, "create"),
        (4, "refuse"),
    ]
    assert "duplicate of row 2" in result.shown[2].detail


def test_a_row_with_too_many_cells_is_refused_not_the_file(procedure: Procedure) -> None:
    data = _csv([_row(1)]) + b"Extra,x@example.org,,DE,de,Dental implants" + b",x" * 20 + b"\n"
    result = _run(data)
    assert result.summary()["reasons"] == {"cells": 1}
    assert result.summary()["created"] == 1


def test_merge_by_email_then_by_phone_digits(procedure: Procedure, clinic) -> None:  # type: ignore[no-untyped-def]
    by_email = make_patient(email="known@example.org")
    by_phone = make_patient(email="other@example.org", phone="+49 (170) 555-0001")
    other = Procedure.objects.create(name="Hair transplant", clinic=clinic)
    rows = [
        _row(1, email="KNOWN@example.org", phone="+49 170 5550001"),  # email wins
        _row(2, email="new@example.org", phone="0049 170 5550001"),  # phone, 00 prefix
        _row(3, email="new@example.org", procedure="Hair transplant"),  # row 3's patient
    ]
    result = _run(_csv(rows), apply=True, historical=False)
    assert [r.action for r in result.shown] == ["merge", "merge", "merge"]
    assert f"patient #{by_email.pk} (matched by email)" in result.shown[0].detail
    assert f"patient #{by_phone.pk} (matched by phone)" in result.shown[1].detail
    # Row 4's email is row 3's, whose patient is the one found by phone.
    assert f"patient #{by_phone.pk} (matched by email)" in result.shown[2].detail
    assert Patient.objects.count() == 2  # nobody new
    assert Journey.objects.filter(patient=by_phone, procedure=other).exists()
    by_phone.refresh_from_db()
    assert by_phone.email == "other@example.org"  # an import never overwrites a patient


def test_live_rows_go_through_journey_create_and_plan_follow_ups(
    procedure: Procedure, manager
) -> None:  # type: ignore[no-untyped-def]
    result = _run(
        _csv([_row(1, inquiry_date="", utm_source="google", consent_marketing="no")]),
        apply=True,
        historical=False,
        actor=manager,
    )
    assert result.summary()["new_inquiries"] == 1
    journey = Journey.objects.get()
    created = journey.events.get(kind=EventKind.CREATED)
    assert created.actor == manager
    assert created.data == {
        "imported": True,
        "import_row": 2,
        "utm_source": "google",
        "consent_marketing": False,
    }
    # The JOURNEY_CREATED listeners ran: the inquiry's cadence is planned.
    assert ScheduledMessage.objects.filter(journey=journey).exists()


def test_historical_rows_plan_nothing_and_keep_their_date(
    procedure: Procedure, coordinator
) -> None:  # type: ignore[no-untyped-def]
    data = _csv([_row(1, coordinator_email="CARMEN@clinic.example")])
    _run(data, apply=True, historical=True)
    journey = Journey.objects.get()
    assert journey.inquiry_received_at.isoformat().startswith("2026-03-01T09:00")
    assert journey.coordinator == coordinator
    assert not ScheduledMessage.objects.filter(journey=journey).exists()
    kinds = list(journey.events.values_list("kind", "data"))
    assert kinds[0][0] == EventKind.CREATED and kinds[0][1]["historical"] is True
    assert kinds[1][0] == EventKind.ASSIGNED


def test_semicolons_and_byte_order_mark(procedure: Procedure) -> None:
    result = _run(_csv([_row(1, message="Hallo; Grüße")], delimiter=";", bom=True), apply=True)
    assert result.summary()["created"] == 1
    event = JourneyEvent.objects.get(kind=EventKind.CREATED)
    assert event.reason == "Hallo; Grüße"


def test_a_file_that_is_not_utf8_is_refused_with_its_row(procedure: Procedure) -> None:
    data = _csv([_row(1)]) + "Zoë,z@example.org,,DE,de,Dental implants\n".encode("latin-1")
    with pytest.raises(FileProblem, match="Line 3 of the file is not UTF-8"):
        _run(data)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b"name,emial,country,procedure\n", "Unknown column(s): emial"),
        (b"name,country,procedure\n", "Missing column(s): email"),
        ("name,email,country,procedure\n".encode("utf-16"), "UTF-16"),
    ],
)
def test_unreadable_files_say_why(db: None, data: bytes, says: str) -> None:
    with pytest.raises(FileProblem, match=says.replace("(", r"\(").replace(")", r"\)")):
        _run(data)


@override_settings(IMPORT_MAX_BYTES=2048)
def test_size_cap(procedure: Procedure) -> None:
    with pytest.raises(FileProblem, match="larger than the import limit"):
        _run(_csv([_row(n) for n in range(100)]))


def test_formula_looking_cells_are_data(procedure: Procedure) -> None:
    rows = [_row(1, name='=HYPERLINK("http://x")', message="+1 call me"), _row(2, email="@bad")]
    result = _run(_csv(rows), apply=True)
    assert Patient.objects.get().full_name == '=HYPERLINK("http://x")'
    assert JourneyEvent.objects.get(kind=EventKind.CREATED).reason == "+1 call me"
    (refused,) = _refused(result)
    assert refused["email"] == "'@bad"  # guarded in the file we hand back
    # ...and a corrected refused file imports as it is (the guard and our columns go).
    fixed = result.refused_file.getvalue().replace("'@bad", "fixed@example.org")
    again = _run(fixed.encode(), apply=True)
    assert again.summary()["created"] == 1
    assert Patient.objects.filter(email="fixed@example.org").exists()


def test_command_dry_run_and_apply(procedure: Procedure, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(_csv([_row(1), _row(2, email="bad")]))
    out = io.StringIO()
    call_command("import_inquiries", str(path), "--historical", stdout=out)
    assert "Dry run" in out.getvalue() and "row 3: refused: email" in out.getvalue()
    assert Patient.objects.count() == 0
    call_command("import_inquiries", str(path), "--historical", "--apply", stdout=io.StringIO())
    assert Patient.objects.count() == 1
    refused = (tmp_path / "in.csv.refused.csv").read_text()
    assert "is not an email address" in refused


def test_the_committed_template_is_the_template() -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(template_rows())
    assert (ROOT / "docs" / "import-template.csv").read_text() == out.getvalue()


def test_a_run_applied_twice_by_the_worker_writes_once(procedure: Procedure, manager) -> None:  # type: ignore[no-untyped-def]
    """A redelivered task (acks_late) finds the run finished; one cut off half way would
    write only what is missing, as applying any file twice does."""
    from transfer.models import ImportRun
    from transfer.services import import_run_apply, import_run_plan

    run = import_run_plan(
        filename="x.csv", content=_csv([_row(1), _row(2)]), historical=True, actor=manager
    )
    assert import_run_apply(run_id=run.pk, actor=manager).finished_at is None  # not started
    ImportRun.objects.filter(pk=run.pk).update(applied_at=run.created_at)
    import_run_apply(run_id=run.pk, actor=manager)
    import_run_apply(run_id=run.pk, actor=manager)
    assert Patient.objects.count() == 2


def test_bulk_rows_are_audited_like_single_ones(procedure: Procedure, manager) -> None:  # type: ignore[no-untyped-def]
    from audit.models import AuditEntry
    from audit.services import changes_between, snapshot
    from crm.services import PATIENT_EDITABLE

    _run(_csv([_row(1)]), apply=True, actor=manager)
    patient = Patient.objects.get()
    entry = AuditEntry.objects.get(object_type="crm.patient")
    assert entry.actor == manager and entry.patient_id == patient.pk
    assert entry.changes == changes_between({}, snapshot(patient, PATIENT_EDITABLE))
    journey_entry = AuditEntry.objects.get(object_type="journeys.journey")
    assert journey_entry.changes["stage"] == [None, "inquiry"]
