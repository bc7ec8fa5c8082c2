"""Every write of the care app: check-ins, escalations and their notices, page links,
after-care plans and steps. Keyword-only `<noun>_<verb>` functions; each patient action
also writes a JourneyEvent (kind "note", data["care"] names the action) so it shows on
the coordinator's timeline.

Sending happens only after commit, from care's beat entry and thin tasks (care.tasks);
delays (the managers' deadline, a step's email day) live in PostgreSQL as due times.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from care import emails
from care.models import (
    AfterCarePlan,
    Answer,
    CareAccess,
    CheckIn,
    EmailStatus,
    Escalation,
    EscalationNotice,
    EscalationSource,
    JourneyStep,
    NoticeKind,
    NoticeStatus,
    StepAnchor,
    StepStatus,
)
from crm.roles import MANAGER, Actor, person
from followups.scheduling import date_midnight, next_in_window, zone
from followups.services import (
    FollowupError,
    message_record_from_patient,
    message_send_one_off,
    messages_thin_series,
)
from journeys.models import EventKind, Journey, JourneyEvent, Outcome, Stage
from journeys.services import JourneyError, journey_mark_waiting

log = logging.getLogger(__name__)

# A claim older than this is returned to pending (its worker died or the task was lost).
CLAIM_TIMEOUT = dt.timedelta(minutes=5)
# A notice that failed this many times stays failed (the escalation is on My day anyway).
MAX_NOTICE_ATTEMPTS = 5
# After-care step emails go out in the patient's morning-to-evening window, every day.
STEP_WINDOW = (dt.time(9, 0), dt.time(18, 0))
ALL_DAYS = 0b1111111
# The procedure stage's comfort check-in (followups' default cadence rule).
COMFORT_RULE = "procedure_comfort"


class CareError(JourneyError):
    """A care rule refused the request; the message is meant for the person who asked."""


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _event(
    *, journey_id: int, action: str, text: str, actor: Actor, at: dt.datetime, **data: Any
) -> JourneyEvent:
    return JourneyEvent.objects.create(
        journey_id=journey_id,
        kind=EventKind.NOTE,
        actor=person(actor),
        reason=text,
        data={"care": action, **data},
        created_at=at,
    )


# --- Page links -------------------------------------------------------------------------


def care_links_revoke(*, journey_id: int, actor: Actor, now: dt.datetime | None = None) -> int:
    """Invalidate every page link issued so far for the journey (the next email carries a
    new one). Returns the new version."""
    now = _now(now)
    with transaction.atomic():
        access, _ = CareAccess.objects.select_for_update().get_or_create(journey_id=journey_id)
        access.version += 1
        access.revoked_at = now
        access.revoked_by = person(actor)
        access.save()
        _event(
            journey_id=journey_id,
            action="links_revoked",
            text="Links to the patient's page revoked; older emails' links no longer open it.",
            actor=actor,
            at=now,
        )
    return access.version


# --- Check-ins --------------------------------------------------------------------------


@dataclass
class CheckInResult:
    checkin: CheckIn
    created: bool
    escalation: Escalation | None


def _opens_escalation(answer: str, pain: int | None) -> bool:
    return answer == Answer.HELP or (pain is not None and pain >= settings.CARE_PAIN_THRESHOLD)


def checkin_record(
    *,
    journey_id: int,
    answer: str,
    nonce: str,
    pain: int | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> CheckInResult:
    """Record the patient's answer from their page. Idempotent on `nonce` (the form's
    one-time key): the same tap twice returns the first answer and changes nothing.

    "I need help now", or pain at/above CARE_PAIN_THRESHOLD, opens an escalation;
    "I have a question" puts the journey on Replies waiting; two "I'm fine" in a row
    make the comfort check-ins every other day."""
    if answer not in Answer.values:
        raise CareError("Please choose one of the answers.")
    if pain is not None and not 0 <= pain <= 10:
        raise CareError("The pain score goes from 0 to 10.")
    if not nonce or len(nonce) > 64:
        raise CareError("This form has expired; please open the page again.")
    note = note.strip()[:2000]
    now = _now(now)
    existing = CheckIn.objects.filter(journey_id=journey_id, nonce=nonce).first()
    if existing is not None:
        return CheckInResult(checkin=existing, created=False, escalation=None)
    with transaction.atomic():
        # The journey's row lock orders two answers of the same patient (two tabs).
        journey = Journey.objects.select_for_update().select_related("patient").get(pk=journey_id)
        try:
            with transaction.atomic():
                checkin = CheckIn.objects.create(
                    journey=journey,
                    answer=answer,
                    pain=pain,
                    note=note,
                    nonce=nonce,
                    created_at=now,
                )
        except IntegrityError:
            # The same tap arrived twice at once; the first one recorded it.
            return CheckInResult(
                checkin=CheckIn.objects.get(journey_id=journey_id, nonce=nonce),
                created=False,
                escalation=None,
            )
        label = Answer(answer).label
        parts = [f"Patient's check-in: {label}"]
        if pain is not None:
            parts.append(f"pain {pain}/10")
        text = ", ".join(parts) + (f". Note: {note}" if note else ".")
        _event(
            journey_id=journey.pk,
            action="checkin",
            text=text,
            actor=None,
            at=now,
            answer=answer,
            pain=pain,
            checkin_id=checkin.pk,
        )
        escalation = None
        if _opens_escalation(answer, pain):
            source = EscalationSource.CHECKIN if answer == Answer.HELP else EscalationSource.PAIN
            escalation = escalation_open(
                journey=journey, source=source, pain=pain, note=note, checkin=checkin, now=now
            )
        elif answer == Answer.QUESTION:
            # On Replies waiting like an emailed question, with the note as the message.
            message_record_from_patient(
                journey_id=journey.pk,
                subject="Question from the patient's page",
                text=note or "(no text: please call or write to the patient)",
                at=now,
            )
            journey_mark_waiting(journey_id=journey.pk, at=now, patient_replied=True)
        elif answer == Answer.FINE:
            _comfort_slow_down_if_fine(journey=journey, now=now)
    return CheckInResult(checkin=checkin, created=True, escalation=escalation)


def _comfort_slow_down_if_fine(*, journey: Journey, now: dt.datetime) -> None:
    """Two "I'm fine" in a row during the procedure stage: the daily comfort check-in
    becomes every other day. The cadence rule stays data (followups); this cancels every
    second pending occurrence with the reason "less_often", which re-planning never undoes."""
    if journey.stage != Stage.PROCEDURE:
        return
    last_two = list(CheckIn.objects.filter(journey=journey).order_by("-created_at", "-id")[:2])
    if len(last_two) < 2 or any(c.answer != Answer.FINE for c in last_two):
        return
    thinned = messages_thin_series(
        journey_id=journey.pk, rule_key=COMFORT_RULE, keep_every=2, now=now
    )
    if thinned:
        _event(
            journey_id=journey.pk,
            action="comfort_less_often",
            text="Fine twice in a row: comfort check-ins now every other day.",
            actor=None,
            at=now,
            cancelled=thinned,
        )


# --- Escalations ------------------------------------------------------------------------


def _managers() -> list[User]:
    return list(
        User.objects.filter(is_active=True, groups__name=MANAGER).exclude(email="").distinct()
    )


def escalation_open(
    *,
    journey: Journey,
    source: str,
    pain: int | None = None,
    note: str = "",
    checkin: CheckIn | None = None,
    now: dt.datetime | None = None,
) -> Escalation:
    """Open an escalation (in the caller's transaction), or join the one already open.

    Its notices are rows: the coordinator's is due now (claimed and sent right after
    commit), the managers' at the deadline; acknowledging cancels the managers'. A journey
    without a coordinator goes to every manager at once."""
    now = _now(now)
    with transaction.atomic():
        current = (
            Escalation.objects.select_for_update()
            .filter(journey_id=journey.pk, resolved_at__isnull=True)
            .first()
        )
        if current is not None:
            _event(
                journey_id=journey.pk,
                action="escalation_repeated",
                text="The patient asked for help again (escalation still open).",
                actor=None,
                at=now,
                escalation_id=current.pk,
            )
            return current
        deadline = now + dt.timedelta(minutes=settings.CARE_ESCALATION_MINUTES)
        escalation = Escalation.objects.create(
            journey_id=journey.pk,
            source=source,
            coordinator_id=journey.coordinator_id,
            clinic_id=journey.clinic_id,
            pain=pain,
            note=note,
            checkin=checkin,
            opened_at=now,
            deadline_at=deadline,
        )
        notices: list[EscalationNotice] = []
        managers = _managers()
        coordinator = journey.coordinator
        notified = coordinator is not None and coordinator.is_active and bool(coordinator.email)
        if coordinator is not None and notified:
            notices.append(
                EscalationNotice(
                    escalation=escalation,
                    kind=NoticeKind.COORDINATOR,
                    recipient=coordinator,
                    due_at=now,
                )
            )
            manager_due = deadline
        else:
            manager_due = now
        notices += [
            EscalationNotice(
                escalation=escalation, kind=NoticeKind.MANAGER, recipient=m, due_at=manager_due
            )
            for m in managers
            if not (notified and coordinator is not None and m.pk == coordinator.pk)
        ]
        EscalationNotice.objects.bulk_create(notices)
        what = EscalationSource(source).label
        _event(
            journey_id=journey.pk,
            action="escalation_opened",
            text=f"Needs help now ({what}"
            + (f", pain {pain}/10" if pain is not None else "")
            + f"). Managers are told at {timezone.localtime(deadline):%H:%M} if nobody "
            "acknowledges.",
            actor=None,
            at=now,
            escalation_id=escalation.pk,
        )
        _claim_notices_now(escalation_id=escalation.pk, now=now)
    return escalation


def escalation_acknowledge(
    *, escalation_id: int, actor: Actor, now: dt.datetime | None = None
) -> Escalation:
    """Someone is on it: stops the clock for the managers' email. Idempotent."""
    now = _now(now)
    with transaction.atomic():
        escalation = Escalation.objects.select_for_update().get(pk=escalation_id)
        if escalation.acknowledged_at is not None:
            return escalation
        escalation.acknowledged_at = now
        escalation.acknowledged_by = person(actor)
        escalation.save(update_fields=["acknowledged_at", "acknowledged_by"])
        EscalationNotice.objects.filter(
            escalation=escalation, kind=NoticeKind.MANAGER, status=NoticeStatus.PENDING
        ).update(status=NoticeStatus.CANCELLED)
        minutes = int((now - escalation.opened_at).total_seconds() // 60)
        _event(
            journey_id=escalation.journey_id,
            action="escalation_acknowledged",
            text=f"Escalation acknowledged after {minutes} min.",
            actor=actor,
            at=now,
            escalation_id=escalation.pk,
        )
    return escalation


def escalation_resolve(
    *, escalation_id: int, actor: Actor, note: str, now: dt.datetime | None = None
) -> Escalation:
    """Closed with what was done (required). Resolving acknowledges it too if nobody had."""
    note = note.strip()
    if not note:
        raise CareError("Say in a few words what was done before resolving.")
    now = _now(now)
    with transaction.atomic():
        escalation = escalation_acknowledge(escalation_id=escalation_id, actor=actor, now=now)
        escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
        if escalation.resolved_at is not None:
            return escalation
        escalation.resolved_at = now
        escalation.resolved_by = person(actor)
        escalation.resolution = note
        escalation.save(update_fields=["resolved_at", "resolved_by", "resolution"])
        EscalationNotice.objects.filter(escalation=escalation, status=NoticeStatus.PENDING).update(
            status=NoticeStatus.CANCELLED
        )
        _event(
            journey_id=escalation.journey_id,
            action="escalation_resolved",
            text=f"Escalation resolved: {note}",
            actor=actor,
            at=now,
            escalation_id=escalation.pk,
        )
    return escalation


def _enqueue_notices(ids: list[int]) -> None:
    """After commit. Never raises: if the broker is down the rows stay claimed and the
    next dispatch returns them (CLAIM_TIMEOUT)."""
    from care.tasks import send_notice

    for pk in ids:
        try:
            send_notice.apply_async((pk,), retry=False)
        except Exception:  # noqa: BLE001
            log.warning("Broker unavailable: escalation notice %d waits for the reaper.", pk)
            return


def _enqueue_step_emails(ids: list[int]) -> None:
    from care.tasks import send_step_email

    for pk in ids:
        try:
            send_step_email.apply_async((pk,), retry=False)
        except Exception:  # noqa: BLE001
            log.warning("Broker unavailable: after-care email %d waits for the reaper.", pk)
            return


def _claim_notices_now(*, escalation_id: int, now: dt.datetime) -> None:
    ids = list(
        EscalationNotice.objects.filter(
            escalation_id=escalation_id, status=NoticeStatus.PENDING, due_at__lte=now
        ).values_list("pk", flat=True)
    )
    if ids:
        EscalationNotice.objects.filter(pk__in=ids, status=NoticeStatus.PENDING).update(
            status=NoticeStatus.CLAIMED, claimed_at=timezone.now()
        )
        transaction.on_commit(partial(_enqueue_notices, ids))


@dataclass
class CareDispatch:
    notices: int = 0
    steps: int = 0
    reaped: int = 0


def care_dispatch_due(*, now: dt.datetime | None = None, send_inline: bool = False) -> CareDispatch:
    """The beat entry: return stale claims, claim due escalation notices and after-care
    emails (SKIP LOCKED), and send them after commit (inline for `send_inline`)."""
    now = _now(now)
    result = CareDispatch()
    stale = timezone.now() - CLAIM_TIMEOUT
    result.reaped += EscalationNotice.objects.filter(
        status=NoticeStatus.CLAIMED, claimed_at__lt=stale
    ).update(status=NoticeStatus.PENDING)
    result.reaped += JourneyStep.objects.filter(
        email_status=EmailStatus.CLAIMED, email_claimed_at__lt=stale
    ).update(email_status=EmailStatus.PENDING)
    with transaction.atomic():
        notice_ids = list(
            EscalationNotice.objects.select_for_update(skip_locked=True)
            .filter(status=NoticeStatus.PENDING, due_at__lte=now)
            .values_list("pk", flat=True)[:500]
        )
        EscalationNotice.objects.filter(pk__in=notice_ids).update(
            status=NoticeStatus.CLAIMED, claimed_at=timezone.now()
        )
        step_ids = list(
            JourneyStep.objects.select_for_update(skip_locked=True)
            .filter(email_status=EmailStatus.PENDING, email_due_at__lte=now)
            .values_list("pk", flat=True)[:500]
        )
        JourneyStep.objects.filter(pk__in=step_ids).update(
            email_status=EmailStatus.CLAIMED, email_claimed_at=timezone.now()
        )
        if not send_inline:
            transaction.on_commit(partial(_enqueue_notices, notice_ids))
            transaction.on_commit(partial(_enqueue_step_emails, step_ids))
    if send_inline:
        for pk in notice_ids:
            notice_send(notice_id=pk, now=now)
        for pk in step_ids:
            step_email_send(journey_step_id=pk, now=now)
    result.notices, result.steps = len(notice_ids), len(step_ids)
    return result


def notice_send(*, notice_id: int, now: dt.datetime | None = None) -> str:
    """Send one claimed notice. A manager's notice for an escalation acknowledged since is
    cancelled instead. A duplicate task finds the row sent and does nothing."""
    now = _now(now)
    with transaction.atomic():
        notice = (
            EscalationNotice.objects.select_for_update(skip_locked=True)
            .select_related("escalation__journey__patient", "recipient")
            .filter(pk=notice_id, status=NoticeStatus.CLAIMED)
            .first()
        )
        if notice is None:
            return "skipped"
        escalation = notice.escalation
        if escalation.resolved_at is not None or (
            notice.kind == NoticeKind.MANAGER
            and escalation.acknowledged_at is not None
            and escalation.coordinator_id is not None
        ):
            notice.status = NoticeStatus.CANCELLED
            notice.save(update_fields=["status"])
            return "cancelled"
        # Sent while holding the row: a second task for it waits or skips; at most one
        # email per notice unless the process dies between the send and the commit.
        try:
            emails.escalation_notice(notice=notice).send(using="default")
        except Exception as exc:  # noqa: BLE001
            log.warning("Escalation notice %d failed: %s", notice.pk, type(exc).__name__)
            notice.attempts += 1
            notice.status = (
                NoticeStatus.FAILED
                if notice.attempts >= MAX_NOTICE_ATTEMPTS
                else NoticeStatus.PENDING
            )
            notice.due_at = now + dt.timedelta(minutes=1)
            notice.save(update_fields=["attempts", "status", "due_at"])
            return "retry"
        notice.status = NoticeStatus.SENT
        notice.sent_at = now
        notice.save(update_fields=["status", "sent_at"])
        if notice.kind == NoticeKind.MANAGER and escalation.acknowledged_at is None:
            _event(
                journey_id=escalation.journey_id,
                action="escalation_to_manager",
                text=f"Nobody acknowledged in time: {notice.recipient.get_username()} "
                "(manager) emailed.",
                actor=None,
                at=now,
                escalation_id=escalation.pk,
            )
    return "sent"


# --- After-care plans -------------------------------------------------------------------


def plan_for(journey: Journey) -> AfterCarePlan | None:
    """The journey's plan: one tied to its Procedure row, else one for the procedure's name."""
    plans = AfterCarePlan.objects.filter(active=True)
    own = plans.filter(procedure_id=journey.procedure_id).first()
    if own is not None:
        return own
    return plans.filter(
        procedure__isnull=True, procedure_name__iexact=journey.procedure.name
    ).first()


def _anchor_date(journey: Journey, anchor: str) -> dt.date:
    """The date a step counts from. The procedure: its planned date, else the day the
    journey entered the procedure stage. The departure: its planned date, else the day
    the journey entered follow-up, else the procedure date plus the procedure's typical
    stay. Today if nothing is known."""
    tz = zone(journey.patient.timezone)

    def day(value: dt.datetime | None) -> dt.date | None:
        return value.astimezone(tz).date() if value else None

    procedure = journey.planned_procedure or day(journey.procedure_at)
    if anchor == StepAnchor.DEPARTURE:
        departure = journey.planned_departure or day(journey.followup_at)
        if departure is None and procedure is not None:
            departure = procedure + dt.timedelta(days=journey.procedure.typical_stay_days or 0)
        return departure or timezone.now().astimezone(tz).date()
    return procedure or timezone.now().astimezone(tz).date()


def _email_due(journey: Journey, due_on: dt.date, now: dt.datetime) -> dt.datetime | None:
    """9:00 in the patient's time zone on the step's day; a day already past gets no email
    (the page still shows the step)."""
    tz = zone(journey.patient.timezone)
    start, end = STEP_WINDOW
    due = next_in_window(
        date_midnight(due_on, tz), tz, start=start, end=end, weekdays_mask=ALL_DAYS
    )
    if due.astimezone(tz).date() < now.astimezone(tz).date():
        return None
    return max(due, now)


def plan_instantiate(*, journey: Journey, now: dt.datetime | None = None) -> int:
    """Write the journey's steps from its procedure's plan (in the caller's transaction).
    Idempotent: a step already there keeps its answer; steps are re-dated only while open
    and not yet emailed. Entering the procedure stage writes the whole plan, so steps
    before departure are there in time; entering follow-up re-dates against the dates
    known by then. Returns the number of new steps."""
    now = _now(now)
    plan = plan_for(journey)
    if plan is None:
        return 0
    existing = {s.step_id: s for s in JourneyStep.objects.filter(journey=journey)}
    created: list[JourneyStep] = []
    for step in plan.steps.all():
        due_on = _anchor_date(journey, step.anchor) + dt.timedelta(days=step.day_offset)
        email_due = _email_due(journey, due_on, now)
        row = existing.get(step.pk)
        if row is None:
            created.append(
                JourneyStep(
                    journey=journey,
                    step=step,
                    due_on=due_on,
                    must_confirm=step.must_confirm,
                    email_status=EmailStatus.PENDING if email_due else EmailStatus.NONE,
                    email_due_at=email_due,
                    created_at=now,
                )
            )
        elif (
            row.status == StepStatus.OPEN
            and row.email_status in (EmailStatus.PENDING, EmailStatus.NONE)
            and row.due_on != due_on
        ):
            JourneyStep.objects.filter(pk=row.pk, email_status=row.email_status).update(
                due_on=due_on,
                email_status=EmailStatus.PENDING if email_due else EmailStatus.NONE,
                email_due_at=email_due,
            )
    # No event of its own: the steps show in the journey page's Care panel, and the move
    # that wrote them stays the journey's latest event.
    JourneyStep.objects.bulk_create(created, ignore_conflicts=True)
    return len(created)


def steps_cancel_emails(*, journey_id: int) -> int:
    """The journey closed: after-care emails not sent yet are cancelled."""
    return JourneyStep.objects.filter(
        journey_id=journey_id, email_status=EmailStatus.PENDING
    ).update(email_status=EmailStatus.CANCELLED)


def on_journey_moved(*, journey: Journey, event: JourneyEvent) -> None:
    """journeys.hooks JOURNEY_MOVED listener (order 200): entering the procedure or
    follow-up stage writes the after-care plan; closing the journey stops its emails.
    (Completing with open steps is asked for in the dashboard before the move.)"""
    if journey.outcome != Outcome.ACTIVE:
        steps_cancel_emails(journey_id=journey.pk)
        return
    if journey.stage in (Stage.PROCEDURE, Stage.FOLLOWUP) and event.kind in (
        EventKind.ADVANCED,
        EventKind.STEPPED_BACK,
        EventKind.REOPENED,
    ):
        plan_instantiate(journey=journey, now=event.created_at)


def on_dates_changed(*, journey: Journey, changed: dict[str, Any]) -> None:
    """journeys.hooks DATES_CHANGED listener: open steps follow the new dates."""
    if (
        journey.is_active
        and journey.stage in (Stage.PROCEDURE, Stage.FOLLOWUP)
        and JourneyStep.objects.filter(journey=journey).exists()
    ):
        plan_instantiate(journey=journey)


def step_answer(
    *,
    journey_step_id: int,
    journey_id: int,
    problem: bool,
    note: str = "",
    now: dt.datetime | None = None,
) -> tuple[JourneyStep, Escalation | None]:
    """The patient pressed "Done" or "I have a problem" on a step of their own journey.
    Idempotent: an answered step keeps its first answer. A problem opens an escalation."""
    now = _now(now)
    note = note.strip()[:2000]
    with transaction.atomic():
        journey = (
            Journey.objects.select_for_update(of=("self",))
            .select_related("coordinator")
            .get(pk=journey_id)
        )
        row = (
            JourneyStep.objects.select_for_update()
            .select_related("step")
            .filter(pk=journey_step_id, journey_id=journey_id)
            .first()
        )
        if row is None:
            raise CareError("This step is not part of your plan.")
        if row.status != StepStatus.OPEN:
            return row, None
        row.status = StepStatus.PROBLEM if problem else StepStatus.DONE
        row.answered_at = now
        row.save(update_fields=["status", "answered_at"])
        title = row.step.title_en
        _event(
            journey_id=journey_id,
            action="step_problem" if problem else "step_done",
            text=(
                f"After-care step “{title}”: the patient reports a problem"
                + (f". Note: {note}" if note else ".")
                if problem
                else f"After-care step “{title}” done."
            ),
            actor=None,
            at=now,
            journey_step_id=row.pk,
            late=row.due_on < now.astimezone(zone(settings.TIME_ZONE)).date(),
        )
        escalation = None
        if problem:
            escalation = escalation_open(
                journey=journey,
                source=EscalationSource.STEP,
                note=f"{title}: {note}" if note else title,
                now=now,
            )
    return row, escalation


def step_email_send(*, journey_step_id: int, now: dt.datetime | None = None) -> str:
    """Send one claimed after-care step email through followups' one-off path (same
    reply-to, layout and Message record on the journey)."""
    now = _now(now)
    # Marked sent before sending (at most once, unlike followups' at least once): a crash
    # in between loses this reminder, never doubles it; the step stays on the page and
    # My day flags it if it is not confirmed.
    won = JourneyStep.objects.filter(pk=journey_step_id, email_status=EmailStatus.CLAIMED).update(
        email_status=EmailStatus.SENT, email_sent_at=now
    )
    if not won:
        return "skipped"
    row = JourneyStep.objects.select_related("step", "journey__patient").get(pk=journey_step_id)
    journey = row.journey
    if not journey.is_active:
        JourneyStep.objects.filter(pk=row.pk).update(email_status=EmailStatus.CANCELLED)
        return "cancelled"
    subject, text = emails.step_email(row=row)
    try:
        message_send_one_off(journey_id=journey.pk, actor=None, subject=subject, text=text, now=now)
    except FollowupError as exc:
        log.warning("After-care email %d failed: %s", row.pk, type(exc).__name__)
        JourneyStep.objects.filter(pk=row.pk).update(email_status=EmailStatus.FAILED)
        return "failed"
    return "sent"


# --- Replies by email -------------------------------------------------------------------

# "I need help" in each language the emails are written in, and close variants; matched
# on what the patient wrote above the quoted email, accents and case ignored.
HELP_PHRASES = (
    "i need help",
    "need help now",
    "help me",
    "necesito ayuda",
    "ayudenme",
    "ayudame",
    "ich brauche hilfe",
    "brauche hilfe",
    "hilfe bitte",
)


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in folded if not unicodedata.combining(c)).split())


def asks_for_help(text: str) -> bool:
    plain = _plain(text)
    return any(phrase in plain for phrase in HELP_PHRASES)


def on_inbound_reply(*, message: Any, journey: Journey) -> None:
    """followups.hooks INBOUND_REPLY_STORED listener: the patient's own reply saying "I need
    help" (in any offered language) opens an escalation like the button does."""
    if not message.counts_as_reply or not journey.is_active:
        return
    if asks_for_help(message.text_reply or ""):
        escalation_open(
            journey=journey,
            source=EscalationSource.EMAIL,
            note=(message.text_reply or "")[:500],
        )
