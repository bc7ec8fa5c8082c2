"""Reads of the travel checklist: the patient's page, the journey page, the pre-arrival
emails and the transfer driver sheet. Staff reads start from `journeys_visible_to(user)`;
the patient's page reads only the journey its signed token names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from care.models import TravelItem, TravelKind, TravelStatus
from care.travel.services import (
    FIELDS,
    KINDS,
    PATIENT_OPEN,
    STAFF_OPEN,
    applies,
    defaults_for,
)
from care.travel.words import travel_words
from crm.roles import Actor
from journeys.models import Journey, Outcome
from journeys.selectors import journeys_visible_to

# Journeys listed on one driver sheet at most (a day at one clinic is a few dozen).
SHEET_LIMIT = 500
# The stages whose patients still travel: the checklist is shown and emailed then.
TRAVEL_STAGES = ("booked", "arrival")


def checklist_items(journey: Journey) -> list[TravelItem]:
    """The journey's items in checklist order; for a journey booked before checklists
    existed, unsaved items from its defaults (nothing is written by a read)."""
    items = {
        item.kind: item
        for item in TravelItem.objects.filter(journey=journey).select_related("changed_by")
    }
    if not items:
        needed = applies(journey, defaults_for(journey))
        return [
            TravelItem(
                journey=journey,
                kind=kind,
                status=TravelStatus.TODO if needed[kind] else TravelStatus.NOT_NEEDED,
            )
            for kind in KINDS
        ]
    return [items[kind] for kind in KINDS if kind in items]


@dataclass
class Field:
    name: str
    label: str
    kind: str  # "text", "date", "time", "documents"
    value: Any


@dataclass
class ItemView:
    item: TravelItem
    label: str
    status_text: str
    fields: list[Field] = field(default_factory=list)

    @property
    def open_for_patient(self) -> bool:
        return self.item.status in PATIENT_OPEN


def _field_kind(name: str) -> str:
    if name in ("date", "end_date"):
        return "date"
    if name == "time":
        return "time"
    if name == "documents":
        return "documents"
    return "text"


def item_views(journey: Journey, language: str) -> list[ItemView]:
    """The needed items with their fields labelled in `language` (the patient's page)."""
    labels, words = travel_words(language)
    views = []
    for item in checklist_items(journey):
        if item.status == TravelStatus.NOT_NEEDED:
            continue
        views.append(
            ItemView(
                item=item,
                label=labels[item.kind],
                status_text=words.get(f"status_{item.status}", ""),
                fields=[
                    Field(name, words[word], _field_kind(name), getattr(item, name))
                    for name, word in FIELDS[item.kind]
                ],
            )
        )
    return views


def patient_open_labels(journey: Journey) -> list[str]:
    """What the patient still has to do, in their language (the pre-arrival emails)."""
    labels, _ = travel_words(journey.patient.preferred_language)
    return [labels[i.kind] for i in checklist_items(journey) if i.status in PATIENT_OPEN]


def staff_open(journey: Journey) -> list[TravelItem]:
    return [i for i in checklist_items(journey) if i.status in STAFF_OPEN]


# --- The transfer driver sheet ----------------------------------------------------------


@dataclass
class SheetRow:
    journey: Journey
    flight: TravelItem | None
    hotel: TravelItem | None
    transfer: TravelItem | None
    companion: TravelItem | None

    @property
    def lands_at(self) -> dt.time | None:
        return self.flight.time if self.flight and self.flight.date else None


def driver_sheet(user: Actor, *, day: dt.date, clinic_id: int | None) -> list[SheetRow]:
    """Who lands on `day` (at `clinic_id`'s clinic, or every clinic): the journeys whose
    outbound flight lands that day, and those planned to arrive that day without a flight
    date yet (the sheet shows the gap). Only journeys `user` may see. Three queries."""
    visible = journeys_visible_to(user).filter(outcome=Outcome.ACTIVE)
    if clinic_id:
        visible = visible.filter(clinic_id=clinic_id)
    # Two index walks (landings on the day, planned arrivals on the day), not an OR
    # across the join that would read every journey.
    landing = TravelItem.objects.filter(kind=TravelKind.FLIGHT_OUT, date=day).values("journey_id")
    planned = visible.filter(planned_arrival=day).exclude(
        Q(travel_items__kind=TravelKind.FLIGHT_OUT) & Q(travel_items__date__isnull=False)
    )
    ids = set(visible.filter(pk__in=landing).values_list("pk", flat=True)[:SHEET_LIMIT])
    ids |= set(planned.values_list("pk", flat=True)[:SHEET_LIMIT])
    journeys = list(
        Journey.objects.filter(pk__in=ids).select_related(
            "patient", "clinic", "procedure", "coordinator"
        )
    )
    wanted = (TravelKind.FLIGHT_OUT, TravelKind.HOTEL, TravelKind.TRANSFER, TravelKind.COMPANION)
    items: dict[tuple[int, str], TravelItem] = {
        (i.journey_id, i.kind): i
        for i in TravelItem.objects.filter(journey_id__in=ids, kind__in=wanted).exclude(
            status=TravelStatus.NOT_NEEDED
        )
    }
    rows = [
        SheetRow(
            journey=j,
            flight=items.get((j.pk, TravelKind.FLIGHT_OUT)),
            hotel=items.get((j.pk, TravelKind.HOTEL)),
            transfer=items.get((j.pk, TravelKind.TRANSFER)),
            companion=items.get((j.pk, TravelKind.COMPANION)),
        )
        for j in journeys
    ]
    rows.sort(key=lambda r: (r.journey.clinic.name, r.lands_at or dt.time.max, r.journey.pk))
    return rows
