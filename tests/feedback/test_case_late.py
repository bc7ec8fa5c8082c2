"""Issue 13: a recovery case past its deadline, unresolved, sends its manager (every manager
if the clinic names none) one email, claimed by feedback's beat entry like care's
escalation notices (no Celery ETA); My day shows it "late" as before."""

from __future__ import annotations

import datetime as dt

import pytest

from crm.roles import MANAGER
from feedback import services
from feedback.models import ClinicFeedback, RecoveryCase
from feedback.selectors import my_day_feedback
from feedback.sending import case_late_send, cases_late_dispatch
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

UNHAPPY = {"stars": 2, "nps": 3, "coordinator_rating": 3, "clinic_rating": 2, "logistics_rating": 3}
FRIDAY = dt.datetime(2026, 6, 12, 9, 0, tzinfo=dt.UTC)


def _open_case(followup, clock, outbox) -> RecoveryCase:
    clock.move_to(FRIDAY)
    services.survey_submit(journey_id=followup.pk, **UNHAPPY)
    outbox.clear()
    return RecoveryCase.objects.get()


def test_one_late_email_to_every_manager_when_the_deadline_passes(
    followup, manager, outbox, clock
) -> None:
    other = make_user("otto", MANAGER)
    case = _open_case(followup, clock, outbox)
    # Before the deadline (Tuesday 09:00): nothing is due.
    clock.move_to(case.deadline_at - dt.timedelta(minutes=1))
    assert cases_late_dispatch(send_inline=True) == 0 and outbox == []
    clock.move_to(case.deadline_at + dt.timedelta(minutes=1))
    assert cases_late_dispatch(send_inline=True) == 1
    assert sorted(m.to[0] for m in outbox) == sorted([manager.email, other.email])
    assert all(m.subject.startswith("Overdue") for m in outbox)
    assert "not resolved yet" in outbox[0].body
    # Once: later beats send nothing more.
    clock.shift(dt.timedelta(hours=1))
    assert cases_late_dispatch(send_inline=True) == 0 and len(outbox) == 2
    assert case_late_send(journey_id=case.pk) == "skipped"
    # My day still shows it late.
    rows = my_day_feedback(manager)["cases"].rows
    assert [c.pk for c in rows] == [case.pk]


def test_the_clinics_manager_alone_and_resolved_cases_stay_quiet(
    followup, manager, outbox, clock, clinic
) -> None:
    own = make_user("clara", MANAGER)
    ClinicFeedback.objects.create(clinic=clinic, manager=own)
    case = _open_case(followup, clock, outbox)
    clock.move_to(case.deadline_at + dt.timedelta(hours=2))
    assert cases_late_dispatch(send_inline=True) == 1
    assert [m.to for m in outbox] == [[own.email]]


def test_resolved_before_the_deadline_sends_nothing(followup, manager, outbox, clock) -> None:
    case = _open_case(followup, clock, outbox)
    RecoveryCase.objects.filter(pk=case.pk).update(status="resolved")
    clock.move_to(case.deadline_at + dt.timedelta(hours=2))
    assert cases_late_dispatch(send_inline=True) == 0 and outbox == []


def test_a_stale_claim_goes_back_to_pending(followup, manager, outbox, clock) -> None:
    case = _open_case(followup, clock, outbox)
    clock.move_to(case.deadline_at + dt.timedelta(minutes=5))
    # A worker claimed it and died before sending.
    RecoveryCase.objects.filter(pk=case.pk).update(late_notice_claimed_at=case.deadline_at)
    assert cases_late_dispatch(send_inline=True) == 0
    clock.shift(dt.timedelta(minutes=15))
    assert cases_late_dispatch(send_inline=True) == 1 and len(outbox) == 1
