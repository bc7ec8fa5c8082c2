"""Demo data for care: what seeded journeys past the procedure would have by now.

The demo seeder (crm.demo, `seed_demo` and `demo_setup`) writes journeys in bulk and fires
journeys.hooks.JOURNEYS_SEEDED; this listener adds, for the journeys in the procedure or
follow-up stage (active, or completed in the last CLOSED_WITHIN days), their after-care
steps (most confirmed, some late, some missed, a few with a problem), the comfort
check-in answers of their days in the procedure stage, and the escalations those answers
and problems opened (resolved, acknowledged, or still waiting), each with the timeline
events the services would have written. So the Care report and My day are believable on
a fresh `make run`.

Bulk writes only, a fixed number of queries per chunk whatever its size: seeding
1,000,000 patients must stay fast (bench/seed_demo.py). Nothing here is due to be sent:
past step emails are left unsent ("not emailed"), escalations still open are past their
deadline with their notices already sent, so a fresh database emails nobody.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any, cast

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

from care.models import (
    AfterCarePlan,
    AfterCareStep,
    Answer,
    CheckIn,
    EmailStatus,
    Escalation,
    EscalationNotice,
    EscalationSource,
    JourneyStep,
    NoticeKind,
    NoticeStatus,
    StepStatus,
)
from care.selectors import PROCEDURE_STAGE_DAYS, UNCONFIRMED_AFTER_DAYS
from care.services import _anchor_date, _email_due, _managers
from crm.models import Procedure
from followups.scheduling import zone
from journeys.models import EventKind, Journey, JourneyEvent, Outcome, Stage

# Completed journeys older than this get nothing: the report's periods look back months,
# not years, and seeding stays quick.
CLOSED_WITHIN = dt.timedelta(days=120)
# Shares of past must-confirm steps: confirmed in time, confirmed late, a problem
# reported; the rest stay open (missed, or on My day while the journey is active).
ON_TIME, LATE, PROBLEM = 0.72, 0.10, 0.04
# Per day in the procedure stage: the chance of a check-in answer, and of each answer.
CHECKIN_DAILY = 0.4
HELP_SHARE, QUESTION_SHARE, HIGH_PAIN_SHARE = 0.02, 0.08, 0.02
DAY = dt.timedelta(days=1)


def _plans() -> tuple[dict[int, list[AfterCareStep]], dict[str, list[AfterCareStep]]]:
    """Active plans' steps by Procedure id and by procedure name (lower case), as
    services.plan_for chooses them."""
    by_procedure: dict[int, list[AfterCareStep]] = {}
    by_name: dict[str, list[AfterCareStep]] = {}
    for plan in AfterCarePlan.objects.filter(active=True).prefetch_related("steps"):
        steps = list(plan.steps.all())
        if plan.procedure_id is not None:
            by_procedure.setdefault(plan.procedure_id, steps)
        elif plan.procedure_name:
            by_name.setdefault(plan.procedure_name.lower(), steps)
    return by_procedure, by_name


# Columns written per table (in this order); ids are reserved up front where other rows
# point at them (check-ins, escalations).
CHECKIN_COLUMNS = ("id", "journey_id", "answer", "pain", "note", "nonce", "created_at")
ESCALATION_COLUMNS = (
    "id",
    "journey_id",
    "source",
    "coordinator_id",
    "clinic_id",
    "pain",
    "note",
    "checkin_id",
    "opened_at",
    "deadline_at",
    "acknowledged_at",
    "acknowledged_by_id",
    "resolved_at",
    "resolved_by_id",
    "resolution",
)
NOTICE_COLUMNS = ("escalation_id", "kind", "recipient_id", "due_at", "status", "sent_at")
STEP_COLUMNS = (
    "journey_id",
    "step_id",
    "due_on",
    "must_confirm",
    "status",
    "answered_at",
    "email_status",
    "email_due_at",
    "created_at",
)
EVENT_COLUMNS = (
    "journey_id",
    "kind",
    "actor_id",
    "reason",
    "data",
    "created_at",
    "from_stage",
    "to_stage",
    "outcome",
)
TABLES: tuple[tuple[type[models.Model], tuple[str, ...]], ...] = (
    (CheckIn, CHECKIN_COLUMNS),
    (Escalation, ESCALATION_COLUMNS),
    (EscalationNotice, NOTICE_COLUMNS),
    (JourneyStep, STEP_COLUMNS),
    (JourneyEvent, EVENT_COLUMNS),
)


def _reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for rows not written yet, so the rows pointing at them can be filled."""
    if count == 0:
        return []
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the seeding transaction holds the write lock; nobody inserts meanwhile.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        row = cursor.fetchone()
        start = int(row[0] if row else 0) + 1
    return list(range(start, start + count))


def _write(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """COPY on PostgreSQL (the seeder's own way); batched INSERTs elsewhere (SQLite, the
    few hundred patients of `make run`)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=500
        )
        return
    fields = {f.attname: f for f in model._meta.concrete_fields}
    # Columns the rows don't name (a field added later) get Django's default, which COPY
    # would not apply.
    extra = [
        f
        for f in fields.values()
        if f.attname not in columns and not f.primary_key and not f.generated
    ]
    defaults = [f.get_db_prep_save(f.get_default(), connection) for f in extra]
    json_at = [i for i, c in enumerate(columns) if fields[c].get_internal_type() == "JSONField"]
    qn = connection.ops.quote_name
    names = ", ".join(qn(str(f.column)) for f in [*(fields[c] for c in columns), *extra])
    raw = connection.connection
    assert raw is not None
    sql = f"COPY {qn(model._meta.db_table)} ({names}) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        for values in rows:
            row = [*values, *defaults]
            for i in json_at:
                row[i] = json.dumps(row[i])
            copy.write_row(row)


class _Writer:
    """Rows of one chunk as plain lists (no model instances: at a million patients their
    construction alone cost more than the seeding), written with the seeder's own
    writers: COPY on PostgreSQL, batched INSERTs elsewhere (SQLite for `make run`)."""

    def __init__(self) -> None:
        self.checkins: list[list[Any]] = []
        self.escalations: list[list[Any]] = []  # checkin_id holds the check-in's row
        self.steps: list[tuple[Any, ...]] = []
        self.events: list[tuple[Any, ...]] = []
        # (row, the event data that names its id, under which key)
        self.ids_named: list[tuple[list[Any], dict[str, Any], str]] = []

    def event(
        self, journey: Journey, action: str, text: str, at: dt.datetime, **data: Any
    ) -> dict[str, Any]:
        """Add a timeline event; returns its data (to name a row's id once reserved)."""
        actor = data.pop("actor_id", None)
        payload = {"care": action, **data}
        self.events.append((journey.pk, EventKind.NOTE, actor, text, payload, at, "", "", ""))
        return payload

    def save(self, managers: list[int], now: dt.datetime) -> None:
        for rows, model in ((self.checkins, CheckIn), (self.escalations, Escalation)):
            for row, pk in zip(rows, _reserve_ids(model, len(rows)), strict=True):
                row[0] = pk
        for row, data, key in self.ids_named:
            data[key] = row[0]
        checkin_at = ESCALATION_COLUMNS.index("checkin_id")
        notices: list[tuple[Any, ...]] = []
        for row in self.escalations:
            if row[checkin_at] is not None:
                row[checkin_at] = row[checkin_at][0]
            notices.extend(self._notices(dict(zip(ESCALATION_COLUMNS, row, strict=True)), managers))
        tables: tuple[Sequence[Sequence[Any]], ...] = (
            self.checkins,
            self.escalations,
            notices,
            self.steps,
            self.events,
        )
        for (table, columns), table_rows in zip(TABLES, tables, strict=True):
            _write(table, columns, table_rows)

    @staticmethod
    def _notices(escalation: dict[str, Any], managers: list[int]) -> list[tuple[Any, ...]]:
        """Already handled: the coordinator's was sent at once; the managers' were sent at
        the deadline if nobody had acknowledged by then, else cancelled."""
        pk, coordinator = escalation["id"], escalation["coordinator_id"]
        opened, deadline = escalation["opened_at"], escalation["deadline_at"]
        notices: list[tuple[Any, ...]] = []
        if coordinator is not None:
            sent = opened + dt.timedelta(seconds=1)
            notices.append(
                (pk, NoticeKind.COORDINATOR, coordinator, opened, NoticeStatus.SENT, sent)
            )
        acknowledged = escalation["acknowledged_at"]
        late = acknowledged is None or acknowledged > deadline
        status = NoticeStatus.SENT if late else NoticeStatus.CANCELLED
        notices.extend(
            (pk, NoticeKind.MANAGER, manager, deadline, status, deadline if late else None)
            for manager in managers
            if manager != coordinator
        )
        return notices


# What the listener reads of a journey: the fields services._anchor_date and _email_due
# use, read as plain values (model instances for a million journeys cost more than the rest).
_FIELDS = (
    "pk",
    "stage",
    "outcome",
    "coordinator_id",
    "clinic_id",
    "procedure_id",
    "stage_entered_at",
    "procedure_at",
    "followup_at",
    "closed_at",
    "planned_procedure",
    "planned_departure",
    "patient__timezone",
)


def _journeys(journey_ids: list[int], now: dt.datetime) -> list[SimpleNamespace]:
    """The chunk's journeys past the procedure (active, or completed lately), oldest id
    first, as attribute bags shaped like a Journey with its patient and procedure."""
    procedures = {
        p["pk"]: SimpleNamespace(**p)
        for p in Procedure.objects.values("pk", "name", "typical_stay_days")
    }
    journeys = Journey.objects.filter(stage__in=[Stage.PROCEDURE, Stage.FOLLOWUP]).filter(
        Q(outcome=Outcome.ACTIVE) | Q(outcome=Outcome.COMPLETED, closed_at__gte=now - CLOSED_WITHIN)
    )
    low, high = min(journey_ids), max(journey_ids)
    if high - low + 1 == len(set(journey_ids)):
        # The seeder reserves a chunk's ids in one go: a range, cheaper than a long IN list.
        journeys = journeys.filter(pk__gte=low, pk__lte=high)
    else:
        journeys = journeys.filter(pk__in=journey_ids)
    found = []
    for values in journeys.order_by("pk").values_list(*_FIELDS):
        row = dict(zip(_FIELDS, values, strict=True))
        row["patient"] = SimpleNamespace(timezone=row.pop("patient__timezone"))
        row["procedure"] = procedures[row["procedure_id"]]
        found.append(SimpleNamespace(**row))
    return found


def care_seed_demo(*, journey_ids: list[int], now: dt.datetime | None = None) -> int:
    """journeys.hooks JOURNEYS_SEEDED listener (order 200). Returns the journeys given care
    rows. Deterministic for the same journeys (a random generator seeded by their ids)."""
    now = now or timezone.now()
    if not journey_ids:
        return 0
    by_procedure, by_name = _plans()
    journeys = _journeys(journey_ids, now)
    if not journeys:
        return 0
    rng = random.Random(journeys[0].pk * 7919 + len(journey_ids))
    out = _Writer()
    written = []
    for journey in journeys:
        steps = by_procedure.get(journey.procedure_id) or by_name.get(
            journey.procedure.name.lower(), []
        )
        written.append(_Journey(cast(Journey, journey), steps, rng, out, now))
        written[-1].write()
    # A few patients in the procedure stage asked for help in the last hours: My day's
    # "Needs help now" has something to show (one waiting, the others acknowledged).
    calling = [
        j
        for j in written
        if j.journey.stage == Stage.PROCEDURE
        and j.journey.outcome == Outcome.ACTIVE
        and not j.escalated
    ]
    for n, j in enumerate(rng.sample(calling, min(len(calling), 2 + len(written) // 60))):
        j.help_just_now(acknowledged=n % 2 == 1)
    out.save(managers=[m.pk for m in _managers()], now=now)
    return len(journeys)


class _Journey:
    """One journey's care history, from its procedure stage to now (or its closing)."""

    def __init__(
        self,
        journey: Journey,
        steps: list[AfterCareStep],
        rng: random.Random,
        out: _Writer,
        now: dt.datetime,
    ) -> None:
        self.journey, self.steps, self.rng, self.out, self.now = journey, steps, rng, out, now
        self.tz = zone(journey.patient.timezone)
        # Nothing the patient did comes after the journey was closed.
        self.until = min(now, journey.closed_at or now)
        self.escalated = False

    def at(self, day: dt.date, earliest: int = 8, latest: int = 21) -> dt.datetime:
        """A moment of the patient's day, never after `until`."""
        moment = dt.datetime.combine(
            day, dt.time(self.rng.randint(earliest, latest - 1), self.rng.randint(0, 59))
        ).replace(tzinfo=self.tz)
        return min(moment, self.until - dt.timedelta(minutes=self.rng.randint(5, 90)))

    def may_escalate(self, moment: dt.datetime) -> bool:
        """One escalation per journey in the demo, and none so recent that its managers'
        deadline is still ahead (a fresh database would email them on `make run`)."""
        minutes = settings.CARE_ESCALATION_MINUTES + 10
        return not self.escalated and moment < self.now - dt.timedelta(minutes=minutes)

    def help_just_now(self, *, acknowledged: bool) -> None:
        minutes = settings.CARE_ESCALATION_MINUTES + self.rng.randint(10, 240)
        moment = self.now - dt.timedelta(minutes=minutes)
        pain = self.rng.choice([None, 6, 8])
        self.checkin(moment, 0, Answer.HELP, pain, self.rng.choice(HELP_NOTES))
        self.escalation(
            moment,
            EscalationSource.CHECKIN,
            pain=pain,
            note=self.out.checkins[-1][4],
            checkin=self.out.checkins[-1],
            state="acknowledged" if acknowledged else "open",
        )

    def write(self) -> None:
        self.checkins()
        self.plan_steps()

    # --- Check-ins during the procedure stage ---------------------------------------------

    def checkins(self) -> None:
        journey = self.journey
        start = journey.procedure_at or journey.stage_entered_at
        end = journey.followup_at or self.until
        first = start.astimezone(self.tz).date() + dt.timedelta(days=1)
        last = min(end, self.until).astimezone(self.tz).date()
        last = min(last, first + dt.timedelta(days=PROCEDURE_STAGE_DAYS - 1))
        day = first
        n = 0
        while day <= last:
            if self.rng.random() < CHECKIN_DAILY:
                moment = self.at(day)
                if start < moment <= self.until:
                    n += 1
                    self.answer_today(moment, n)
            day += dt.timedelta(days=1)

    def answer_today(self, moment: dt.datetime, n: int) -> None:
        r = self.rng.random()
        pain: int | None = self.rng.choice([None, None, 1, 2, 2, 3, 3, 4, 5])
        if r < HELP_SHARE + HIGH_PAIN_SHARE and not self.may_escalate(moment):
            r = 1.0
        if r < HELP_SHARE:
            row = self.checkin(moment, n, Answer.HELP, pain, self.rng.choice(HELP_NOTES))
            self.escalation(moment, EscalationSource.CHECKIN, note=row[4], checkin=row)
        elif r < HELP_SHARE + HIGH_PAIN_SHARE:
            pain = self.rng.randint(settings.CARE_PAIN_THRESHOLD, 9)
            row = self.checkin(moment, n, Answer.FINE, pain, "")
            self.escalation(moment, EscalationSource.PAIN, pain=pain, checkin=row)
        elif r < HELP_SHARE + HIGH_PAIN_SHARE + QUESTION_SHARE and moment < self.now - DAY:
            # Older than a day: the coordinator has answered it since (Replies waiting is
            # the inbound mail's business; the demo keeps it for real replies).
            self.checkin(moment, n, Answer.QUESTION, pain, self.rng.choice(QUESTION_NOTES))
        else:
            self.checkin(moment, n, Answer.FINE, pain, "")

    def checkin(
        self, moment: dt.datetime, n: int, answer: str, pain: int | None, note: str
    ) -> list[Any]:
        row = [None, self.journey.pk, answer, pain, note, f"demo-{n}", moment]
        self.out.checkins.append(row)
        text = f"Patient's check-in: {Answer(answer).label}"
        text += f", pain {pain}/10" if pain is not None else ""
        text += f". Note: {note}" if note else "."
        data = self.out.event(self.journey, "checkin", text, moment, answer=answer, pain=pain)
        self.out.ids_named.append((row, data, "checkin_id"))
        return row

    # --- After-care steps -----------------------------------------------------------------

    def plan_steps(self) -> None:
        journey = self.journey
        today = self.now.astimezone(self.tz).date()
        closed = self.until.astimezone(self.tz).date()
        created = journey.procedure_at or journey.stage_entered_at
        for step in self.steps:
            due_on = _anchor_date(journey, step.anchor) + dt.timedelta(days=step.day_offset)
            status: str = StepStatus.OPEN
            answered, email, email_due = None, EmailStatus.NONE, None
            if due_on >= today and journey.outcome == Outcome.ACTIVE:
                # Only emails still ahead (today's 9:00 one is past, as followups' seeding
                # keeps only future due times): a fresh database sends nothing at once.
                email_due = _email_due(journey, due_on, self.now)
                if email_due is not None and email_due > self.now:
                    email = EmailStatus.PENDING
                else:
                    email_due = None
            elif due_on < min(today, closed + DAY) and step.must_confirm:
                status, answered = self.answer(due_on, step, min(today, closed))
            self.out.steps.append(
                (
                    journey.pk,
                    step.pk,
                    due_on,
                    step.must_confirm,
                    status,
                    answered,
                    email,
                    email_due,
                    created,
                )
            )

    def answer(
        self, due_on: dt.date, step: AfterCareStep, last_day: dt.date
    ) -> tuple[str, dt.datetime | None]:
        """Most confirmed in time, some late, a few with a problem, the rest still open
        (missed, or on My day while the journey is active)."""
        r = self.rng.random()
        late_day = due_on + dt.timedelta(days=UNCONFIRMED_AFTER_DAYS + self.rng.randint(1, 4))
        if r < ON_TIME or (r < ON_TIME + LATE and late_day > last_day):
            day = due_on + dt.timedelta(days=self.rng.choice([0, 0, 0, 1, 2]))
            status, answered = StepStatus.DONE, self.at(min(day, last_day))
        elif r < ON_TIME + LATE:
            status, answered = StepStatus.DONE, self.at(late_day)
        elif r < ON_TIME + LATE + PROBLEM:
            status, answered = StepStatus.PROBLEM, self.at(due_on)
        else:
            return StepStatus.OPEN, None
        problem = status == StepStatus.PROBLEM
        title = step.title_en
        self.out.event(
            self.journey,
            "step_problem" if problem else "step_done",
            f"After-care step “{title}”: the patient reports a problem."
            if problem
            else f"After-care step “{title}” done.",
            answered,
            late=answered.astimezone(self.tz).date() > due_on,
        )
        if problem and self.may_escalate(answered):
            self.escalation(answered, EscalationSource.STEP, note=title)
        return status, answered

    # --- Escalations ----------------------------------------------------------------------

    def escalation(
        self,
        opened: dt.datetime,
        source: str,
        *,
        pain: int | None = None,
        note: str = "",
        checkin: list[Any] | None = None,
        state: str = "",
    ) -> None:
        """Most were acknowledged within minutes and resolved within hours; a few went
        past the managers' deadline; the most recent ones of active journeys may still be
        open (acknowledged, or not yet: then past the deadline, the managers emailed)."""
        self.escalated = True
        journey, rng, out = self.journey, self.rng, self.out
        deadline = opened + dt.timedelta(minutes=settings.CARE_ESCALATION_MINUTES)
        ack_after = dt.timedelta(minutes=min(120.0, rng.lognormvariate(1.8, 0.8)))
        resolve_after = ack_after + dt.timedelta(minutes=rng.randint(15, 300))
        recent = journey.outcome == Outcome.ACTIVE and self.now - opened < 3 * DAY
        if not state:
            state = rng.choice(["acknowledged", "resolved", "resolved"]) if recent else "resolved"
        ack, res = opened + ack_after, opened + resolve_after
        if state == "resolved" and res > self.until:
            if self.until < self.now:  # closed since: resolved by then
                res = self.until
                ack = min(ack, res)
            else:
                state = "acknowledged"
        if state == "acknowledged" and ack > self.now:
            state = "open"  # its deadline has passed (may_escalate): the managers know
        acknowledged = ack if state != "open" else None
        resolved = res if state == "resolved" else None
        who = journey.coordinator_id
        resolution = rng.choice(RESOLUTIONS) if resolved else ""
        row: list[Any] = [
            None,
            journey.pk,
            source,
            who,
            journey.clinic_id,
            pain,
            note,
            checkin,  # its row: the id is known once reserved
            opened,
            deadline,
            acknowledged,
            who if acknowledged else None,
            resolved,
            who if resolved else None,
            resolution,
        ]
        out.escalations.append(row)
        what = EscalationSource(source).label
        named = [
            out.event(
                journey,
                "escalation_opened",
                f"Needs help now ({what}"
                + (f", pain {pain}/10" if pain is not None else "")
                + f"). Managers are told at {timezone.localtime(deadline):%H:%M} if nobody "
                "acknowledges.",
                opened,
            )
        ]
        if acknowledged is None or acknowledged > deadline:
            named.append(
                out.event(
                    journey,
                    "escalation_to_manager",
                    "Nobody acknowledged in time: the managers were emailed.",
                    deadline,
                )
            )
        if acknowledged is not None:
            minutes = int((acknowledged - opened).total_seconds() // 60)
            named.append(
                out.event(
                    journey,
                    "escalation_acknowledged",
                    f"Escalation acknowledged after {minutes} min.",
                    acknowledged,
                    actor_id=who,
                )
            )
        if resolved is not None:
            named.append(
                out.event(
                    journey,
                    "escalation_resolved",
                    f"Escalation resolved: {resolution}",
                    resolved,
                    actor_id=who,
                )
            )
        out.ids_named.extend((row, data, "escalation_id") for data in named)


HELP_NOTES = (
    "The swelling is much worse since this morning.",
    "I feel dizzy and sick.",
    "Bleeding has not stopped for an hour.",
    "",
)
QUESTION_NOTES = (
    "Can I take a shower today?",
    "When can I fly home?",
    "Is it normal that it itches?",
    "Which painkiller can I take with my other medicine?",
)
RESOLUTIONS = (
    "Called the patient; the clinic's nurse visited the hotel.",
    "Spoke on WhatsApp; normal after this procedure, advice given.",
    "Driver took the patient to the clinic; checked by the doctor.",
    "Doctor called back; medication adjusted.",
)
