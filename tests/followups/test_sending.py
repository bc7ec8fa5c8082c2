"""Sending: exactly once per scheduled row, in the patient's language, with our headers;
transient failures retry through due_at, then fail for the coordinator."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from crm.models import Patient, Procedure
from followups.models import (
    CancelReason,
    Direction,
    Message,
    MessageTemplate,
    ScheduledMessage,
    Status,
)
from followups.selectors import messages_failed_for
from followups.services import (
    FollowupError,
    enqueue_sends,
    message_send_one_off,
    message_send_scheduled,
    messages_dispatch_due,
    messages_reap_stuck,
    messages_send_now,
)
from followups.tokens import journey_id_from_reply_token, patient_id_from_unsubscribe_token
from journeys.models import EventKind, Journey, Stage
from journeys.services import journey_create
from tests.conftest import make_patient

from .backends import FlakyBackend
from .conftest import advance, rows, send_due

pytestmark = pytest.mark.django_db


def ack_of(journey: Journey) -> ScheduledMessage:
    return rows(journey, rule__key="inquiry_ack")[0]


def test_a_scheduled_message_is_sent_once_however_often_the_task_runs(
    journey: Journey, outbox: list[Any]
) -> None:
    ack = ack_of(journey)
    assert message_send_scheduled(scheduled_message_id=ack.pk) == "sent"
    assert message_send_scheduled(scheduled_message_id=ack.pk) == "skipped"
    assert len(outbox) == 1
    ack.refresh_from_db()
    assert (ack.status, ack.attempts) == (Status.SENT, 1)
    message = Message.objects.get(scheduled_message=ack)
    email = outbox[0]
    assert email.to == [journey.patient.email]
    assert email.extra_headers["Message-ID"] == message.message_id
    assert message.message_id.endswith("@reply.clinic.example>")
    # Reply-To carries a per-journey token that only we could have made.
    (reply_to,) = email.reply_to
    assert reply_to == message.reply_to
    local = reply_to.split("@")[0]
    assert local.startswith("reply+")
    assert journey_id_from_reply_token(local.removeprefix("reply+")) == journey.pk
    assert journey_id_from_reply_token(f"{journey.pk + 1}-{local.split('-')[1]}") is None
    assert email.extra_headers["Auto-Submitted"] == "auto-generated"
    assert "List-Unsubscribe" not in email.extra_headers  # a care message
    assert (message.direction, message.status, message.template_key) == (
        Direction.OUT,
        "sent",
        "inquiry_ack",
    )
    assert message.text in email.body  # the layout wraps the rendered body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html" and message.html in html


def test_the_patients_language_picks_the_template(journey: Journey, outbox: list[Any]) -> None:
    send_due(journey)
    german = MessageTemplate.objects.get(key="inquiry_ack", language="de")
    assert journey.patient.preferred_language == "de"
    assert outbox[0].subject.startswith(german.subject.split("{{")[0].strip())
    assert Message.objects.get().language == "de"


def test_english_is_the_fallback_language(
    procedure: Procedure, coordinator: User, outbox: list[Any]
) -> None:
    patient = make_patient(preferred_language="fr", timezone="Europe/Paris")
    journey = journey_create(patient=patient, procedure=procedure, actor=coordinator)
    send_due(journey)
    assert Message.objects.get().language == "en"
    assert outbox[0].subject.startswith("We've received your inquiry")


def test_marketing_messages_carry_one_click_unsubscribe(
    journey: Journey, outbox: list[Any]
) -> None:
    nudge = rows(journey, rule__key="inquiry_nudge_1")[0]
    assert message_send_scheduled(scheduled_message_id=nudge.pk, now=nudge.due_at) == "sent"
    headers = outbox[0].extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = headers["List-Unsubscribe"].strip("<>")
    assert url.startswith("https://crm.example.com/followups/unsubscribe/")
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert patient_id_from_unsubscribe_token(token) == journey.patient_id
    assert url in outbox[0].body


def test_transient_failures_retry_through_due_at_then_send(
    journey: Journey, outbox: list[Any], use_backend: Any
) -> None:
    use_backend("tests.followups.backends.FlakyBackend")
    FlakyBackend.failures = 2
    ack = ack_of(journey)
    now = timezone.now()
    assert message_send_scheduled(scheduled_message_id=ack.pk, now=now) == "retry"
    ack.refresh_from_db()
    assert (ack.status, ack.attempts) == (Status.PENDING, 1)
    assert ack.due_at == now + dt.timedelta(seconds=60)  # pushed back in the table
    assert "SMTPServerDisconnected" in ack.last_error
    # Not due yet: a stray duplicate task does nothing.
    assert message_send_scheduled(scheduled_message_id=ack.pk, now=now) == "skipped"
    later = now + dt.timedelta(seconds=61)
    assert message_send_scheduled(scheduled_message_id=ack.pk, now=later) == "retry"
    ack.refresh_from_db()
    assert ack.due_at == later + dt.timedelta(seconds=300)
    assert message_send_scheduled(scheduled_message_id=ack.pk, now=ack.due_at) == "sent"
    ack.refresh_from_db()
    assert (ack.status, ack.attempts, ack.last_error) == (Status.SENT, 3, "")
    assert len(outbox) == 1


def test_after_the_last_retry_the_message_fails_for_the_coordinator(
    journey: Journey, coordinator: User, other_coordinator: User, use_backend: Any
) -> None:
    use_backend("tests.followups.backends.FlakyBackend")
    FlakyBackend.failures = 10
    ack = ack_of(journey)
    outcomes = []
    for _ in range(3):
        ack.refresh_from_db()
        outcomes.append(message_send_scheduled(scheduled_message_id=ack.pk, now=ack.due_at))
    assert outcomes == ["retry", "retry", "failed"]
    assert list(messages_failed_for(coordinator)) == [ack]
    assert list(messages_failed_for(other_coordinator)) == []
    FlakyBackend.failures = 0


def test_a_refused_address_fails_at_once_and_is_marked_undeliverable(
    journey: Journey, coordinator: User, use_backend: Any
) -> None:
    use_backend("tests.followups.backends.RefusingBackend")
    assert message_send_scheduled(scheduled_message_id=ack_of(journey).pk) == "failed"
    patient = Patient.objects.get(pk=journey.patient_id)
    assert patient.email_undeliverable_at is not None
    assert {r.cancelled_reason for r in rows(journey, status=Status.CANCELLED)} == {
        CancelReason.UNDELIVERABLE
    }
    assert journey.events.filter(kind=EventKind.NOTE, reason__contains="undeliverable").exists()


def test_stop_conditions_are_checked_again_at_send_time(
    journey: Journey, outbox: list[Any]
) -> None:
    # A reply that arrived after the row was planned, but was not yet processed.
    info = rows(journey, rule__key="inquiry_info_pack")[0]
    Message.objects.create(
        journey=journey,
        direction=Direction.IN,
        counts_as_reply=True,
        message_id="<reply-1@example.de>",
        from_email=journey.patient.email,
        to_email="reply@reply.clinic.example",
        subject="Re: hello",
        text="Thanks!",
        sent_at=timezone.now(),
    )
    assert message_send_scheduled(scheduled_message_id=info.pk, now=info.due_at) == "cancelled"
    info.refresh_from_db()
    assert (info.status, info.cancelled_reason) == (Status.CANCELLED, CancelReason.REPLIED)
    assert outbox == []


def test_a_marketing_opt_out_at_send_time_cancels_only_marketing(
    journey: Journey, outbox: list[Any]
) -> None:
    Patient.objects.filter(pk=journey.patient_id).update(marketing_opt_out_at=timezone.now())
    nudge = rows(journey, rule__key="inquiry_nudge_1")[0]
    assert message_send_scheduled(scheduled_message_id=nudge.pk, now=nudge.due_at) == "cancelled"
    assert message_send_scheduled(scheduled_message_id=ack_of(journey).pk) == "sent"
    assert len(outbox) == 1


def test_the_dispatcher_claims_due_rows_and_enqueues_after_commit(
    journey: Journey, django_capture_on_commit_callbacks: Any
) -> None:
    info = rows(journey, rule__key="inquiry_info_pack")[0]
    ScheduledMessage.objects.filter(pk=info.pk).update(due_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = messages_dispatch_due()
    assert result.claimed == 1  # the acknowledgment was claimed already, at creation
    info.refresh_from_db()
    assert info.status == Status.CLAIMED
    assert [(c.func, c.args) for c in callbacks] == [(enqueue_sends, ([info.pk],))]


def test_the_reaper_returns_stuck_claims_and_gives_up_on_poison(journey: Journey) -> None:
    ack = ack_of(journey)
    info = rows(journey, rule__key="inquiry_info_pack")[0]
    old = timezone.now() - dt.timedelta(minutes=10)
    ScheduledMessage.objects.filter(pk=ack.pk).update(
        status=Status.SENDING, claimed_at=old, attempts=1
    )
    ScheduledMessage.objects.filter(pk=info.pk).update(
        status=Status.CLAIMED, claimed_at=old, attempts=3
    )
    # 10 minutes: the claimed row is stuck; the `sending` one is in doubt (the ESP may
    # have it) and waits FOLLOWUPS_SEND_CONFIRM_WAIT more for a tracking event.
    assert messages_reap_stuck() == (0, 1)
    ack.refresh_from_db()
    info.refresh_from_db()
    assert (ack.status, info.status) == (Status.SENDING, Status.FAILED)
    # No event came: after the wait it is returned, and may be sent again.
    ScheduledMessage.objects.filter(pk=ack.pk).update(
        claimed_at=timezone.now() - dt.timedelta(minutes=16)
    )
    assert messages_reap_stuck() == (1, 0)
    ack.refresh_from_db()
    assert (ack.status, ack.claimed_at) == (Status.PENDING, None)


def test_dispatch_due_command_sends_in_process(journey: Journey, outbox: list[Any]) -> None:
    ScheduledMessage.objects.filter(journey=journey).update(
        status=Status.PENDING, due_at=timezone.now() - dt.timedelta(minutes=1)
    )
    out = StringIO()
    call_command("dispatch_due", stdout=out)
    assert out.getvalue().strip() == "reaped 0, gave up 0, claimed 4: sent 4"
    assert len(outbox) == 4
    assert Message.objects.count() == 4
    out = StringIO()
    call_command("dispatch_due", stdout=out)
    assert out.getvalue().strip() == "reaped 0, gave up 0, claimed 0"


def test_send_now_claims_and_enqueues(
    journey: Journey, django_capture_on_commit_callbacks: Any
) -> None:
    nudge = rows(journey, rule__key="inquiry_nudge_2")[0]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert messages_send_now(ids=[nudge.pk]) == 1
    nudge.refresh_from_db()
    assert nudge.status == Status.CLAIMED
    assert callbacks[0].args == ([nudge.pk],)


def test_one_off_email_is_recorded_and_starts_the_response_clock(
    journey: Journey, coordinator: User, outbox: list[Any]
) -> None:
    assert journey.first_response_at is None
    message = message_send_one_off(
        journey_id=journey.pk,
        actor=coordinator,
        subject="Your X-rays",
        text="Dear Anna,\n\nthe doctor has seen your X-rays. <b>Good news</b>.",
    )
    journey.refresh_from_db()
    assert journey.first_response_at == message.sent_at
    assert message.sent_by == coordinator
    assert (
        message.html == "<p>Dear Anna,</p>\n\n"
        "<p>the doctor has seen your X-rays. &lt;b&gt;Good news&lt;/b&gt;.</p>"
    )
    assert outbox[0].reply_to == [message.reply_to]
    assert "Auto-Submitted" not in outbox[0].extra_headers


def test_one_off_from_a_template_and_refusals(
    journey: Journey, coordinator: User, outbox: list[Any]
) -> None:
    message = message_send_one_off(
        journey_id=journey.pk, actor=coordinator, template_key="booked_confirmation"
    )
    assert (message.template_key, message.language) == ("booked_confirmation", "de")
    with pytest.raises(FollowupError, match="subject and a text"):
        message_send_one_off(journey_id=journey.pk, actor=coordinator, subject=" ", text="x")
    Patient.objects.filter(pk=journey.patient_id).update(
        email_undeliverable_at=timezone.now(), email_undeliverable_reason="bounced"
    )
    with pytest.raises(FollowupError, match="undeliverable"):
        message_send_one_off(journey_id=journey.pk, actor=coordinator, subject="Hi", text="x")


def test_whole_journey_sends_each_stage_once(
    journey: Journey, coordinator: User, outbox: list[Any]
) -> None:
    send_due(journey)
    for stage in (Stage.BOOKED, Stage.ARRIVAL, Stage.PROCEDURE):
        journey = advance(journey, stage, actor=coordinator)
        send_due(journey)
        send_due(journey)
    assert [m.template_key for m in Message.objects.order_by("id")] == [
        "inquiry_ack",
        "booked_confirmation",
        "arrival_welcome",
    ]
    assert len(outbox) == 3
