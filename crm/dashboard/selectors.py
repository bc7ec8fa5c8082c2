"""Reads for the coordinators' dashboard: My day, the board, the patient page, search, inbox.

Every read starts from `journeys.selectors.journeys_visible_to(user)` (or
`patients_visible_to`), so what a coordinator may see is decided in one place, for the
pages and the API alike. Each list is one query with a fixed LIMIT and, where a total is
shown, `COUNT(*) OVER ()` in the same query: the number of queries a page makes does not
grow with the number of journeys (tests/crm/test_dashboard_queries.py pins them).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import (
    Case,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from care.models import RiskLevel, TravelKind, TravelStatus
from crm.inputs import clean_text, parse_id
from crm.models import Clinic, Interaction, Patient, Procedure
from crm.roles import COORDINATOR, MANAGER, Actor, is_manager
from followups.models import (
    Direction,
    InboundLabel,
    Message,
    MessageStatus,
    MessageTemplate,
    ScheduledMessage,
    Status,
)
from followups.selectors import replies_waiting_for as waiting
from followups.selectors import triage_open
from journeys.models import STAGE_ORDER, EventKind, Journey, JourneyEvent, Outcome, Stage
from journeys.selectors import journey_visibility, journeys_visible_to, patients_visible_to

# How many rows a My day section shows; the total beside it says how many there are.
SECTION_LIMIT = 20
# Cards per board column page ("Show more" loads the next page).
BOARD_PAGE = 10
# Booked patients arriving within this many days get a logistics check.
ARRIVING_SOON_DAYS = 7
# An inquiry unanswered for longer than this is overdue (the card's warning mark).
FIRST_RESPONSE_DUE = dt.timedelta(hours=24)
# Delivery problems older than this have been dealt with or never will be.
PROBLEM_WINDOW = dt.timedelta(days=14)
# Upcoming check-ins listed on the patient page (the total says how many more).
CHECKIN_LIMIT = 10
# Unmatched emails listed on the Inbox page.
INBOX_LIMIT = 50
# Timeline rows read per source (events, emails, interactions).
TIMELINE_LIMIT = 100

BAD_DELIVERY = [
    MessageStatus.BOUNCED,
    MessageStatus.REJECTED,
    MessageStatus.COMPLAINED,
    MessageStatus.FAILED,
]


# Totals are counted up to this many ("1000+"): counting every row of a big list would make
# the page cost grow with the database, and nobody reads past a thousand.
COUNT_CAP = 1000


@dataclass
class Section:
    rows: list[Any]
    total: int

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.rows))

    @property
    def capped(self) -> bool:
        return self.total >= COUNT_CAP


def scopes(user: Actor) -> list[Q]:
    """The parts of what `user` may see (journeys.selectors.journey_visibility), each served
    by its own index walk: a coordinator's own journeys and the unassigned ones. Lists are
    paged part by part and merged, so each part stops at the page size; filtering on the OR
    of the two would make PostgreSQL collect every matching row and sort them all."""
    return journey_visibility(user)


def capped_count_sql(
    queryset: QuerySet[Any], parts: list[Q] | None = None, cap: int = COUNT_CAP
) -> tuple[str, tuple[Any, ...]]:
    """SQL counting the rows of `queryset` (part by part), reading at most `cap` per part."""
    sqls: list[str] = []
    params: list[Any] = []
    for part in parts or [Q()]:
        sql, part_params = (
            queryset.filter(part).order_by().values("pk")[:cap].query.sql_with_params()
        )
        # Django compiled `sql` and keeps its parameters apart: nothing user-typed is in it.
        sqls.append(f"(SELECT COUNT(*) FROM ({sql}) capped)")  # noqa: S608
        params.extend(part_params)
    return "SELECT " + " + ".join(sqls), tuple(params)


def page_ids(queryset: QuerySet[Any], limit: int, parts: list[Q] | None = None) -> QuerySet[Any]:
    """The ids of the first `limit` rows, as a subquery: PostgreSQL picks the page from the
    bare table and its index first, then joins only those rows to patients, procedures and
    clinics. (Joining first and sorting after is what a misjudged row estimate leads to.)
    With several parts, each part's first `limit` ids, UNION ALL: the outer query sorts
    those few and keeps `limit`."""
    parts = parts or [Q()]
    if len(parts) > 1 and not connection.features.supports_slicing_ordering_in_compound:
        # SQLite (`make run` without PostgreSQL) cannot LIMIT inside a UNION: one OR.
        parts = [functools.reduce(operator.or_, parts)]
    pages = [queryset.filter(part).values("pk")[:limit] for part in parts]
    return pages[0] if len(pages) == 1 else pages[0].union(*pages[1:], all=True)


def _section(
    queryset: QuerySet[Any], limit: int = SECTION_LIMIT, parts: list[Q] | None = None
) -> Section:
    """One query: the first `limit` rows, and the total (up to COUNT_CAP) as an
    uncorrelated subquery that PostgreSQL runs once. Only the rows shown are joined to
    their patient, procedure and clinic; the total reads the bare (partial) index.

    `parts`: the visibility parts (scopes) when `queryset` is not yet restricted to what
    the user may see; the rows and the total are then exactly the union of the parts."""
    if parts is not None and not parts:
        return Section(rows=[], total=0)
    sql, params = capped_count_sql(queryset, parts)
    total_sql = RawSQL(sql, params, output_field=IntegerField())  # noqa: S611 - compiled above
    page = queryset.filter(pk__in=page_ids(queryset, limit, parts)).annotate(_total=total_sql)
    rows = list(page[:limit])
    total = min(rows[0]._total, COUNT_CAP) if rows else 0
    return Section(rows=rows, total=total)


# What a journey row or card shows; loading only these keeps a page of cards cheap to build.
CARD_FIELDS = (
    "stage",
    "outcome",
    "stage_entered_at",
    "inquiry_received_at",
    "first_response_at",
    "planned_arrival",
    "planned_procedure",
    "planned_departure",
    "patient__full_name",
    "patient__country",
    "patient__preferred_language",
    "patient__timezone",
    "procedure__name",
    "clinic__name",
    "coordinator__username",
    "coordinator__first_name",
    "coordinator__last_name",
)


def _cards(queryset: QuerySet[Journey]) -> QuerySet[Journey]:
    """What a journey row or card shows: patient, procedure, clinic, coordinator."""
    return queryset.select_related("patient", "procedure", "clinic", "coordinator").only(
        *CARD_FIELDS
    )


# What a booked card adds: its risk (care/risk/), joined in the same query.
RISK_FIELDS = ("risk__level", "risk__score", "risk__reasons")


def _booked_cards(queryset: QuerySet[Journey]) -> QuerySet[Journey]:
    return _cards(queryset).select_related("risk").only(*CARD_FIELDS, *RISK_FIELDS)


def next_checkin_subquery() -> Subquery:
    return Subquery(
        ScheduledMessage.objects.filter(journey_id=OuterRef("pk"), status=Status.PENDING)
        .order_by("due_at")
        .values("due_at")[:1],
        output_field=DateTimeField(),
    )


# --- Inbound mail (issue #4) ------------------------------------------------------------


def replies_waiting_for(user: Actor) -> Section:
    """Journeys whose patient wrote and nobody has answered yet, longest waiting first
    (followups.selectors.replies_waiting_for, which starts from the same access rule)."""

    return _section(_cards(waiting(user)).only(*CARD_FIELDS, "awaiting_reply_since"))


def inbox_unmatched(user: Actor) -> Section:
    """Inbound email that matched no journey, oldest first, for the coordinators to
    triage: mail from unknown senders to all, mail from a known patient only to those
    who may see that patient (followups.selectors.triage_open)."""

    if not journey_visibility(user):
        return Section(rows=[], total=0)
    return _section(triage_open(user), limit=INBOX_LIMIT)


# --- My day -----------------------------------------------------------------------------


@dataclass
class MyDay:
    unanswered: Section
    replies: Section
    arriving: Section
    risky: Section
    failed: Section
    bounced: Section
    arrivals: Section
    procedures: Section
    today_date: dt.date
    tomorrow_date: dt.date

    @property
    def look_after(self) -> list[Journey]:
        """ "Booked patients to look after": the risky and the arriving soon, each once,
        riskiest first, then by arrival."""
        seen: dict[int, Journey] = {}
        # The arriving row first: it carries the travel checklist's open items.
        for journey in [*self.arriving.rows, *self.risky.rows]:
            seen.setdefault(journey.pk, journey)
        far = dt.date.max
        return sorted(
            seen.values(),
            key=lambda j: (-risk_score(j), j.planned_arrival or far, j.pk),
        )

    @property
    def look_after_total(self) -> int:
        return self.risky.total + self.arriving.total

    @property
    def look_after_more(self) -> int:
        return max(0, self.look_after_total - len(self.look_after))


def risk_score(journey: Journey) -> int:
    """The booked risk score of a card loaded with its risk (0 when it has none)."""
    try:
        return journey.risk.score
    except ObjectDoesNotExist:
        return 0


def my_day(user: Actor, *, now: dt.datetime | None = None) -> MyDay:
    now = now or timezone.now()
    today = timezone.localdate(now)
    tomorrow = today + dt.timedelta(days=1)
    # Journey lists start unrestricted and get the user's visibility parts in _section
    # (paged part by part); the message lists filter on the visible journeys directly.
    parts = scopes(user)
    active = Journey.objects.filter(outcome=Outcome.ACTIVE)
    visible_active = journeys_visible_to(user).filter(outcome=Outcome.ACTIVE)

    unanswered = _section(
        _cards(
            active.filter(stage=Stage.INQUIRY, first_response_at__isnull=True).order_by(
                "inquiry_received_at", "pk"
            )
        ),
        parts=parts,
    )

    # "Booked is not booked": a booked patient arriving soon whose travel checklist still
    # has open items (care's TravelChecklist summary row, joined by primary key; a journey
    # booked before checklists existed has none and counts as open), or one whose booked
    # risk is watch or high. Two lists, so each walks its own index and stops at the page
    # size instead of testing every booked journey.
    booked = active.filter(stage=Stage.BOOKED)
    soon = today + dt.timedelta(days=ARRIVING_SOON_DAYS)
    arriving = _section(
        _booked_cards(
            booked.filter(planned_arrival__range=(today, soon))
            .filter(Q(travel__isnull=True) | Q(travel__open_count__gt=0))
            .annotate(
                travel_open=F("travel__open_count"), travel_open_items=F("travel__open_items")
            )
            .order_by("planned_arrival", "pk")
        ),
        parts=parts,
    )
    for row in arriving.rows:
        row.travel_labels = travel_open_labels(row.travel_open_items)
    # Then every booked patient whose risk is "watch" or worse (care/risk/: silence,
    # replies waiting, bounces, what they wrote, the quote, the deposit, travel items open
    # close to arrival), riskiest first, walking care's risk index. The template merges
    # the two lists by risk.
    risky = _section(
        _booked_cards(
            booked.filter(risk__level__gte=RiskLevel.WATCH).order_by("-risk__score", "pk")
        ),
        parts=parts,
    )

    since = now - PROBLEM_WINDOW
    failed = _section(
        ScheduledMessage.objects.filter(status=Status.FAILED, journey__in=visible_active)
        .select_related("rule", "journey__patient")
        .order_by("-updated_at", "-pk")
    )
    # Our emails the ESP reported as bounced or rejected, and the bounce reports that came
    # back by email (a DSN matched to the journey: the ESP may never report those).
    bounced = _section(
        Message.objects.filter(
            Q(direction=Direction.OUT, status__in=BAD_DELIVERY, updated_at__gte=since)
            | Q(direction=Direction.IN, label=InboundLabel.BOUNCE, sent_at__gte=since),
            journey__in=visible_active,
        )
        .select_related("journey__patient")
        .order_by("-updated_at", "-pk")
    )

    # Arrivals and procedures are two lists, each walking its own date index in order.
    days = (today, tomorrow)
    arrivals = _section(
        _cards(active.filter(planned_arrival__in=days).order_by("planned_arrival", "pk")),
        parts=parts,
    )
    procedures = _section(
        _cards(active.filter(planned_procedure__in=days).order_by("planned_procedure", "pk")),
        parts=parts,
    )
    return MyDay(
        unanswered=unanswered,
        replies=replies_waiting_for(user),
        arriving=arriving,
        risky=risky,
        failed=failed,
        bounced=bounced,
        arrivals=arrivals,
        procedures=procedures,
        today_date=today,
        tomorrow_date=tomorrow,
    )


def travel_open_labels(open_items: list[list[str]] | None) -> list[str]:
    """ "Outbound flight: asked" for each open item of a travel checklist summary; None (no
    checklist yet) reads as not started."""
    if open_items is None:
        return ["Travel checklist not started"]
    kinds, statuses = dict(TravelKind.choices), dict(TravelStatus.choices)
    return [
        f"{kinds.get(kind, kind)}: {statuses.get(status, status).lower()}"
        for kind, status in open_items
    ]


# --- The board --------------------------------------------------------------------------


@dataclass
class BoardFilters:
    coordinator: str = ""  # a user id, "me" or "none"
    coordinator_username: str = ""  # what a manager typed when staff are too many to list
    clinic: int | None = None
    procedure: int | None = None
    country: str = ""
    source: str = ""
    sort: str = ""  # "risk": the booked column riskiest first (care/risk/)

    def apply(self, journeys: QuerySet[Journey], user: Actor) -> QuerySet[Journey]:
        if self.coordinator == "me" and user is not None:
            journeys = journeys.filter(coordinator_id=user.pk)
        elif self.coordinator == "none":
            journeys = journeys.filter(coordinator__isnull=True)
        elif self.coordinator.isdigit():
            # "0" (and an id beyond bigint) match nobody.
            journeys = journeys.filter(coordinator_id=parse_id(self.coordinator) or 0)
        if self.clinic:
            journeys = journeys.filter(clinic_id=self.clinic)
        if self.procedure:
            journeys = journeys.filter(procedure_id=self.procedure)
        if self.country:
            journeys = journeys.filter(patient__country=self.country.upper())
        if self.source:
            journeys = journeys.filter(patient__source=self.source)
        return journeys

    def _pairs(self) -> dict[str, Any]:
        return {
            "coordinator": self.coordinator,
            "clinic": self.clinic or "",
            "procedure": self.procedure or "",
            "country": self.country,
            "source": self.source,
        }

    def querystring(self) -> str:
        return urlencode({k: v for k, v in {**self._pairs(), "sort": self.sort}.items() if v})

    @property
    def querystring_without_sort(self) -> str:
        """The filters alone, for the booked column's sort links."""
        return urlencode({k: v for k, v in self._pairs().items() if v})


@dataclass
class Column:
    stage: str
    label: str
    count: int
    cards: list[Journey]
    next_cursor: str = ""


def board_counts(user: Actor, filters: BoardFilters) -> dict[str, int]:
    """Journeys per column, each counted up to COUNT_CAP, in one query."""
    parts = scopes(user)
    if not parts:
        return dict.fromkeys(STAGE_ORDER, 0)
    base = filters.apply(Journey.objects.filter(outcome=Outcome.ACTIVE), user)
    sqls: list[str] = []
    params: list[Any] = []
    for stage in STAGE_ORDER:
        sql, stage_params = capped_count_sql(base.filter(stage=stage), parts)
        sqls.append(f"({sql})")
        params.extend(stage_params)
    with connection.cursor() as cursor:
        # Each part is SQL Django compiled, its parameters kept apart.
        cursor.execute("SELECT " + ", ".join(sqls), params)
        row = cursor.fetchone()
    counts = row or [0] * len(STAGE_ORDER)
    return {stage: min(int(n), COUNT_CAP) for stage, n in zip(STAGE_ORDER, counts, strict=True)}


def _cursor(journey: Journey) -> str:
    return f"{journey.stage_entered_at.isoformat()}_{journey.pk}"


def parse_cursor(value: str) -> tuple[dt.datetime, int] | None:
    when, _, pk = value.rpartition("_")
    try:
        parsed = dt.datetime.fromisoformat(when)
    except ValueError:
        return None
    number = parse_id(pk)
    return (parsed, number) if number is not None else None


def board_column_page(
    user: Actor,
    *,
    stage: str,
    filters: BoardFilters,
    after: str = "",
    now: dt.datetime | None = None,
) -> tuple[list[Journey], str]:
    """One page of a column, longest in the stage first (the booked column riskiest first
    with sort=risk); keyset-paged on (stage_entered_at, id) or (risk score, id) so page 500
    costs what page 1 costs. Returns the cards and the cursor of the next page ("" at the
    end)."""
    now = now or timezone.now()
    parts = scopes(user)
    if not parts:
        return [], ""
    journeys = filters.apply(Journey.objects.filter(outcome=Outcome.ACTIVE, stage=stage), user)
    by_risk = stage == Stage.BOOKED and filters.sort == "risk"
    if by_risk:
        journeys = _after_risk(journeys, after)
        if parts == [Q()] and not filters.querystring_without_sort:
            # The whole booked column (a manager, no filter): an inner join lets PostgreSQL
            # walk care's score index and stop at the page size (NULLS LAST over the
            # outer join sorted every booked journey: 0.7 s at 1,000,000 patients). It
            # lists the journeys whose risk is computed: all booked ones once the first
            # nightly run (or `manage.py risk_recompute`) followed an upgrade.
            ordered = journeys.filter(risk__isnull=False).order_by("-risk__score", "pk")
        else:
            # A coordinator's share or a filtered column: few journeys, found on the
            # journey's own indexes, then sorted (walking the score index instead reads
            # every booked journey when the part has none, e.g. no unassigned ones).
            ordered = journeys.order_by(F("risk__score").desc(nulls_last=True), "pk")
    else:
        cursor = parse_cursor(after) if after else None
        if cursor is not None:
            when, pk = cursor
            journeys = journeys.filter(
                Q(stage_entered_at__gt=when) | Q(stage_entered_at=when, pk__gt=pk)
            )
        ordered = journeys.order_by("stage_entered_at", "pk")
    ids = page_ids(ordered, BOARD_PAGE + 1, parts)
    page = ordered.filter(pk__in=ids)
    cards_qs = _booked_cards(page) if stage == Stage.BOOKED else _cards(page)
    cards: list[Journey] = list(
        cards_qs.annotate(
            next_checkin=next_checkin_subquery(), travel_open=F("travel__open_count")
        )[: BOARD_PAGE + 1]
    )
    more = len(cards) > BOARD_PAGE
    cards = cards[:BOARD_PAGE]
    for card in cards:
        card.warnings = card_warnings(card, now=now)  # type: ignore[attr-defined]
        if stage == Stage.BOOKED:
            card.risk_badge = risk_badge(card)  # type: ignore[attr-defined]
    if not more:
        return cards, ""
    return cards, (_risk_cursor(cards[-1]) if by_risk else _cursor(cards[-1]))


def risk_badge(journey: Journey) -> dict[str, Any] | None:
    """What a booked card shows of its risk: the level and reasons, or None when low."""
    try:
        risk = journey.risk
    except ObjectDoesNotExist:
        return None
    if risk.level < RiskLevel.WATCH:
        return None
    return {
        "level": RiskLevel(risk.level).label.lower(),
        "reasons": "; ".join(r["detail"] or r["label"] for r in risk.reasons),
    }


def _risk_cursor(journey: Journey) -> str:
    try:
        score = journey.risk.score
    except ObjectDoesNotExist:
        score = -1  # not computed yet: sorted last
    return f"r{score}_{journey.pk}"


def _after_risk(journeys: QuerySet[Journey], after: str) -> QuerySet[Journey]:
    """The cards after a risk cursor ("r<score>_<id>"; score -1: no risk computed yet)."""
    if not after.startswith("r"):
        return journeys
    score_text, _, pk_text = after[1:].partition("_")
    pk = parse_id(pk_text)
    try:
        score = int(score_text)
    except ValueError:
        return journeys
    if pk is None or not -1 <= score <= 32767:
        return journeys
    if score < 0:
        return journeys.filter(risk__isnull=True, pk__gt=pk)
    return journeys.filter(
        Q(risk__score__lt=score) | Q(risk__score=score, pk__gt=pk) | Q(risk__isnull=True)
    )


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
    coordinators: list[User] | None  # None: too many to list, the filter takes a username
    clinics: list[Clinic]
    procedures: list[Procedure]
    countries: list[str]


# Above this many staff the coordinator pickers become a username field: a select of
# thousands of names is slow to build and useless to scroll.
STAFF_LIST_LIMIT = 200


def staff_choices() -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, groups__name__in=[COORDINATOR, MANAGER])
        .distinct()
        .order_by("first_name", "username")
    )


def staff_list() -> list[User] | None:
    """Staff for a picker, or None when there are too many to list (type a username).
    Cached for a minute: it is on every manager's board and patient page."""

    def read() -> list[User] | None:
        staff = list(staff_choices()[: STAFF_LIST_LIMIT + 1])
        return None if len(staff) > STAFF_LIST_LIMIT else staff

    return cache.get_or_set(f"dashboard:staff-list:{STAFF_LIST_LIMIT}", read, 60)


def staff_by_username(username: str) -> User | None:
    username = clean_text(username, max_length=150)
    return staff_choices().filter(username=username).first() if username else None


def patient_countries() -> list[str]:
    """Countries patients come from, for the board's filter. A DISTINCT over every patient
    is a full scan, so it is cached for an hour."""

    def read() -> list[str]:
        return sorted(Patient.objects.order_by().values_list("country", flat=True).distinct())

    return list(cache.get_or_set("dashboard:patient-countries", read, 3600) or [])


def board_filter_choices(user: Actor) -> FilterChoices:
    return FilterChoices(
        coordinators=(staff_list() if is_manager(user) else []),
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
    """Stage events, emails (grouped into threads by subject) with their attachments,
    and interactions, newest first. Four queries, each bounded."""
    events = list(
        JourneyEvent.objects.filter(journey=journey)
        .select_related("actor")
        .order_by("-created_at", "-pk")[:TIMELINE_LIMIT]
    )
    messages = list(
        Message.objects.filter(journey=journey)
        .select_related("sent_by")
        # The patient's files (emailed or from the inquiry form), listed under the email
        # with a download link: one more query, pinned in test_dashboard_queries.
        .prefetch_related("attachments")
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
        if message.direction == Direction.IN and message.label == InboundLabel.BOUNCE:
            # A mail server's report that our email did not arrive: a delivery failure on
            # the timeline, not an email from the patient.
            items.append(TimelineItem(at=message.sent_at, kind="bounce", obj=message))
            continue
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


def journey_checkins(journey: Journey) -> Section:
    """The journey's upcoming automated messages (pending or about to go), soonest first."""
    return _section(
        ScheduledMessage.objects.filter(
            journey=journey, status__in=[Status.PENDING, Status.CLAIMED]
        )
        .select_related("rule")
        .order_by("due_at", "pk"),
        limit=CHECKIN_LIMIT,
    )


def journey_skipped_checkins(journey: Journey, limit: int = CHECKIN_LIMIT) -> list[Any]:
    """Automated messages the dispatcher skipped after downtime (a later one of the
    series went instead, or it was too late to matter), newest first, with their reason."""
    from followups.models import CancelReason

    return list(
        ScheduledMessage.objects.filter(
            journey=journey, status=Status.CANCELLED, cancelled_reason=CancelReason.MISSED
        )
        .select_related("rule")
        .order_by("-due_at", "-pk")[:limit]
    )


def patient_journeys(user: Actor, patient_id: int) -> list[Journey]:
    return list(
        journeys_visible_to(user)
        .filter(patient_id=patient_id)
        .select_related("procedure")
        .order_by("-inquiry_received_at", "-pk")
    )


def journeys_by_patient(user: Actor, patient_ids: set[int]) -> dict[int, list[Journey]]:
    """The journeys the user may see of these patients, newest first, in one query."""
    found: dict[int, list[Journey]] = {}
    if not patient_ids:
        return found
    for journey in (
        journeys_visible_to(user)
        .filter(patient_id__in=patient_ids)
        .select_related("procedure")
        .order_by("-inquiry_received_at", "-pk")
    ):
        found.setdefault(journey.patient_id, []).append(journey)
    return found


def procedure_choices() -> list[Procedure]:
    return list(Procedure.objects.select_related("clinic").order_by("name", "clinic__name"))


def template_keys() -> list[str]:

    return list(MessageTemplate.objects.order_by("key").values_list("key", flat=True).distinct())


# --- Search -----------------------------------------------------------------------------

SEARCH_LIMIT = 50


def patient_search(user: Actor, query: str) -> Section:
    """Name, email or phone, among the patients the user may see."""
    query = clean_text(query)
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
