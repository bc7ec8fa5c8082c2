"""Every write of the travel checklist. Keyword-only `<noun>_<verb>` functions; each change
of an item appends a JourneyEvent (kind "note", data["care"] = "travel") naming the item,
its new status and who changed it, so the timeline is the item's history.

A journey gets its items when it is booked (JOURNEY_MOVED listener) from the defaults a
manager set for its procedure or clinic. Journeys booked before the checklist existed have
no rows: the selectors show them the defaults, and the first change writes the rows (a GET,
a mail scanner opening a link, never writes).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from care.models import TravelChecklist, TravelDefault, TravelItem, TravelKind, TravelStatus
from care.services import CareError
from crm.inputs import clean_text
from crm.roles import Actor, person
from journeys.models import EventKind, Journey, JourneyEvent, Outcome, Stage

# The checklist's order, everywhere it is shown.
KINDS: list[str] = [k.value for k in TravelKind]

# Whether each item applies when no manager set defaults for the clinic or procedure.
BUILT_IN: dict[str, bool] = {
    TravelKind.FLIGHT_OUT: True,
    TravelKind.FLIGHT_BACK: True,
    TravelKind.HOTEL: True,
    TravelKind.TRANSFER: True,
    TravelKind.PASSPORT: True,
    TravelKind.VISA: False,
    TravelKind.COMPANION: False,
    TravelKind.MEDICAL_DOCS: True,
    TravelKind.DEPOSIT: True,
}

# Which columns each item uses, with the word (care.travel.words) that labels them.
FIELDS: dict[str, list[tuple[str, str]]] = {
    TravelKind.FLIGHT_OUT: [
        ("number", "number"),
        ("date", "date"),
        ("time", "time"),
        ("place", "airport_out"),
    ],
    TravelKind.FLIGHT_BACK: [
        ("number", "number"),
        ("date", "date"),
        ("time", "time"),
        ("place", "airport_back"),
    ],
    TravelKind.HOTEL: [
        ("name", "hotel_name"),
        ("date", "check_in"),
        ("end_date", "check_out"),
        ("reference", "confirmation"),
    ],
    TravelKind.TRANSFER: [("date", "date"), ("time", "time"), ("place", "pickup_place")],
    TravelKind.PASSPORT: [("end_date", "valid_until")],
    TravelKind.VISA: [("end_date", "valid_until"), ("reference", "visa_number")],
    TravelKind.COMPANION: [("name", "companion_name")],
    TravelKind.MEDICAL_DOCS: [("documents", "docs_hint")],
    TravelKind.DEPOSIT: [("reference", "payment_ref")],
}

# What the patient must fill for the item to count as given.
REQUIRED: dict[str, tuple[str, ...]] = {
    TravelKind.FLIGHT_OUT: ("number", "date", "time"),
    TravelKind.FLIGHT_BACK: ("number", "date", "time"),
    TravelKind.HOTEL: ("name", "date"),
    TravelKind.TRANSFER: ("time", "place"),
    TravelKind.PASSPORT: ("end_date",),
    TravelKind.VISA: ("end_date",),
    TravelKind.COMPANION: ("name",),
    TravelKind.MEDICAL_DOCS: ("documents",),
    TravelKind.DEPOSIT: (),
}

DOCUMENTS = ("xray", "photos", "blood")
# Open for us: needed and not confirmed. Open for the patient: we still wait for them.
STAFF_OPEN = (TravelStatus.TODO, TravelStatus.ASKED, TravelStatus.GIVEN)
PATIENT_OPEN = (TravelStatus.TODO, TravelStatus.ASKED)

_FLIGHT = re.compile(r"^([A-Z0-9]{2})\s*-?\s*(\d{1,4}[A-Z]?)$")
_DATE_FIELDS = ("date", "end_date")
_TEXT_LIMITS = {"place": 120, "name": 120, "reference": 60, "note": 300}


class TravelError(CareError):
    """Refused input. `code` names the word (care.travel.words) that explains it to the
    patient in their language; str(error) is the English text for staff."""

    def __init__(self, code: str, text: str, **params: str) -> None:
        super().__init__(text)
        self.code = code
        self.params = params


def applies(journey: Journey, defaults: TravelDefault | None) -> dict[str, bool]:
    """Which items the journey's trip needs (see TravelDefault)."""
    if defaults is None:
        return dict(BUILT_IN)
    needed = {kind: bool(getattr(defaults, kind)) for kind in KINDS}
    countries = {c.strip().upper() for c in defaults.visa_countries.replace(";", ",").split(",")}
    if journey.patient.country in countries:
        needed[TravelKind.VISA] = True
    return needed


def defaults_for(journey: Journey) -> TravelDefault | None:
    """The procedure's row, else the clinic's, else None (built-in)."""
    rows = list(
        TravelDefault.objects.filter(procedure_id=journey.procedure_id)
        | TravelDefault.objects.filter(clinic_id=journey.clinic_id, procedure__isnull=True)
    )
    rows.sort(key=lambda row: row.procedure_id is None)
    return rows[0] if rows else None


def open_summary(items: list[TravelItem]) -> list[list[str]]:
    order = {kind: index for index, kind in enumerate(KINDS)}
    return [
        [item.kind, item.status]
        for item in sorted(items, key=lambda i: order.get(i.kind, 99))
        if item.status in STAFF_OPEN
    ]


def _refresh(journey_id: int, now: dt.datetime) -> TravelChecklist:
    items = list(TravelItem.objects.filter(journey_id=journey_id))
    summary = open_summary(items)
    checklist, _ = TravelChecklist.objects.update_or_create(
        journey_id=journey_id,
        defaults={"open_count": len(summary), "open_items": summary, "updated_at": now},
    )
    return checklist


def checklist_setup(*, journey: Journey, now: dt.datetime | None = None) -> int:
    """Write the journey's items from its defaults (items it already has are kept).
    Returns how many were added. Runs in the caller's transaction."""
    now = now or timezone.now()
    needed = applies(journey, defaults_for(journey))
    rows = [
        TravelItem(
            journey_id=journey.pk,
            kind=kind,
            status=TravelStatus.TODO if needed[kind] else TravelStatus.NOT_NEEDED,
            changed_at=now,
        )
        for kind in KINDS
    ]
    before = TravelItem.objects.filter(journey_id=journey.pk).count()
    TravelItem.objects.bulk_create(rows, ignore_conflicts=True)
    _refresh(journey.pk, now)
    return len(KINDS) - before


def _parse_date(value: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise TravelError("bad_date", "Enter a date as YYYY-MM-DD.") from None


def _parse_time(value: str) -> dt.time | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.time.fromisoformat(value[:5])
    except ValueError:
        raise TravelError("bad_time", "Enter a time as HH:MM.") from None


def clean_values(kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    """The item's columns from what was typed: only the kind's fields, each checked."""
    allowed = {name for name, _ in FIELDS[kind]} | {"note"}
    values: dict[str, Any] = {}
    for name in allowed:
        if name not in raw:
            continue
        value = raw[name]
        if name in _DATE_FIELDS:
            values[name] = _parse_date(str(value))
        elif name == "time":
            values[name] = _parse_time(str(value))
        elif name == "number":
            number = "".join(str(value).upper().split())
            match = _FLIGHT.match(number)
            if number and not match:
                raise TravelError("bad_flight", "A flight number looks like TK 1234.")
            values[name] = f"{match.group(1)} {match.group(2)}" if match else ""
        elif name == "documents":
            chosen = value if isinstance(value, list | tuple) else str(value).split(",")
            values[name] = ",".join(d for d in DOCUMENTS if d in chosen)
        else:
            values[name] = clean_text(str(value), max_length=_TEXT_LIMITS[name])
    return values


def trip_end(journey: Journey, items: dict[str, TravelItem]) -> dt.date | None:
    back = items.get(TravelKind.FLIGHT_BACK)
    dates = [d for d in (journey.planned_departure, back.date if back else None) if d]
    return max(dates) if dates else journey.planned_arrival


def _check(journey: Journey, item: TravelItem, items: dict[str, TravelItem]) -> None:
    if item.kind == TravelKind.PASSPORT and item.end_date:
        end = trip_end(journey, items)
        if end and item.end_date < end:
            raise TravelError(
                "passport_short",
                f"The passport must be valid until at least {end:%Y-%m-%d}.",
                date=f"{end:%d.%m.%Y}",
            )
    if item.kind == TravelKind.HOTEL and item.date and item.end_date and item.end_date < item.date:
        raise TravelError("bad_date", "The check-out is before the check-in.")


def _describe(item: TravelItem) -> str:
    parts = []
    for name, _ in FIELDS[item.kind]:
        value = getattr(item, name)
        if value:
            parts.append(value.strftime("%H:%M") if isinstance(value, dt.time) else str(value))
    return ", ".join(parts)


@dataclass(frozen=True)
class ItemChange:
    item: TravelItem
    changed: bool


def travel_item_update(
    *,
    journey_id: int,
    kind: str,
    values: dict[str, Any],
    actor: Actor,
    by_patient: bool,
    status: str = "",
    now: dt.datetime | None = None,
) -> ItemChange:
    """Change one item. From the patient's page (`by_patient`): the values they typed; the
    item becomes "given by the patient" once its required fields are filled (a confirmed
    item they change is given again: we confirm the new details). From the dashboard: any
    values and any status. Writes the item, the journey's summary and an event, in one
    transaction; an unchanged submit (a double tap) writes nothing."""
    now = now or timezone.now()
    if kind not in KINDS:
        raise TravelError("invalid", "Unknown travel item.")
    if status and status not in TravelStatus.values:
        raise TravelError("invalid", "Unknown status.")
    cleaned = clean_values(kind, values)
    with transaction.atomic():
        journey = (
            Journey.objects.select_for_update(of=("self",))
            .select_related("patient")
            .filter(pk=journey_id)
            .first()
        )
        if journey is None:
            raise TravelError("invalid", "No such journey.")
        if by_patient and journey.outcome != Outcome.ACTIVE:
            raise TravelError("invalid", "The journey is closed.")
        if not TravelItem.objects.filter(journey_id=journey_id).exists():
            checklist_setup(journey=journey, now=now)
        items = {i.kind: i for i in TravelItem.objects.filter(journey_id=journey_id)}
        item = items[kind]
        before = (item.status, _describe(item), item.note)
        if by_patient and item.status == TravelStatus.NOT_NEEDED:
            raise TravelError("invalid", "This item is not needed for the trip.")
        for name, value in cleaned.items():
            setattr(item, name, value)
        _check(journey, item, items)
        if by_patient:
            missing = [name for name in REQUIRED[kind] if not getattr(item, name)]
            if missing:
                raise TravelError(
                    "needed", "Fill in: " + ", ".join(missing), fields=",".join(missing)
                )
            status = TravelStatus.GIVEN
        if status:
            item.status = status
        after = (item.status, _describe(item), item.note)
        if after == before:
            return ItemChange(item=item, changed=False)
        item.changed_at = now
        item.changed_by = person(actor) if not by_patient else None
        item.by_patient = by_patient
        item.save()
        _refresh(journey_id, now)
        who = "the patient" if by_patient else "staff"
        details = _describe(item)
        JourneyEvent.objects.create(
            journey_id=journey_id,
            kind=EventKind.NOTE,
            actor=None if by_patient else person(actor),
            reason=f"Travel: {item.get_kind_display()} {item.get_status_display().lower()}"
            + (f" ({details})" if details else "")
            + f", by {who}.",
            data={"care": "travel", "item": kind, "status": item.status, "by_patient": by_patient},
            created_at=now,
        )
    return ItemChange(item=item, changed=True)


def travel_items_ask(*, journey_id: int, actor: Actor, now: dt.datetime | None = None) -> int:
    """Mark every item still "to do" as asked (the coordinator asked the patient)."""
    now = now or timezone.now()
    count = 0
    with transaction.atomic():
        journey = Journey.objects.select_for_update().filter(pk=journey_id).first()
        if journey is None:
            raise TravelError("invalid", "No such journey.")
        if not TravelItem.objects.filter(journey_id=journey_id).exists():
            checklist_setup(journey=journey, now=now)
        todo = list(TravelItem.objects.filter(journey_id=journey_id, status=TravelStatus.TODO))
        for item in todo:
            item.status = TravelStatus.ASKED
            item.changed_at = now
            item.changed_by = person(actor)
            item.by_patient = False
        TravelItem.objects.bulk_update(todo, ["status", "changed_at", "changed_by", "by_patient"])
        count = len(todo)
        if count:
            _refresh(journey_id, now)
            JourneyEvent.objects.create(
                journey_id=journey_id,
                kind=EventKind.NOTE,
                actor=person(actor),
                reason=f"Travel: asked the patient for {count} item{'s' if count > 1 else ''}.",
                data={"care": "travel", "item": "", "status": TravelStatus.ASKED},
                created_at=now,
            )
    return count


def on_journey_moved(*, journey: Journey, event: JourneyEvent) -> None:
    """journeys.hooks JOURNEY_MOVED listener (order 210): booking a journey writes its
    checklist from the defaults (in the move's transaction)."""
    if journey.outcome == Outcome.ACTIVE and journey.stage == Stage.BOOKED:
        checklist_setup(journey=journey, now=event.created_at)
