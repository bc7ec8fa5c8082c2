"""Reads for the coordinators' dashboard: My day, the board, the patient page, search, inbox.

Every read starts from `journeys.selectors.journeys_visible_to(user)` (or
`patients_visible_to`), so what a coordinator may see is decided in one place, for the
pages and the API alike. Each list is one query with a fixed LIMIT and, where a total is
shown, `COUNT(*) OVER ()` in the same query: the number of queries a page makes does not
grow with the number of journeys (tests/crm/test_dashboard_queries.py pins them).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from crm.models import Clinic, Interaction, InteractionDirection, Patient, Procedure
from crm.roles import COORDINATOR, MANAGER, Actor, is_manager
from followups.models import Direction, Message, MessageStatus, ScheduledMessage, Status
from journeys.models import STAGE_ORDER, EventKind, Journey, JourneyEvent, Outcome, Stage
from journeys.selectors import journeys_visible_to, patients_visible_to

# How many rows a My day section shows; the total beside it says how many there are.
SECTION_LIMIT = 25
# Cards per board column page ("Show more" loads the next page).
BOARD_PAGE = 15
# A booked patient we have not heard from for this long needs a call.
QUIET_AFTER = dt.timedelta(days=7)
# Booked patients arriving within this many days get a logistics check.
ARRIVING_SOON_DAYS = 7
# An inquiry unanswered for longer than this is overdue (the card's warning mark).
FIRST_RESPONSE_DUE = dt.timedelta(hours=24)
# Delivery problems older than this have been dealt with or never will be.
PROBLEM_WINDOW = dt.timedelta(days=14)
# Timeline rows read per source (events, emails, interactions).
TIMELINE_LIMIT = 100

BAD_DELIVERY = [
    MessageStatus.BOUNCED,
    MessageStatus.REJECTED,
    MessageStatus.COMPLAINED,
    MessageStatus.FAILED,
]


@dataclass
class Section:
    rows: list[Any]
    total: int

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.rows))


def _section(queryset: QuerySet[Any], limit: int = SECTION_LIMIT) -> Section:
    """One query: the first `limit` rows and, through a window count, the total."""
    rows = list(queryset.annotate(_total=Window(Count("pk")))[:limit])
    total = rows[0]._total if rows else 0
    return Section(rows=rows, total=total)


def _cards(queryset: QuerySet[Journey]) -> QuerySet[Journey]:
    """What a journey row or card shows: patient, procedure, clinic, coordinator."""
    return queryset.select_related("patient", "procedure", "clinic", "coordinator")


def next_checkin_subquery() -> Subquery:
    return Subquery(
        ScheduledMessage.objects.filter(journey_id=OuterRef("pk"), status=Status.PENDING)
        .order_by("due_at")
        .values("due_at")[:1],
        output_field=DateTimeField(),
    )


# --- Inbound mail (issue #4) ------------------------------------------------------------
# Inbound replies and the triage inbox arrive with issue #4. Until its model exists these
# two selectors return nothing, and the pages say so. The one change when it lands: query
# the inbound model here (the templates already render `rows` of it).


def replies_waiting_for(user: Actor) -> Section:
    """Patients' replies the coordinator has not answered yet. Empty until #4 lands."""
    return Section(rows=[], total=0)


def inbox_unmatched(user: Actor) -> Section:
    """Inbound email that matched no patient, for triage. Empty until #4 lands."""
    return Section(rows=[], total=0)


# --- My day -----------------------------------------------------------------------------


@dataclass
class MyDay:
    unanswered: Section
    replies: Section
    at_risk: Section
    failed: Section
    bounced: Section
    today: Section
    today_date: dt.date
    tomorrow_date: dt.date


def my_day(user: Actor, *, now: dt.datetime | None = None) -> MyDay:
    now = now or timezone.now()
    today = timezone.localdate(now)
    tomorrow = today + dt.timedelta(days=1)
    visible = journeys_visible_to(user)
    active = visible.filter(outcome=Outcome.ACTIVE)

    unanswered = _section(
        _cards(
            active.filter(stage=Stage.INQUIRY, first_response_at__isnull=True).order_by(
                "inquiry_received_at", "pk"
            )
        )
    )

    # "Booked is not booked": a quiet patient or an arrival close enough that travel,
    # transfer and hotel must be confirmed. Heard from = the last inbound interaction or
    # email; the booking itself counts as contact.
    last_in_interaction = Subquery(
        Interaction.objects.filter(
            journey_id=OuterRef("pk"), direction=InteractionDirection.INBOUND
        )
        .order_by("-occurred_at")
        .values("occurred_at")[:1],
        output_field=DateTimeField(),
    )
    last_in_email = Subquery(
        Message.objects.filter(journey_id=OuterRef("pk"), direction=Direction.IN)
        .order_by("-sent_at")
        .values("sent_at")[:1],
        output_field=DateTimeField(),
    )
    soon = today + dt.timedelta(days=ARRIVING_SOON_DAYS)
    at_risk = _section(
        _cards(
            active.filter(stage=Stage.BOOKED)
            .annotate(
                heard_at=Greatest(
                    F("stage_entered_at"),
                    Coalesce(last_in_interaction, F("stage_entered_at")),
                    Coalesce(last_in_email, F("stage_entered_at")),
                )
            )
            .filter(Q(heard_at__lt=now - QUIET_AFTER) | Q(planned_arrival__range=(today, soon)))
            .order_by(F("planned_arrival").asc(nulls_last=True), "heard_at", "pk")
        )
    )

    since = now - PROBLEM_WINDOW
    failed = _section(
        ScheduledMessage.objects.filter(status=Status.FAILED, journey__in=active)
        .select_related("rule", "journey__patient")
        .order_by("-updated_at", "-pk")
    )
    bounced = _section(
        Message.objects.filter(
            direction=Direction.OUT,
            status__in=BAD_DELIVERY,
            updated_at__gte=since,
            journey__in=active,
        )
        .select_related("journey__patient")
        .order_by("-updated_at", "-pk")
    )

    days = (today, tomorrow)
    today_rows = _section(
        _cards(
            active.filter(Q(planned_arrival__in=days) | Q(planned_procedure__in=days)).order_by(
                _earliest_planned_date(), "pk"
            )
        )
    )
    return MyDay(
        unanswered=unanswered,
        replies=replies_waiting_for(user),
        at_risk=at_risk,
        failed=failed,
        bounced=bounced,
        today=today_rows,
        today_date=today,
        tomorrow_date=tomorrow,
    )


def _earliest_planned_date() -> Least:
    """Earliest of the planned arrival and procedure dates (either may be empty)."""
    far = dt.date(9999, 12, 31)
    return Least(Coalesce("planned_arrival", far), Coalesce("planned_procedure", far))


# --- The board --------------------------------------------------------------------------


@dataclass
class BoardFilters:
    coordinator: str = ""  # a user id, "me" or "none"
    clinic: int | None = None
    procedure: int | None = None
    country: str = ""
    source: str = ""

    def apply(self, journeys: QuerySet[Journey], user: Actor) -> QuerySet[Journey]:
        if self.coordinator == "me" and user is not None:
            journeys = journeys.filter(coordinator_id=user.pk)
        elif self.coordinator == "none":
            journeys = journeys.filter(coordinator__isnull=True)
        elif self.coordinator.isdigit():
            journeys = journeys.filter(coordinator_id=int(self.coordinator))
        if self.clinic:
            journeys = journeys.filter(clinic_id=self.clinic)
        if self.procedure:
            journeys = journeys.filter(procedure_id=self.procedure)
        if self.country:
            journeys = journeys.filter(patient__country=self.country.upper())
        if self.source:
            journeys = journeys.filter(patient__source=self.source)
        return journeys

    def querystring(self) -> str:
        from urllib.parse import urlencode

        pairs = {
            "coordinator": self.coordinator,
            "clinic": self.clinic or "",
            "procedure": self.procedure or "",
            "country": self.country,
            "source": self.source,
        }
        return urlencode({k: v for k, v in pairs.items() if v})


@dataclass
class Column:
    stage: str
    label: str
    count: int
    cards: list[Journey]
    next_cursor: str = ""


def board_counts(user: Actor, filters: BoardFilters) -> dict[str, int]:
    rows = (
        filters.apply(journeys_visible_to(user).filter(outcome=Outcome.ACTIVE), user)
        .order_by()
        .values("stage")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(STAGE_ORDER, 0)
    counts.update({row["stage"]: row["n"] for row in rows})
    return counts


def _cursor(journey: Journey) -> str:
    return f"{journey.stage_entered_at.isoformat()}_{journey.pk}"


def parse_cursor(value: str) -> tuple[dt.datetime, int] | None:
    when, _, pk = value.rpartition("_")
    try:
        parsed = dt.datetime.fromisoformat(when)
        return parsed, int(pk)
    except ValueError:
        return None


def board_column_page(
    user: Actor,
    *,
    stage: str,
    filters: BoardFilters,
    after: str = "",
    now: dt.datetime | None = None,
) -> tuple[list[Journey], str]:
    """One page of a column, longest in the stage first; keyset-paged on
    (stage_entered_at, id) so page 500 costs what page 1 costs. Returns the cards and the
    cursor of the next page ("" at the end)."""
    now = now or timezone.now()
    journeys = filters.apply(
        journeys_visible_to(user).filter(outcome=Outcome.ACTIVE, stage=stage), user
    )
    cursor = parse_cursor(after) if after else None
    if cursor is not None:
        when, pk = cursor
        journeys = journeys.filter(
            Q(stage_entered_at__gt=when) | Q(stage_entered_at=when, pk__gt=pk)
        )
    cards: list[Journey] = list(
        _cards(journeys)
        .annotate(next_checkin=next_checkin_subquery())
        .order_by("stage_entered_at", "pk")[: BOARD_PAGE + 1]
    )
    more = len(cards) > BOARD_PAGE
    cards = cards[:BOARD_PAGE]
    for card in cards:
        card.warnings = card_warnings(card, now=now)  # type: ignore[attr-defined]
    return cards, (_cursor(cards[-1]) if more else "")


def card_warnings(journey: Journey, *, now: dt.datetime) -> list[str]:
    """Why a card shows a warning mark: things that are late, from the row alone."""
    today = timezone.localdate(now)
    warnings = []
    if (
        journey.stage == Stage.INQUIRY
        and journey.first_response_at is None
        and journey.inquiry_received_at < now - FIRST_RESPONSE_DUE
    ):
        warnings.append("No first response for over 24 hours")
    if (
        journey.stage == Stage.BOOKED
        and journey.planned_arrival
        and journey.planned_arrival < today
    ):
        warnings.append("Planned arrival has passed")
    if (
        journey.stage in (Stage.BOOKED, Stage.ARRIVAL)
        and journey.planned_procedure
        and journey.planned_procedure < today
    ):
        warnings.append("Planned procedure date has passed")
    if (
        journey.stage == Stage.PROCEDURE
        and journey.planned_departure
        and journey.planned_departure < today
    ):
        warnings.append("Planned departure has passed")
    next_checkin = getattr(journey, "next_checkin", None)
    if next_checkin is not None and next_checkin < now - dt.timedelta(hours=1):
        warnings.append("A check-in is overdue")
    return warnings


def board(user: Actor, filters: BoardFilters, *, now: dt.datetime | None = None) -> list[Column]:
    counts = board_counts(user, filters)
    columns = []
    for stage in STAGE_ORDER:
        cards, cursor = board_column_page(user, stage=stage, filters=filters, now=now)
        columns.append(
            Column(
                stage=stage,
                label=Stage(stage).label,
                count=counts[stage],
                cards=cards,
                next_cursor=cursor,
            )
        )
    return columns


@dataclass
class FilterChoices:
    coordinators: list[User]
    clinics: list[Clinic]
    procedures: list[Procedure]
    countries: list[str]


def staff_choices() -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, groups__name__in=[COORDINATOR, MANAGER])
        .distinct()
        .order_by("first_name", "username")
    )


def patient_countries() -> list[str]:
    """Countries patients come from, for the board's filter. A DISTINCT over every patient
    is a full scan, so it is cached for an hour."""

    def read() -> list[str]:
        return sorted(Patient.objects.order_by().values_list("country", flat=True).distinct())

    return list(cache.get_or_set("dashboard:patient-countries", read, 3600) or [])


def board_filter_choices(user: Actor) -> FilterChoices:
    return FilterChoices(
        coordinators=list(staff_choices()) if is_manager(user) else [],
        clinics=list(Clinic.objects.all()),
        procedures=list(Procedure.objects.select_related("clinic")),
        countries=patient_countries(),
    )


# --- The patient and journey page -------------------------------------------------------


@dataclass
class TimelineItem:
    at: dt.datetime
    kind: str  # "event", "email", "thread", "interaction"
    obj: Any
    thread: list[Message] = field(default_factory=list)


_SUBJECT_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|wg|rv|sv)\s*:\s*)+", re.IGNORECASE)


def thread_key(subject: str) -> str:
    return _SUBJECT_PREFIX.sub("", subject).strip().lower()


def journey_timeline(journey: Journey) -> list[TimelineItem]:
    """Stage events, emails (grouped into threads by subject) and interactions, newest
    first. Three queries, each bounded."""
    events = list(
        JourneyEvent.objects.filter(journey=journey)
        .select_related("actor")
        .order_by("-created_at", "-pk")[:TIMELINE_LIMIT]
    )
    messages = list(
        Message.objects.filter(journey=journey)
        .select_related("sent_by")
        .order_by("-sent_at", "-pk")[:TIMELINE_LIMIT]
    )
    interactions = list(
        Interaction.objects.filter(journey=journey)
        .select_related("by")
        .order_by("-occurred_at", "-pk")[:TIMELINE_LIMIT]
    )
    assignee_ids = {
        e.data.get("coordinator_id") for e in events if e.kind == EventKind.ASSIGNED
    } - {None}
    if assignee_ids:
        names = {
            user.pk: user.get_full_name() or user.username
            for user in User.objects.filter(pk__in=assignee_ids).only(
                "first_name", "last_name", "username"
            )
        }
        for event in events:
            if event.kind == EventKind.ASSIGNED:
                event.assignee = names.get(event.data.get("coordinator_id"), "")  # type: ignore[attr-defined]
    items = [TimelineItem(at=e.created_at, kind="event", obj=e) for e in events]
    items += [TimelineItem(at=i.occurred_at, kind="interaction", obj=i) for i in interactions]
    threads: dict[str, list[Message]] = {}
    for message in messages:  # newest first
        threads.setdefault(thread_key(message.subject), []).append(message)
    for thread in threads.values():
        thread.reverse()  # oldest first inside a thread
        latest = thread[-1]
        items.append(
            TimelineItem(
                at=latest.sent_at,
                kind="thread" if len(thread) > 1 else "email",
                obj=latest,
                thread=thread,
            )
        )
    items.sort(key=lambda item: item.at, reverse=True)
    return items


def journey_checkins(journey: Journey) -> list[ScheduledMessage]:
    """The journey's upcoming automated messages (pending or about to go)."""
    return list(
        ScheduledMessage.objects.filter(
            journey=journey, status__in=[Status.PENDING, Status.CLAIMED]
        )
        .select_related("rule")
        .order_by("due_at", "pk")[:50]
    )


def patient_journeys(user: Actor, patient_id: int) -> list[Journey]:
    return list(
        journeys_visible_to(user)
        .filter(patient_id=patient_id)
        .select_related("procedure")
        .order_by("-inquiry_received_at", "-pk")
    )


def template_keys() -> list[str]:
    from followups.models import MessageTemplate

    return list(MessageTemplate.objects.order_by("key").values_list("key", flat=True).distinct())


# --- Search -----------------------------------------------------------------------------

SEARCH_LIMIT = 50


def patient_search(user: Actor, query: str) -> Section:
    """Name, email or phone, among the patients the user may see."""
    query = query.strip()
    if len(query) < 2:
        return Section(rows=[], total=0)
    patients = patients_visible_to(user)
    digits = re.sub(r"\D", "", query)
    if "@" in query:
        match = Q(email__istartswith=query.lower())
    elif digits and len(digits) >= 4 and not re.search(r"[^\d\s+()./-]", query):
        match = Q(phone__contains=digits) | Q(phone__contains=query)
    else:
        match = Q(full_name__icontains=query) | Q(email__istartswith=query.lower())
    return _section(patients.filter(match).order_by("full_name", "pk"), limit=SEARCH_LIMIT)


def patient_latest_journey(user: Actor, patient_id: int) -> Journey | None:
    """The journey a patient link opens: the newest active one, else the newest."""
    active_first = Case(When(outcome=Outcome.ACTIVE, then=Value(0)), default=Value(1))
    return (
        journeys_visible_to(user)
        .filter(patient_id=patient_id)
        .order_by(active_first, "-inquiry_received_at", "-pk")
        .first()
    )
