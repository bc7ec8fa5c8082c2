"""Demo travel checklists for journeys the seeder wrote in bulk (JOURNEYS_SEEDED), so a
fresh `make run` shows every state: nothing done yet, asked, given by the patient and
waiting for us, confirmed, not needed. Deterministic per journey id; a few queries per
chunk whatever its size (bulk inserts, existing rows left alone)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from care.models import TravelChecklist, TravelItem, TravelKind, TravelStatus
from care.travel.services import BUILT_IN, KINDS, open_summary
from journeys.models import Journey, Outcome, Stage

AIRPORTS = {"TR": "IST", "MX": "CUN", "HU": "BUD", "PL": "WAW", "TH": "BKK", "KR": "ICN"}
AIRLINES = ("TK", "LH", "IB", "BA", "PC", "W6", "AM", "TG")
HOTELS = ("Hotel Marmara", "Grand Plaza", "Seaside Suites", "City Garden Hotel", "Park Inn")
PICKUP = "Arrivals hall, meeting point"
# How far along a booked journey's checklist is, by days left before arrival.
_BOOKED_STATES = (TravelStatus.TODO, TravelStatus.ASKED, TravelStatus.GIVEN, TravelStatus.CONFIRMED)


def _fill(
    item: TravelItem, rng: random.Random, arrival: dt.date, back: dt.date, country: str
) -> None:
    airport = AIRPORTS.get(country, "IST")
    if item.kind == TravelKind.FLIGHT_OUT:
        item.number = f"{rng.choice(AIRLINES)} {rng.randint(100, 2999)}"
        item.date, item.time, item.place = (
            arrival,
            dt.time(rng.randint(6, 22), rng.choice((0, 15, 30, 45))),
            airport,
        )
    elif item.kind == TravelKind.FLIGHT_BACK:
        item.number = f"{rng.choice(AIRLINES)} {rng.randint(100, 2999)}"
        item.date, item.time, item.place = (
            back,
            dt.time(rng.randint(6, 22), rng.choice((0, 30))),
            airport,
        )
    elif item.kind == TravelKind.HOTEL:
        item.name, item.date, item.end_date = rng.choice(HOTELS), arrival, back
        item.reference = f"HX{rng.randint(100000, 999999)}"
    elif item.kind == TravelKind.TRANSFER:
        item.date, item.place = arrival, PICKUP
        item.time = dt.time(rng.randint(6, 22), 0)
    elif item.kind in (TravelKind.PASSPORT, TravelKind.VISA):
        item.end_date = back + dt.timedelta(days=rng.randint(200, 2000))
    elif item.kind == TravelKind.COMPANION:
        item.name = (
            rng.choice(("Maria", "Thomas", "Ana", "Peter"))
            + " "
            + rng.choice(("Smith", "García", "Müller"))
        )
    elif item.kind == TravelKind.MEDICAL_DOCS:
        item.documents = ",".join(rng.sample(["xray", "photos", "blood"], rng.randint(1, 3)))


def on_journeys_seeded(*, journey_ids: list[int], now: dt.datetime | None = None) -> int:
    """journeys.hooks JOURNEYS_SEEDED listener: checklists for the seeded journeys that are
    booked or further (active). Returns how many items were written."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = (
        Journey.objects.filter(
            pk__in=journey_ids,
            outcome=Outcome.ACTIVE,
            stage__in=(Stage.BOOKED, Stage.ARRIVAL, Stage.PROCEDURE),
        )
        .exclude(travel__isnull=False)
        .values_list("pk", "stage", "planned_arrival", "planned_departure", "clinic__country")
    )
    items: list[TravelItem] = []
    checklists: list[TravelChecklist] = []
    for pk, stage, arrival, departure, country in rows:
        rng = random.Random(pk)
        arrival = arrival or today + dt.timedelta(days=30)
        back = departure or arrival + dt.timedelta(days=7)
        days_left = (arrival - today).days
        mine: list[TravelItem] = []
        for kind in KINDS:
            needed = BUILT_IN[kind] or rng.random() < 0.2
            if not needed:
                status = TravelStatus.NOT_NEEDED
            elif stage != Stage.BOOKED:
                status = TravelStatus.CONFIRMED
            else:
                # Further from arrival, less is done; a few stay open into the last week.
                weights = (4, 3, 2, 1) if days_left > 14 else (1, 1, 2, 5)
                status = rng.choices(_BOOKED_STATES, weights=weights)[0]
            item = TravelItem(journey_id=pk, kind=kind, status=status, changed_at=now)
            if status in (TravelStatus.GIVEN, TravelStatus.CONFIRMED):
                _fill(item, rng, arrival, back, country)
                item.by_patient = status == TravelStatus.GIVEN
            mine.append(item)
        items.extend(mine)
        summary = open_summary(mine)
        checklists.append(
            TravelChecklist(
                journey_id=pk, open_count=len(summary), open_items=summary, updated_at=now
            )
        )
    TravelItem.objects.bulk_create(items, batch_size=2000, ignore_conflicts=True)
    TravelChecklist.objects.bulk_create(checklists, batch_size=2000, ignore_conflicts=True)
    return len(items)
