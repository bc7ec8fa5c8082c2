"""Every write to a journey. `journey_move` is the one function that changes a stage or
an outcome; nothing else assigns `journey.stage` or `journey.outcome`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from audit.bulk import insert_objects, insert_rows
from audit.models import Action
from audit.services import (
    audit_record,
    audit_record_many,
    changes_between,
    creation_changes,
    snapshot,
)
from crm.inputs import date_problem
from crm.models import Interaction, InteractionDirection, InteractionKind, Procedure
from crm.roles import Actor, is_manager, person
from journeys import hooks
from journeys.models import (
    STAGE_ORDER,
    STAGE_REACHED_AT,
    EventKind,
    FunnelDay,
    Journey,
    JourneyEvent,
    LostReason,
    Outcome,
    Stage,
    furthest_stage_of,
)
from journeys.selectors import inquiry_routing, journey_has_active

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from crm.models import Patient

# Targets a move may name besides the five stages.
LOST = Outcome.LOST.value
POSTPONED = Outcome.POSTPONED.value
COMPLETED = Outcome.COMPLETED.value
TARGETS = [*STAGE_ORDER, LOST, POSTPONED, COMPLETED]
# A postponed journey is re-engaged at the start: either as a fresh inquiry or straight
# back to booked when the patient confirms a new date.
REOPEN_STAGES = (Stage.INQUIRY.value, Stage.BOOKED.value)


class JourneyError(Exception):
    """A domain rule refused the request; the message is meant for the person who asked."""


class TransitionNotAllowed(JourneyError):
    pass


@dataclass(frozen=True)
class Move:
    """One allowed move out of the journey's current state."""

    target: str
    kind: str
    needs_reason: bool = False
    manager_only: bool = False


def allowed_moves(*, stage: str, outcome: str, manager: bool) -> list[Move]:
    """The moves open from a stage/outcome pair: the single table of what may happen.

    Pure, so the board, the admin, seed_demo and the tests ask the same question.
    """
    if outcome == Outcome.POSTPONED:
        return [Move(target=s, kind=EventKind.REOPENED) for s in REOPEN_STAGES]
    if outcome != Outcome.ACTIVE:
        return []
    moves: list[Move] = []
    index = STAGE_ORDER.index(stage)
    if index + 1 < len(STAGE_ORDER):
        moves.append(Move(target=STAGE_ORDER[index + 1], kind=EventKind.ADVANCED))
    else:
        moves.append(Move(target=COMPLETED, kind=EventKind.COMPLETED))
    if manager and index > 0:
        moves.append(
            Move(
                target=STAGE_ORDER[index - 1],
                kind=EventKind.STEPPED_BACK,
                needs_reason=True,
                manager_only=True,
            )
        )
    moves.append(Move(target=LOST, kind=EventKind.LOST, needs_reason=True))
    moves.append(Move(target=POSTPONED, kind=EventKind.POSTPONED, needs_reason=True))
    return moves


def _describe(stage: str, outcome: str) -> str:
    label = Stage(stage).label.lower()
    if outcome == Outcome.ACTIVE:
        return f"in {label}"
    return f"{Outcome(outcome).label.lower()} (last stage {label})"


def _target_label(target: str) -> str:
    if target in STAGE_ORDER:
        return Stage(target).label.lower()
    return f"mark {Outcome(target).label.lower()}"


def _refusal(journey: Journey, target: str, moves: list[Move], manager: bool) -> str:
    state = _describe(journey.stage, journey.outcome)
    if not moves:
        return f"Journey #{journey.pk} is {state}: it is closed and cannot move."
    allowed = ", ".join(_target_label(m.target) for m in moves)
    hint = ""
    stepping_back = (
        target in STAGE_ORDER
        and journey.outcome == Outcome.ACTIVE
        and STAGE_ORDER.index(target) == STAGE_ORDER.index(journey.stage) - 1
    )
    if stepping_back and not manager:
        hint = " Only a manager may step a journey back."
    return (
        f"Journey #{journey.pk} is {state}; it cannot move to {_target_label(target)}. "
        f"Allowed: {allowed}.{hint}"
    )


def journey_move(
    *,
    journey_id: int,
    target: str,
    actor: Actor,
    reason: str = "",
    lost_reason: str = "",
    postponed_until: dt.date | None = None,
    expected_stage: str | None = None,
    at: dt.datetime | None = None,
) -> Journey:
    """Move a journey to `target` (a stage, or lost / postponed / completed).

    One transaction: lock the row, check the move against `allowed_moves`, write the stage
    and outcome and a JourneyEvent, then re-plan the automated messages. Two concurrent
    moves of the same journey serialise on the row lock; the second one sees the first's
    result and is refused with a message naming what is allowed now.

    `expected_stage` lets a caller that showed the user a stage (the board) refuse if the
    journey moved meanwhile instead of silently applying a move to a different state.
    """
    if target not in TARGETS:
        raise TransitionNotAllowed(
            f"Unknown target {target!r}; choose one of: {', '.join(TARGETS)}."
        )
    if expected_stage is not None and expected_stage not in STAGE_ORDER:
        raise TransitionNotAllowed(
            f"Unknown stage {expected_stage!r}; expected one of: {', '.join(STAGE_ORDER)}."
        )
    problem = date_problem(postponed_until)
    if problem:
        raise TransitionNotAllowed(problem)
    manager = is_manager(actor)
    reason = reason.strip()
    now = at or timezone.now()

    with transaction.atomic():
        try:
            journey = Journey.objects.select_for_update().get(pk=journey_id)
        except Journey.DoesNotExist:
            raise JourneyError(f"Journey #{journey_id} does not exist.") from None
        if expected_stage is not None and journey.stage != expected_stage:
            raise TransitionNotAllowed(
                f"Journey #{journey.pk} is now {_describe(journey.stage, journey.outcome)}, "
                f"not {Stage(expected_stage).label.lower()}: someone moved it meanwhile."
            )
        moves = allowed_moves(stage=journey.stage, outcome=journey.outcome, manager=manager)
        move = next((m for m in moves if m.target == target), None)
        if move is None:
            raise TransitionNotAllowed(_refusal(journey, target, moves, manager))
        if move.needs_reason and not reason and target != LOST:
            raise TransitionNotAllowed(f"A reason is required to {_target_label(target)}.")

        from_stage, from_outcome = journey.stage, journey.outcome
        before = snapshot(journey, _MOVED_FIELDS)
        # Reports: the journey's cell in the FunnelDay rollup before the move.
        funnel_before = _funnel_cell(journey)
        update_fields = ["stage", "outcome", "stage_entered_at", "updated_at"]
        if move.kind == EventKind.LOST:
            if lost_reason not in LostReason.values:
                raise TransitionNotAllowed(
                    "A lost reason is required: one of " + ", ".join(LostReason.values) + "."
                )
            journey.outcome = Outcome.LOST
            journey.lost_reason = lost_reason
            journey.closed_at = now
            update_fields += ["lost_reason", "closed_at"]
        elif move.kind == EventKind.POSTPONED:
            if postponed_until is None:
                raise TransitionNotAllowed("A date to re-engage is required to postpone.")
            if postponed_until <= timezone.localdate(now):
                raise TransitionNotAllowed("The re-engage date must be in the future.")
            journey.outcome = Outcome.POSTPONED
            journey.postponed_until = postponed_until
            # Reports: tells "postponed and came back" from "never paused" (reports/).
            journey.times_postponed += 1
            update_fields += ["postponed_until", "times_postponed"]
        elif move.kind == EventKind.COMPLETED:
            journey.outcome = Outcome.COMPLETED
            journey.closed_at = now
            update_fields += ["closed_at"]
        else:
            if move.kind == EventKind.REOPENED:
                journey.outcome = Outcome.ACTIVE
                journey.postponed_until = None
                update_fields += ["postponed_until"]
            journey.stage = target
            journey.stage_entered_at = now
            # Reports: the first entry into each stage, kept for good, so the funnel counts a
            # journey for every stage it reached even after it is lost, postponed or stepped
            # back (reports/). Same transaction and row lock as the stage itself.
            reached_field = STAGE_REACHED_AT[target]
            if getattr(journey, reached_field) is None:
                setattr(journey, reached_field, now)
                update_fields.append(reached_field)

        try:
            # A savepoint, so a clash with the one-active-per-procedure rule (a postponed
            # journey reopened while another is active) is reported, not left half-written.
            with transaction.atomic():
                journey.save(update_fields=update_fields)
        except IntegrityError:
            raise TransitionNotAllowed(
                f"Journey #{journey.pk} cannot reopen: the patient already has an active "
                "journey for this procedure."
            ) from None
        # Reports: move the journey to its new FunnelDay cell, in this transaction, so the
        # funnel totals stay exact without reading every journey (reports/).
        _funnel_days_shift(funnel_before, _funnel_cell(journey))
        event = JourneyEvent.objects.create(
            journey=journey,
            kind=move.kind,
            actor=person(actor),
            from_stage=from_stage,
            to_stage=journey.stage,
            outcome=journey.outcome,
            reason=reason or (LostReason(lost_reason).label if lost_reason else ""),
            data={"from_outcome": from_outcome, **_event_data(journey, move)},
            created_at=now,
        )
        audit_record(
            actor=actor,
            action=Action.CHANGE,
            obj=journey,
            patient_id=journey.patient_id,
            changes=changes_between(before, snapshot(journey, _MOVED_FIELDS)),
            note=f"moved: {move.kind}",
            at=now,
        )
        # Listeners (follow-ups, care...) run here, in this transaction and under the row
        # lock: a rolled-back move schedules nothing and sending only happens after commit.
        hooks.fire(hooks.JOURNEY_MOVED, journey=journey, event=event)
    return journey


# What a move may change, for the audit trail's old and new values.
_MOVED_FIELDS = ("stage", "outcome", "lost_reason", "postponed_until", "closed_at")


def _event_data(journey: Journey, move: Move) -> dict[str, str]:
    if move.kind == EventKind.LOST:
        return {"lost_reason": journey.lost_reason}
    if move.kind == EventKind.POSTPONED and journey.postponed_until:
        return {"postponed_until": journey.postponed_until.isoformat()}
    return {}


_CREATED_FIELDS = (
    "patient",
    "procedure",
    "coordinator",
    "stage",
    "inquiry_received_at",
    "estimated_cost",
    "currency",
)


def journey_create(
    *,
    patient: Patient,
    procedure: Procedure,
    actor: Actor,
    coordinator: User | None = None,
    inquiry_received_at: dt.datetime | None = None,
    estimated_cost: Decimal | None = None,
    currency: str = "EUR",
    note: str = "",
    event_data: dict[str, Any] | None = None,
) -> Journey:
    """Open a new inquiry for a patient. Refused if one is already active for the procedure.
    `event_data` goes on the CREATED event (an import's row number, channel, consents)."""
    now = timezone.now()
    received = inquiry_received_at or now
    with transaction.atomic():
        if journey_has_active(patient=patient, procedure=procedure):
            raise JourneyError(
                f"{patient.full_name} already has an active journey for {procedure.name}."
            )
        try:
            with transaction.atomic():
                journey = Journey.objects.create(
                    patient=patient,
                    procedure=procedure,
                    clinic_id=procedure.clinic_id,
                    coordinator=coordinator,
                    stage=Stage.INQUIRY,
                    outcome=Outcome.ACTIVE,
                    stage_entered_at=received,
                    inquiry_received_at=received,
                    estimated_cost=estimated_cost,
                    currency=currency,
                )
        except IntegrityError:
            # Lost a race with another request creating the same journey.
            raise JourneyError(
                f"{patient.full_name} already has an active journey for {procedure.name}."
            ) from None
        _funnel_days_shift(None, _funnel_cell(journey))  # Reports: count the new inquiry.
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=journey,
            patient_id=patient.pk,
            changes=changes_between({}, snapshot(journey, _CREATED_FIELDS)),
        )
        event = JourneyEvent.objects.create(
            journey=journey,
            kind=EventKind.CREATED,
            actor=person(actor),
            to_stage=Stage.INQUIRY,
            outcome=Outcome.ACTIVE,
            reason=note,
            data=event_data or {},
            created_at=received,
        )
        if coordinator is not None:
            JourneyEvent.objects.create(
                journey=journey,
                kind=EventKind.ASSIGNED,
                actor=person(actor),
                data={"coordinator_id": coordinator.pk, "previous_id": None},
                created_at=received,
            )
        hooks.fire(hooks.JOURNEY_CREATED, journey=journey, event=event)
    return journey


@dataclass(frozen=True)
class PastInquiry:
    """One historical inquiry for journeys_import_history."""

    patient_id: int
    procedure: Procedure
    inquiry_received_at: dt.datetime
    coordinator_id: int | None = None
    note: str = ""
    data: dict[str, Any] | None = None  # more for the CREATED event (the import's row)


def journeys_import_history(*, inquiries: list[PastInquiry], actor: Actor) -> list[Journey]:
    """Write historical inquiries in bulk (a CSV import of another system's past): the rows
    journey_create writes (the journey, its CREATED and ASSIGNED events, the audit entries,
    the FunnelDay counts) in a few INSERTs per thousand, but **no hook fires**.

    That is the point: an inquiry received months ago must not get an acknowledgment,
    nudges or an automatic assignment today, which is what the JOURNEY_CREATED listeners
    would do (like the demo seeder, historical rows are written around them). The events
    carry {"imported": true, "historical": true} so the timeline says why nothing was
    planned. The caller has checked that no active journey exists for each pair; a clash
    that appeared meanwhile fails the whole transaction on the unique index.
    """
    if not inquiries:
        return []
    who = person(actor)
    data = {"imported": True, "historical": True}
    with transaction.atomic():
        journeys = [
            Journey(
                patient_id=item.patient_id,
                procedure=item.procedure,
                clinic_id=item.procedure.clinic_id,
                coordinator_id=item.coordinator_id,
                stage=Stage.INQUIRY,
                outcome=Outcome.ACTIVE,
                stage_entered_at=item.inquiry_received_at,
                inquiry_received_at=item.inquiry_received_at,
            )
            for item in inquiries
        ]
        insert_objects(journeys)
        # Events by COPY (audit.bulk): append-only rows whose ids nobody needs back.
        who_id = who.pk if who is not None else None
        events: list[tuple[Any, ...]] = []
        for journey, item in zip(journeys, inquiries, strict=True):
            events.append(
                (
                    journey.pk,
                    EventKind.CREATED.value,
                    who_id,
                    "",
                    Stage.INQUIRY.value,
                    Outcome.ACTIVE.value,
                    item.note,
                    {**(item.data or {}), **data},
                    item.inquiry_received_at,
                )
            )
            if item.coordinator_id is not None:
                events.append(
                    (
                        journey.pk,
                        EventKind.ASSIGNED.value,
                        who_id,
                        "",
                        "",
                        "",
                        "",
                        {**data, "coordinator_id": item.coordinator_id, "previous_id": None},
                        item.inquiry_received_at,
                    )
                )
        insert_rows(
            JourneyEvent,
            (
                "journey_id",
                "kind",
                "actor_id",
                "from_stage",
                "to_stage",
                "outcome",
                "reason",
                "data",
                "created_at",
            ),
            events,
        )
        # Reports: one upsert per FunnelDay cell with the number of new journeys in it.
        cells: dict[FunnelCell, int] = {}
        for journey in journeys:
            cell = _funnel_cell(journey)
            cells[cell] = cells.get(cell, 0) + 1
        _funnel_days_add(cells)
        audit_record_many(
            actor=actor,
            action=Action.CREATE,
            items=((j, j.patient_id, creation_changes(j, _CREATED_FIELDS)) for j in journeys),
            note="imported (historical)",
        )
    return journeys


def inquiry_open(
    *,
    patient: Patient,
    procedure: Procedure,
    actor: Actor,
    coordinator: User | None = None,
    inquiry_received_at: dt.datetime | None = None,
    note: str = "",
) -> Journey:
    """Open a new inquiry, unless that would hand `actor` a patient they may not see.

    The dashboard's new-inquiry form and the inbox's "create inquiry" (and inbound mail
    from a known sender) come here. When the patient already belongs to another
    coordinator (journeys.selectors.inquiry_routing), the journey goes to that coordinator
    (or a manager), who is told by a note on its timeline; if the patient already has an
    active journey for the procedure, the note goes on that one instead. Either way the
    returned journey is one the actor may not see: callers show a neutral confirmation
    and never its details (a JourneyError naming the patient would give them away)."""
    routing = inquiry_routing(patient_id=patient.pk, actor=actor)
    if not routing.routed:
        return journey_create(
            patient=patient,
            procedure=procedure,
            actor=actor,
            coordinator=coordinator,
            inquiry_received_at=inquiry_received_at,
            note=note,
        )
    filed_by = person(actor)
    who = filed_by.get_username() if filed_by is not None else "an automatic process"
    routed_to = (
        User.objects.filter(pk=routing.coordinator_id).first()
        if routing.coordinator_id is not None
        else None
    )
    with transaction.atomic():
        try:
            journey = journey_create(
                patient=patient,
                procedure=procedure,
                actor=actor,
                coordinator=routed_to,
                inquiry_received_at=inquiry_received_at,
                note=note,
            )
            text = (
                f"New inquiry filed by {who}, who is not this patient's coordinator: it was "
                "routed here and they were told only that it was filed."
            )
        except JourneyError:
            journey = Journey.objects.get(patient=patient, procedure=procedure, outcome="active")
            text = (
                f"Another inquiry for {procedure.name} was filed by {who}, who is not this "
                "patient's coordinator" + (f": “{note.strip()}”" if note.strip() else ".")
            )
        journey_add_note(journey_id=journey.pk, text=text, actor=actor)
    return journey


def journey_assign(*, journey_id: int, coordinator: User | None, actor: Actor) -> Journey:
    with transaction.atomic():
        journey = Journey.objects.select_for_update().get(pk=journey_id)
        previous = journey.coordinator_id
        new = coordinator.pk if coordinator is not None else None
        if previous == new:
            return journey
        journey.coordinator = coordinator
        journey.save(update_fields=["coordinator", "updated_at"])
        audit_record(
            actor=actor,
            action=Action.CHANGE,
            obj=journey,
            patient_id=journey.patient_id,
            changes={"coordinator": [previous, new]},
        )
        JourneyEvent.objects.create(
            journey=journey,
            kind=EventKind.ASSIGNED,
            actor=person(actor),
            data={"coordinator_id": new, "previous_id": previous},
            created_at=timezone.now(),
        )
    return journey


def journey_assign_automatically(
    *, journey: Journey, coordinator_id: int, reason: str, at: dt.datetime | None = None
) -> None:
    """An automatic assignment (intake's rules) of a journey just created, from inside
    journey_create's transaction (a JOURNEY_CREATED listener: the row is ours, locked by
    its insert). Sets the coordinator on `journey` itself, so the listeners after this one
    (followups' planning of the acknowledgment) see who it is. The event carries the
    rule's reason."""
    previous = journey.coordinator_id
    # By id: the rows that need the person (the acknowledgment, rendered when it is sent)
    # load it themselves.
    journey.coordinator_id = coordinator_id
    journey.save(update_fields=["coordinator", "updated_at"])
    audit_record(
        actor=None,
        action=Action.CHANGE,
        obj=journey,
        patient_id=journey.patient_id,
        changes={"coordinator": [previous, coordinator_id]},
        note="assigned automatically",
    )
    JourneyEvent.objects.create(
        journey=journey,
        kind=EventKind.ASSIGNED,
        actor=None,
        reason=reason,
        data={"coordinator_id": coordinator_id, "previous_id": previous, "assignment": "auto"},
        created_at=at or timezone.now(),
    )


# Stages in which the procedure (and with it the clinic) may still change: before the
# patient arrives. From arrival on the treatment is under way at that clinic; a different
# one is a new journey.
PROCEDURE_CHANGE_STAGES = (Stage.INQUIRY.value, Stage.BOOKED.value)


def journey_change_procedure(*, journey_id: int, procedure_id: int, actor: Actor) -> Journey:
    """Change an active journey's procedure, and its clinic to that procedure's, while in
    inquiry or booked (an emailed inquiry is filed under a default procedure until the
    patient confirms theirs).

    Writes a note event with the old and new procedure and clinic. Fires no hook and
    re-plans no message: the stage, its dates and cadence are unchanged, and messages
    render the procedure and clinic names when they are sent, so they already use the
    new ones.
    """
    with transaction.atomic():
        try:
            journey = (
                Journey.objects.select_for_update()
                .select_related("procedure", "clinic")
                .get(pk=journey_id)
            )
        except Journey.DoesNotExist:
            raise JourneyError(f"Journey #{journey_id} does not exist.") from None
        if journey.outcome != Outcome.ACTIVE or journey.stage not in PROCEDURE_CHANGE_STAGES:
            raise JourneyError(
                "The procedure can only be changed before arrival, while the journey is "
                f"an inquiry or booked; this one is {_describe(journey.stage, journey.outcome)}."
            )
        procedure = Procedure.objects.select_related("clinic").filter(pk=procedure_id).first()
        if procedure is None:
            raise JourneyError("That procedure does not exist.")
        if procedure.pk == journey.procedure_id:
            return journey
        old_procedure, old_clinic = journey.procedure, journey.clinic
        journey.procedure, journey.clinic = procedure, procedure.clinic
        try:
            # A savepoint: the unique "one active journey per procedure" may refuse it.
            with transaction.atomic():
                journey.save(update_fields=["procedure", "clinic", "updated_at"])
        except IntegrityError:
            raise JourneyError(
                f"This patient already has an active journey for {procedure.name} at "
                f"{procedure.clinic.name}."
            ) from None
        JourneyEvent.objects.create(
            journey=journey,
            kind=EventKind.NOTE,
            actor=person(actor),
            reason=(
                f"Procedure changed: {old_procedure.name} at {old_clinic.name} → "
                f"{procedure.name} at {procedure.clinic.name}."
            ),
            data={
                "procedure": [old_procedure.pk, procedure.pk],
                "clinic": [old_clinic.pk, procedure.clinic_id],
            },
            created_at=timezone.now(),
        )
    return journey


def journey_add_note(
    *,
    journey_id: int,
    text: str,
    actor: Actor,
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> JourneyEvent:
    """A note on the timeline; `data` marks notes written by a process (intake's
    assignment) so reports can find them."""
    text = text.strip()
    if not text:
        raise JourneyError("A note cannot be empty.")
    return JourneyEvent.objects.create(
        journey_id=journey_id,
        kind=EventKind.NOTE,
        actor=person(actor),
        reason=text,
        data=data or {},
        created_at=at or timezone.now(),
    )


def journey_record_first_response(*, journey_id: int, at: dt.datetime | None = None) -> None:
    """Start-of-conversation clock: only the first response counts, so a conditional UPDATE."""
    Journey.objects.filter(pk=journey_id, first_response_at__isnull=True).update(
        first_response_at=at or timezone.now()
    )


def journey_plan_dates(
    *,
    journey_id: int,
    actor: Actor,
    planned_arrival: dt.date | None,
    planned_procedure: dt.date | None,
    planned_departure: dt.date | None,
) -> Journey:
    """Set the planned arrival, procedure and departure dates and re-plan the check-ins
    anchored on them, in one transaction (a rolled-back change moves no message).

    The change is written to the timeline as a note event carrying the old and new dates.
    """
    dates = {
        "planned_arrival": planned_arrival,
        "planned_procedure": planned_procedure,
        "planned_departure": planned_departure,
    }
    for value in dates.values():
        problem = date_problem(value)
        if problem:
            raise JourneyError(problem)
    if planned_arrival and planned_departure and planned_departure < planned_arrival:
        raise JourneyError("The departure cannot be before the arrival.")
    if planned_procedure and planned_arrival and planned_procedure < planned_arrival:
        raise JourneyError("The procedure cannot be before the arrival.")
    if planned_procedure and planned_departure and planned_departure < planned_procedure:
        raise JourneyError("The departure cannot be before the procedure.")
    with transaction.atomic():
        try:
            journey = Journey.objects.select_for_update().get(pk=journey_id)
        except Journey.DoesNotExist:
            raise JourneyError(f"Journey #{journey_id} does not exist.") from None
        changed = {
            name: (getattr(journey, name), value)
            for name, value in dates.items()
            if getattr(journey, name) != value
        }
        if not changed:
            return journey
        for name, (_, value) in changed.items():
            setattr(journey, name, value)
        journey.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            action=Action.CHANGE,
            obj=journey,
            patient_id=journey.patient_id,
            changes=changes_between(
                {name: old for name, (old, _) in changed.items()},
                {name: new for name, (_, new) in changed.items()},
            ),
        )
        labels = {
            "planned_arrival": "arrival",
            "planned_procedure": "procedure",
            "planned_departure": "departure",
        }
        summary = "; ".join(
            f"{labels[name]} {old.isoformat() if old else 'not set'} → "
            f"{new.isoformat() if new else 'not set'}"
            for name, (old, new) in changed.items()
        )
        JourneyEvent.objects.create(
            journey=journey,
            kind=EventKind.NOTE,
            actor=person(actor),
            reason=f"Planned dates changed: {summary}.",
            data={
                "dates": {
                    name: [
                        old.isoformat() if old else None,
                        new.isoformat() if new else None,
                    ]
                    for name, (old, new) in changed.items()
                }
            },
            created_at=timezone.now(),
        )
        hooks.fire(hooks.DATES_CHANGED, journey=journey, changed=changed)
    return journey


def journey_mark_waiting(*, journey_id: int, at: dt.datetime, patient_replied: bool = True) -> None:
    """The patient wrote (inbound mail): the journey waits for its coordinator from `at`.

    Conditional UPDATEs: an earlier, still unanswered message keeps its place in the
    queue, and only the first reply is the first patient reply. `patient_replied=False`
    for mail that needs a look but is not (yet) the patient's own reply (a new inquiry's
    first email, a reply from another address).
    """
    Journey.objects.filter(pk=journey_id, awaiting_reply_since__isnull=True).update(
        awaiting_reply_since=at
    )
    if patient_replied:
        Journey.objects.filter(pk=journey_id, first_patient_reply_at__isnull=True).update(
            first_patient_reply_at=at
        )


def journey_mark_answered(*, journey_id: int, at: dt.datetime | None = None) -> int:
    """A coordinator answered (an email, a logged call...) or decided no answer is
    needed: the journey leaves the replies-waiting queue. Only a wait that began before
    `at` ends: a reply that arrived after the answer keeps waiting."""
    at = at or timezone.now()
    return Journey.objects.filter(pk=journey_id, awaiting_reply_since__lte=at).update(
        awaiting_reply_since=None
    )


# The stage-entering event kinds; lost/postponed/completed events keep the stage they
# happened in, so they never mark a stage as reached.
_ENTERING_KINDS = (
    EventKind.ADVANCED.value,
    EventKind.STEPPED_BACK.value,
    EventKind.REOPENED.value,
)


def journeys_backfill_reached(*, journey_ids: list[int] | None = None) -> int:
    """Rewrite the stage first-entry times and the postponement count of journeys from their
    events, in one UPDATE per chunk of ids (all journeys when `journey_ids` is None).

    For rows written around journey_move: the demo seeder's bulk writes and repairs. The
    migration that added the columns runs a frozen copy of the same statement. Then
    recounts the FunnelDay rollup, which reads these columns. Returns the number of
    journeys updated.
    """
    journey_table = Journey._meta.db_table
    event_table = JourneyEvent._meta.db_table
    columns = [(field, stage) for stage, field in STAGE_REACHED_AT.items() if stage != "inquiry"]
    selects = ",\n".join(
        f"MIN(created_at) FILTER (WHERE to_stage = '{stage}' AND kind IN "
        f"({', '.join(repr(k) for k in _ENTERING_KINDS)})) AS {field}"
        for field, stage in columns
    )
    sets = ", ".join(f"{field} = ev.{field}" for field, _ in columns)
    # Only our own table, column and choice names go into the text; ids are parameters.
    sql = (
        f"UPDATE {journey_table} SET {sets}, times_postponed = ev.times_postponed "  # noqa: S608
        f"FROM (SELECT journey_id, {selects}, "
        f"COUNT(*) FILTER (WHERE kind = '{EventKind.POSTPONED.value}') AS times_postponed "
        f"FROM {event_table} %s GROUP BY journey_id) AS ev "
        f"WHERE {journey_table}.id = ev.journey_id"
    )
    updated = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if journey_ids is None:
            cursor.execute(sql % "")
            updated = cursor.rowcount
            journeys_rebuild_funnel_days()
            return updated
        # Chunks keep SQLite under its bound-parameter limit.
        for start in range(0, len(journey_ids), 10_000):
            chunk = journey_ids[start : start + 10_000]
            where = f"WHERE journey_id IN ({', '.join(['%s'] * len(chunk))})"
            cursor.execute(sql % where, chunk)
            updated += cursor.rowcount
        journeys_rebuild_funnel_days()
    return updated


# --- The FunnelDay rollup (journeys.models.FunnelDay) -------------------------------------

FunnelCell = tuple[dt.date, int, str, str, bool]


def _funnel_cell(journey: Journey) -> FunnelCell:
    return (
        timezone.localdate(journey.inquiry_received_at, timezone.get_default_timezone()),
        furthest_stage_of(journey),
        journey.outcome,
        journey.lost_reason,
        journey.times_postponed > 0,
    )


def _funnel_days_shift(before: FunnelCell | None, after: FunnelCell | None) -> None:
    """Move one journey from one FunnelDay cell to another, in the caller's transaction.

    An upsert per cell (PostgreSQL and SQLite both have ON CONFLICT). The row stays locked
    until the caller commits; cells are always taken in the same order, so two transitions
    touching the same two cells queue instead of deadlocking."""
    if before == after:
        return
    table = FunnelDay._meta.db_table
    sql = (
        f"INSERT INTO {table} "  # noqa: S608 - our table name; values are parameters
        "(day, furthest_stage, outcome, lost_reason, postponed_ever, journeys) "
        "VALUES (%s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (day, furthest_stage, outcome, lost_reason, postponed_ever) "
        f"DO UPDATE SET journeys = {table}.journeys + excluded.journeys"
    )
    changes = sorted((c, d) for c, d in ((before, -1), (after, 1)) if c is not None)
    with connection.cursor() as cursor:
        for cell, delta in changes:
            cursor.execute(sql, [*cell, delta])


def _funnel_days_add(cells: dict[FunnelCell, int]) -> None:
    """Add journeys to FunnelDay cells ({cell: how many}), in the caller's transaction,
    cells in a fixed order like _funnel_days_shift."""
    table = FunnelDay._meta.db_table
    sql = (
        f"INSERT INTO {table} "  # noqa: S608 - our table name; values are parameters
        "(day, furthest_stage, outcome, lost_reason, postponed_ever, journeys) "
        "VALUES (%s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (day, furthest_stage, outcome, lost_reason, postponed_ever) "
        f"DO UPDATE SET journeys = {table}.journeys + excluded.journeys"
    )
    with connection.cursor() as cursor:
        for cell in sorted(cells):
            cursor.execute(sql, [*cell, cells[cell]])


def journeys_rebuild_funnel_days() -> int:
    """Recount the FunnelDay rollup from the journeys in one aggregate query: after writes
    that went around journey_create/journey_move (the demo seeder, a backfill), after a
    change of TIME_ZONE, or as a repair. Returns the number of rollup rows."""
    tz = timezone.get_default_timezone()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Transitions still in flight finish first; new ones wait for the recount, then
            # apply their change on top of it. (SQLite locks the whole database anyway.)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {FunnelDay._meta.db_table} IN EXCLUSIVE MODE")
        cells = (
            Journey.objects.order_by()
            .values(
                cell_day=TruncDate("inquiry_received_at", tzinfo=tz),
                cell_stage=F("furthest_stage"),
                cell_outcome=F("outcome"),
                cell_reason=F("lost_reason"),
                cell_paused=ExpressionWrapper(
                    Q(times_postponed__gt=0), output_field=BooleanField()
                ),
            )
            .annotate(n=Count("*"))
        )
        rows = [
            FunnelDay(
                day=c["cell_day"],
                furthest_stage=c["cell_stage"],
                outcome=c["cell_outcome"],
                lost_reason=c["cell_reason"],
                postponed_ever=c["cell_paused"],
                journeys=c["n"],
            )
            for c in cells
        ]
        FunnelDay.objects.all().delete()
        FunnelDay.objects.bulk_create(rows, batch_size=5_000)
    return len(rows)


def interaction_log(
    *,
    journey_id: int,
    kind: str,
    summary: str,
    by: Actor,
    direction: str = InteractionDirection.OUTBOUND,
    minutes_spent: int = 0,
    occurred_at: dt.datetime | None = None,
) -> Interaction:
    """Log a call, WhatsApp, meeting, email or note. A coordinator's first outbound contact
    stops the time-to-first-response clock."""
    if kind not in InteractionKind.values:
        raise ValueError(f"Unknown interaction kind {kind!r}.")
    when = occurred_at or timezone.now()
    with transaction.atomic():
        interaction = Interaction.objects.create(
            journey_id=journey_id,
            kind=kind,
            direction=direction,
            summary=summary.strip(),
            minutes_spent=minutes_spent,
            by=person(by),
            occurred_at=when,
        )
        audit_record(
            actor=by,
            action=Action.CREATE,
            obj=interaction,
            patient_id=_patient_of(journey_id),
            changes=changes_between({}, snapshot(interaction, INTERACTION_EDITABLE)),
        )
        if direction == InteractionDirection.OUTBOUND and kind != InteractionKind.NOTE:
            journey_record_first_response(journey_id=journey_id, at=when)
            journey_mark_answered(journey_id=journey_id, at=when)
    return interaction


# The interaction fields staff may correct afterwards (the admin).
INTERACTION_EDITABLE = ("kind", "direction", "summary", "minutes_spent", "occurred_at")


def _patient_of(journey_id: int) -> int:
    return Journey.objects.filter(pk=journey_id).values_list("patient_id", flat=True).get()


def interaction_update(*, interaction_id: int, actor: Actor, **fields: Any) -> Interaction:
    """Correct a logged interaction; the old and new values go to the audit trail."""
    unknown = set(fields) - set(INTERACTION_EDITABLE)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        interaction = Interaction.objects.select_for_update().get(pk=interaction_id)
        before = snapshot(interaction, fields)
        for name, value in fields.items():
            setattr(interaction, name, value)
        changes = changes_between(before, snapshot(interaction, fields))
        if changes:
            interaction.save(update_fields=list(fields))
            audit_record(
                actor=actor,
                action=Action.CHANGE,
                obj=interaction,
                patient_id=_patient_of(interaction.journey_id),
                changes=changes,
            )
    return interaction


# Journey fields staff edit directly (the admin); stage and outcome only move through
# journey_move, the coordinator through journey_assign.
JOURNEY_EDITABLE = (
    "planned_arrival",
    "planned_procedure",
    "planned_departure",
    "estimated_cost",
    "currency",
)


def journey_update(*, journey_id: int, actor: Actor, **fields: Any) -> Journey:
    """Change a journey's plain fields (JOURNEY_EDITABLE), audited with old and new values."""
    unknown = set(fields) - set(JOURNEY_EDITABLE)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        journey = Journey.objects.select_for_update().get(pk=journey_id)
        before = snapshot(journey, fields)
        for name, value in fields.items():
            setattr(journey, name, value)
        changes = changes_between(before, snapshot(journey, fields))
        if changes:
            journey.save(update_fields=[*fields, "updated_at"])
            audit_record(
                actor=actor,
                action=Action.CHANGE,
                obj=journey,
                patient_id=journey.patient_id,
                changes=changes,
            )
    return journey
