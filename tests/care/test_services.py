"""Check-ins, escalations and their notices: rows, events and emails (ESP = locmem)."""

from __future__ import annotations

import datetime as dt

import pytest

from care.models import (
    Answer,
    CheckIn,
    Escalation,
    EscalationNotice,
    EscalationSource,
    NoticeKind,
    NoticeStatus,
)
from care.services import (
    CareError,
    asks_for_help,
    care_dispatch_due,
    checkin_record,
    escalation_acknowledge,
    escalation_open,
    escalation_resolve,
    notice_send,
)
from followups.models import CancelReason, Direction, Message, ScheduledMessage, Status
from journeys.models import Journey, JourneyEvent
from tests.care.conftest import NOW, to_stage

pytestmark = pytest.mark.django_db


def care_events(journey: Journey) -> list[str]:
    return [
        e.data["care"]
        for e in JourneyEvent.objects.filter(journey=journey).order_by("created_at", "id")
        if "care" in e.data
    ]


def test_fine_is_recorded_once_per_nonce_and_writes_an_event(journey, coordinator) -> None:
    first = checkin_record(journey_id=journey.pk, answer=Answer.FINE, nonce="n1", pain=2, now=NOW)
    again = checkin_record(journey_id=journey.pk, answer=Answer.HELP, nonce="n1", now=NOW)
    assert first.created and not again.created
    assert again.checkin.pk == first.checkin.pk and again.checkin.answer == Answer.FINE
    assert CheckIn.objects.filter(journey=journey).count() == 1
    assert care_events(journey) == ["checkin"]
    assert not Escalation.objects.exists()


def test_refuses_unknown_answer_and_pain_out_of_range(journey) -> None:
    with pytest.raises(CareError):
        checkin_record(journey_id=journey.pk, answer="great", nonce="n")
    with pytest.raises(CareError):
        checkin_record(journey_id=journey.pk, answer=Answer.FINE, pain=11, nonce="n")
    assert not CheckIn.objects.exists()


def test_help_opens_an_escalation_with_notices_and_the_coordinator_is_emailed(
    journey, coordinator, manager, outbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        result = checkin_record(
            journey_id=journey.pk, answer=Answer.HELP, nonce="n1", note="bleeding", now=NOW
        )
    escalation = result.escalation
    assert escalation is not None
    assert escalation.source == EscalationSource.CHECKIN
    assert escalation.deadline_at == NOW + dt.timedelta(minutes=15)
    assert escalation.coordinator_id == coordinator.pk
    notices = {(n.kind, n.recipient_id): n for n in EscalationNotice.objects.all()}
    assert notices[(NoticeKind.COORDINATOR, coordinator.pk)].status == NoticeStatus.CLAIMED
    manager_notice = notices[(NoticeKind.MANAGER, manager.pk)]
    assert manager_notice.status == NoticeStatus.PENDING
    assert manager_notice.due_at == escalation.deadline_at
    # The coordinator's notice is enqueued right after commit, not at the next tick.
    assert len(callbacks) == 1
    coordinator_notice = notices[(NoticeKind.COORDINATOR, coordinator.pk)]
    assert notice_send(notice_id=coordinator_notice.pk, now=NOW) == "sent"
    assert [m.to for m in outbox] == [[coordinator.email]]
    assert journey.patient.full_name in outbox[0].subject
    assert "bleeding" not in outbox[0].body  # the patient's words stay in the CRM
    assert care_events(journey) == ["checkin", "escalation_opened"]


def test_pain_at_threshold_escalates_and_below_does_not(journey, settings) -> None:
    settings.CARE_PAIN_THRESHOLD = 7
    low = checkin_record(journey_id=journey.pk, answer=Answer.FINE, pain=6, nonce="a", now=NOW)
    assert low.escalation is None
    high = checkin_record(journey_id=journey.pk, answer=Answer.FINE, pain=7, nonce="b", now=NOW)
    assert high.escalation is not None and high.escalation.source == EscalationSource.PAIN


def test_second_help_while_open_joins_the_open_escalation(journey) -> None:
    one = checkin_record(journey_id=journey.pk, answer=Answer.HELP, nonce="a", now=NOW)
    two = checkin_record(
        journey_id=journey.pk, answer=Answer.HELP, nonce="b", now=NOW + dt.timedelta(minutes=2)
    )
    assert one.escalation is not None and two.escalation is not None
    assert one.escalation.pk == two.escalation.pk
    assert Escalation.objects.count() == 1
    assert "escalation_repeated" in care_events(journey)


def test_nobody_acknowledges_then_the_managers_get_the_email_after_the_deadline(
    journey, coordinator, manager, outbox, eager, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        escalation = escalation_open(journey=journey, source=EscalationSource.CHECKIN, now=NOW)
    assert [m.to for m in outbox] == [[coordinator.email]]
    # One minute before the deadline: nothing more.
    care_dispatch_due(now=escalation.deadline_at - dt.timedelta(minutes=1), send_inline=True)
    assert len(outbox) == 1
    result = care_dispatch_due(now=escalation.deadline_at, send_inline=True)
    assert result.notices == 1
    assert [m.to for m in outbox] == [[coordinator.email], [manager.email]]
    assert outbox[1].subject.startswith("Not acknowledged")
    assert "escalation_to_manager" in care_events(journey)
    # A second tick sends nothing again.
    care_dispatch_due(now=escalation.deadline_at + dt.timedelta(minutes=5), send_inline=True)
    assert len(outbox) == 2


def test_acknowledging_in_time_cancels_the_managers_email(
    journey, coordinator, manager, outbox, eager, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        escalation = escalation_open(journey=journey, source=EscalationSource.CHECKIN, now=NOW)
    escalation_acknowledge(
        escalation_id=escalation.pk, actor=coordinator, now=NOW + dt.timedelta(minutes=3)
    )
    care_dispatch_due(now=NOW + dt.timedelta(hours=1), send_inline=True)
    assert [m.to for m in outbox] == [[coordinator.email]]
    assert EscalationNotice.objects.get(kind=NoticeKind.MANAGER).status == NoticeStatus.CANCELLED
    escalation.refresh_from_db()
    assert escalation.acknowledged_by == coordinator
    assert escalation.acknowledged_at == NOW + dt.timedelta(minutes=3)


def test_resolve_needs_a_note_and_records_each_step(journey, coordinator) -> None:
    escalation = escalation_open(journey=journey, source=EscalationSource.CHECKIN, now=NOW)
    with pytest.raises(CareError):
        escalation_resolve(escalation_id=escalation.pk, actor=coordinator, note="  ")
    escalation_resolve(
        escalation_id=escalation.pk,
        actor=coordinator,
        note="Called, doctor visited",
        now=NOW + dt.timedelta(minutes=20),
    )
    escalation.refresh_from_db()
    assert escalation.resolved_at == NOW + dt.timedelta(minutes=20)
    assert escalation.acknowledged_at == NOW + dt.timedelta(minutes=20)
    assert escalation.resolution == "Called, doctor visited"
    assert care_events(journey) == [
        "escalation_opened",
        "escalation_acknowledged",
        "escalation_resolved",
    ]
    # Resolved: a new "help" opens a new escalation.
    again = escalation_open(
        journey=journey, source=EscalationSource.CHECKIN, now=NOW + dt.timedelta(hours=1)
    )
    assert again.pk != escalation.pk


def test_unassigned_journey_goes_to_every_manager_at_once(
    patient, procedure, manager, outbox, eager, django_capture_on_commit_callbacks
) -> None:
    from journeys.services import journey_create

    journey = journey_create(patient=patient, procedure=procedure, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        escalation_open(journey=journey, source=EscalationSource.CHECKIN, now=NOW)
    assert [m.to for m in outbox] == [[manager.email]]


def test_question_puts_the_journey_on_replies_waiting(journey, coordinator) -> None:
    checkin_record(
        journey_id=journey.pk, answer=Answer.QUESTION, nonce="q", note="Can I shower?", now=NOW
    )
    journey.refresh_from_db()
    assert journey.awaiting_reply_since == NOW
    event = JourneyEvent.objects.filter(journey=journey, data__care="checkin").get()
    assert "Can I shower?" in event.reason
    # Replies waiting shows it like an emailed question, with the note.
    from followups.selectors import replies_waiting_for

    [waiting] = list(replies_waiting_for(coordinator))
    assert waiting.pk == journey.pk
    assert waiting.latest_reply_subject == "Question from the patient's page"
    message = Message.objects.get(journey=journey, direction=Direction.IN)
    assert message.text_reply == "Can I shower?" and message.counts_as_reply


def test_fine_twice_in_procedure_makes_comfort_every_other_day(
    defaults, journey, coordinator
) -> None:
    journey = to_stage(journey, "procedure", actor=coordinator, at=NOW - dt.timedelta(days=1))
    pending = ScheduledMessage.objects.filter(
        journey=journey, rule__key="procedure_comfort", status=Status.PENDING
    ).order_by("due_at")
    before = list(pending.values_list("pk", flat=True))
    assert len(before) >= 4
    checkin_record(journey_id=journey.pk, answer=Answer.FINE, nonce="a", now=NOW)
    assert pending.count() == len(before)  # once is not enough
    checkin_record(journey_id=journey.pk, answer=Answer.FINE, nonce="b", now=NOW)
    kept = list(pending.values_list("pk", flat=True))
    assert kept == before[::2]
    thinned = ScheduledMessage.objects.filter(cancelled_reason=CancelReason.LESS_OFTEN)
    assert thinned.count() == len(before) - len(kept)
    # A third "fine" does not thin again.
    checkin_record(journey_id=journey.pk, answer=Answer.FINE, nonce="c", now=NOW)
    assert list(pending.values_list("pk", flat=True)) == kept


def test_comfort_series_ends_at_departure_or_after_14(defaults, journey, coordinator) -> None:
    from journeys.services import journey_plan_dates

    journey_plan_dates(
        journey_id=journey.pk,
        actor=coordinator,
        planned_arrival=dt.date(2026, 11, 27),
        planned_procedure=dt.date(2026, 11, 28),
        planned_departure=dt.date(2026, 12, 4),
    )
    journey = to_stage(journey, "procedure", actor=coordinator, at=NOW)
    comfort = ScheduledMessage.objects.filter(journey=journey, rule__key="procedure_comfort")
    assert comfort.count() == 3  # 1, 2 and 3 December; none on departure day
    other = to_stage(
        Journey.objects.create(
            patient=journey.patient,
            procedure=journey.procedure.__class__.objects.create(
                name="Rhinoplasty", clinic=journey.clinic
            ),
            clinic=journey.clinic,
            stage="arrival",
            stage_entered_at=NOW,
            inquiry_received_at=NOW,
        ),
        "procedure",
        actor=coordinator,
    )
    assert (
        ScheduledMessage.objects.filter(journey=other, rule__key="procedure_comfort").count() == 14
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I need help, the pain is bad", True),
        ("i NEED HELP", True),
        ("Necesito ayuda por favor", True),
        ("Ich brauche Hilfe!", True),
        ("Ich brauche keine Hilfe", False),
        ("I don't need help", False),
        ("NECESITO AYÚDA", True),
        ("All good, thanks for the help", False),
    ],
)
def test_help_phrases(text: str, expected: bool) -> None:
    assert asks_for_help(text) is expected
