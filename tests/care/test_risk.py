"""Booked-risk flags: what the patient wrote, silence, replies waiting and bounces make a
level with reasons; handled reasons stay quiet until new evidence; recomputing is
idempotent; My day and the board order by risk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from care.models import (
    JourneyRisk,
    Quote,
    QuoteStatus,
    RiskHandled,
    RiskLevel,
    RiskMoment,
    RiskPhrase,
    RiskSnapshot,
    TravelChecklist,
    TravelItem,
    TravelKind,
    TravelStatus,
)
from care.risk import registry
from care.risk.phrases import Matcher, default_rows
from care.risk.services import RiskError, risk_reason_handle, risk_recompute, risk_recompute_all
from followups.inbound.store import inbound_receive
from followups.models import Direction, Message, MessageStatus
from followups.tokens import reply_address
from journeys.models import EventKind, Journey, JourneyEvent
from journeys.services import journey_create, journey_move, journey_plan_dates
from tests.conftest import make_patient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _phrases(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INBOUND_ESP = ""
    settings.RISK_WATCH_SCORE = 20
    settings.RISK_HIGH_SCORE = 50
    settings.RISK_QUIET_DAYS = 7
    # As the migration seeded them (a transactional test elsewhere may have flushed them).
    RiskPhrase.objects.bulk_create(
        [RiskPhrase(category=c, language=lang, phrase=p) for c, lang, p in default_rows()],
        ignore_conflicts=True,
    )


def booked(journey: Journey, actor: Any) -> Journey:
    return journey_move(journey_id=journey.pk, target="booked", actor=actor)


def reply(journey: Journey, body: str, n: int = 1) -> None:
    raw = (
        f"From: {journey.patient.full_name} <{journey.patient.email}>\r\n"
        f"To: <{reply_address(journey.pk)}>\r\n"
        f"Subject: Re: Your trip\r\n"
        f"Message-ID: <risk-{journey.pk}-{n}@example.de>\r\n"
        "Date: Wed, 10 Jun 2026 10:00:00 +0200\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}\r\n"
    ).encode()
    result = inbound_receive(raw=raw, source="test")
    assert result.journey_id == journey.pk


def risk(journey: Journey) -> JourneyRisk:
    return JourneyRisk.objects.get(journey_id=journey.pk)


def test_a_booked_patient_who_found_a_cheaper_clinic_is_high_risk(journey, coordinator):
    booked(journey, coordinator)
    assert risk(journey).level == RiskLevel.LOW
    assert RiskSnapshot.objects.get(journey=journey, moment=RiskMoment.BOOKING).level == 0

    reply(journey, "I found a cheaper clinic")  # the inbound hook recomputes at once

    row = risk(journey)
    assert row.level == RiskLevel.HIGH
    codes = [r["code"] for r in row.reasons]
    assert codes[0] == "said_price"
    assert "“cheaper”" in row.reasons[0]["detail"]
    assert row.reasons[0]["action"].startswith("Call about the price")
    assert "reply_waiting" in codes  # nobody has answered yet


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("Otra clínica me ofrece lo mismo", "said_competitor"),
        ("Wir müssen den Termin leider verschieben.", "said_postpone"),
        ("Ehrlich gesagt habe ich Angst.", "said_doubt"),
        ("Es MÁS BARATO en Estambul", "said_price"),
    ],
)
def test_words_in_each_language(journey, coordinator, body, code):
    booked(journey, coordinator)
    reply(journey, body)
    assert code in [r["code"] for r in risk(journey).reasons]


def test_matching_is_whole_words_and_ignores_accents():
    matcher = Matcher.build([("price", "cheaper"), ("doubt", "nervios*"), ("doubt", "nervös")])
    assert matcher.find("It is Cheaper there") == {"price": "cheaper"}
    assert matcher.find("cheaperly") == {}
    assert matcher.find("Estoy nerviosa") == {"doubt": "nerviosa"}
    assert matcher.find("Ich bin nervos") == {"doubt": "nervos"}


def test_a_phrase_added_in_the_admin_counts_at_the_next_recompute(journey, coordinator):
    booked(journey, coordinator)
    reply(journey, "Dr Smartsmile in Budapest quoted me too.")
    assert not any(r["code"] == "said_competitor" for r in risk(journey).reasons)
    RiskPhrase.objects.create(category="competitor", language="en", phrase="smartsmile")
    risk_recompute(journey_ids=[journey.pk])
    assert risk(journey).reasons[0]["code"] == "said_competitor"


def test_silence_and_bounces(journey, coordinator, clock):
    booked(journey, coordinator)
    Message.objects.create(
        journey=journey,
        direction=Direction.OUT,
        message_id="<b1@crm>",
        status=MessageStatus.BOUNCED,
        from_email="crm@clinic.example",
        to_email=journey.patient.email,
        subject="How are you?",
        text="-",
        sent_at=timezone.now() + dt.timedelta(hours=1),
    )
    clock.shift(dt.timedelta(days=8))
    risk_recompute(journey_ids=[journey.pk])
    row = risk(journey)
    # The travel checklist's deposit, still to do a week after booking, counts too (30).
    assert {r["code"] for r in row.reasons} == {"quiet", "email_bounced", "deposit_unpaid"}
    assert row.score == 20 + 30 + 30 and row.level == RiskLevel.HIGH
    clock.shift(dt.timedelta(days=7))
    risk_recompute(journey_ids=[journey.pk])
    assert risk(journey).score == 35 + 30 + 30  # two weeks of silence weighs more


def test_a_handled_reason_stays_quiet_until_new_evidence(journey, coordinator, clock):
    booked(journey, coordinator)
    reply(journey, "I found a cheaper clinic", n=1)
    assessment = risk_reason_handle(
        journey_id=journey.pk, code="said_price", actor=coordinator, note="Called her."
    )
    assert assessment is not None
    assert "said_price" not in assessment.codes
    assert "said_price" not in [r["code"] for r in risk(journey).reasons]
    event = JourneyEvent.objects.filter(journey=journey, kind=EventKind.NOTE).last()
    assert event is not None and event.data == {"care": "risk_handled", "code": "said_price"}
    assert event.actor == coordinator
    # Recomputing again does not bring it back...
    risk_recompute(journey_ids=[journey.pk])
    assert "said_price" not in [r["code"] for r in risk(journey).reasons]
    # ...a new message with the same words does.
    clock.shift(dt.timedelta(hours=2))
    reply(journey, "Sorry, but it really is too expensive for me.", n=2)
    assert risk(journey).reasons[0]["code"] == "said_price"
    assert RiskHandled.objects.filter(journey=journey).count() == 1


def test_handling_refuses_unknown_reasons_and_unbooked_journeys(journey, coordinator):
    with pytest.raises(RiskError):
        risk_reason_handle(journey_id=journey.pk, code="said_price", actor=coordinator)
    booked(journey, coordinator)
    with pytest.raises(RiskError):
        risk_reason_handle(journey_id=journey.pk, code="nope", actor=coordinator)


def test_recompute_is_idempotent(journey, coordinator, clock):
    booked(journey, coordinator)
    reply(journey, "I am scared")
    first = risk(journey)
    clock.shift(dt.timedelta(minutes=5))
    stats = risk_recompute_all()
    again = risk_recompute_all()
    assert stats.journeys == again.journeys == 1
    row = risk(journey)
    assert (row.level, row.score, row.reasons) == (first.level, first.score, first.reasons)
    assert row.changed_at == first.changed_at  # nothing changed, nothing written
    assert RiskSnapshot.objects.filter(journey=journey).count() == 1


def test_leaving_booked_drops_the_row_and_t14_snapshots_are_taken(journey, coordinator):
    booked(journey, coordinator)
    Journey.objects.filter(pk=journey.pk).update(
        planned_arrival=timezone.localdate() + dt.timedelta(days=10)
    )
    stats = risk_recompute_all()
    assert stats.t14_snapshots == 1
    assert RiskSnapshot.objects.filter(journey=journey, moment=RiskMoment.T14).exists()
    journey_move(journey_id=journey.pk, target="arrival", actor=coordinator)
    assert not JourneyRisk.objects.filter(journey_id=journey.pk).exists()
    assert RiskSnapshot.objects.filter(journey=journey).count() == 2  # kept


def test_a_reason_from_another_module_joins_the_score(journey, coordinator):
    """The integrator's interface: a registered function over the batch."""

    def visa_missing(batch: registry.RiskBatch):
        for journey_id in batch.ids:
            yield registry.Finding(journey_id, detail="Visa not applied for")

    registry.register(
        "test_visa_missing", visa_missing, label="Visa", points=30, action="Ask about it"
    )
    try:
        booked(journey, coordinator)
        row = risk(journey)
        assert row.score == 30 and row.level == RiskLevel.WATCH
        assert row.reasons[0]["detail"] == "Visa not applied for"
    finally:
        registry.unregister("test_visa_missing")


def test_my_day_and_the_board_order_booked_patients_by_risk(client, coordinator, procedure):
    client.force_login(coordinator)
    names = {
        "Calm Carla": "Thanks, all good!",
        "Worried Walter": "I am a bit nervous",
        "Pricey Paula": "I found a cheaper clinic",
    }
    for n, (name, body) in enumerate(names.items()):
        j = journey_create(
            patient=make_patient(full_name=name, email=f"p{n}@example.de"),
            procedure=procedure,
            actor=coordinator,
            coordinator=coordinator,
        )
        booked(j, coordinator)
        reply(j, body, n=n)
    page = client.get("/").content.decode()
    section = page[page.index('id="at-risk"') :]
    assert section.index("Pricey Paula") < section.index("Worried Walter")
    assert "Calm Carla" not in section[: section.index("</section>")]  # low: not listed
    assert "Call about the price" in section
    board = client.get("/board/?sort=risk").content.decode()
    column = board[board.index('data-stage="booked"') :]
    assert (
        column.index("Pricey Paula") < column.index("Worried Walter") < column.index("Calm Carla")
    )


def test_a_bounce_reported_by_the_esp_recomputes_the_risk(
    journey, coordinator, eager, django_capture_on_commit_callbacks
):
    from anymail.signals import AnymailTrackingEvent

    from followups.services import message_track_event

    booked(journey, coordinator)
    message = Message.objects.create(
        journey=journey,
        direction=Direction.OUT,
        message_id="<ack-risk@crm>",
        from_email="crm@clinic.example",
        to_email=journey.patient.email,
        subject="Your booking",
        text="-",
        sent_at=timezone.now(),
    )
    assert risk(journey).level == RiskLevel.LOW
    with django_capture_on_commit_callbacks(execute=True):
        message_track_event(
            event=AnymailTrackingEvent(
                event_type="bounced",
                timestamp=timezone.now(),
                metadata={"crm_message_id": message.message_id},
            ),
            esp_name="Test",
        )
    assert [r["code"] for r in risk(journey).reasons] == ["email_bounced"]
    assert risk(journey).level == RiskLevel.WATCH


def test_handled_is_a_post_by_someone_who_may_see_the_journey(
    client, journey, coordinator, other_coordinator
):
    booked(journey, coordinator)
    reply(journey, "I found a cheaper clinic")
    url = f"/care/journeys/{journey.pk}/risk-handled/"
    assert client.get(url).status_code in (302, 405)
    client.force_login(other_coordinator)
    assert client.post(url, {"code": "said_price"}).status_code == 404
    assert not RiskHandled.objects.exists()
    client.force_login(coordinator)
    response = client.post(url, {"code": "said_price"})
    assert response.status_code == 302
    assert RiskHandled.objects.get(journey=journey).handled_by == coordinator
    response = client.post(url, {"code": "x" * 5000}, follow=True)
    assert response.status_code == 200
    assert "No such risk reason." in response.content.decode()


def test_the_show_rate_report_reads_the_snapshots(client, manager, coordinator, procedure):
    came = journey_create(patient=make_patient(), procedure=procedure, actor=coordinator)
    booked(came, coordinator)
    journey_move(journey_id=came.pk, target="arrival", actor=coordinator)
    scared = journey_create(patient=make_patient(), procedure=procedure, actor=coordinator)
    booked(scared, coordinator)
    RiskSnapshot.objects.filter(journey=scared).update(level=RiskLevel.HIGH)
    journey_move(journey_id=scared.pk, target="lost", actor=coordinator, lost_reason="price")
    assert not JourneyRisk.objects.filter(journey_id=scared.pk).exists()  # lost: no row
    client.force_login(manager)
    html = client.get("/reports/risk/").content.decode()
    assert "Show rate by booked risk" in html
    rows = client.get("/reports/risk-show-rate.csv")
    body = b"".join(rows).decode() if rows.streaming else rows.content.decode()
    lines = body.splitlines()
    assert "At booking,Low,1,1,0,0,0,100.0" in lines
    assert "At booking,High,1,0,1,0,0,0.0" in lines


# --- The trip's reasons (care/risk/trip.py) -----------------------------------------------


def test_deposit_unpaid_a_week_after_booking_and_travel_open_near_arrival(
    journey, coordinator, clock
):
    """The travel checklist written at booking feeds two reasons: the deposit still to do
    a week later, and open items within a week of the planned arrival."""
    booked(journey, coordinator)
    assert TravelItem.objects.filter(journey=journey, kind=TravelKind.DEPOSIT).exists()
    assert not {r["code"] for r in risk(journey).reasons} & {"deposit_unpaid", "travel_open"}

    clock.shift(dt.timedelta(days=8))
    risk_recompute(journey_ids=[journey.pk])
    codes = {r["code"] for r in risk(journey).reasons}
    assert "deposit_unpaid" in codes and "travel_open" not in codes  # no arrival planned

    journey_plan_dates(
        journey_id=journey.pk,
        actor=coordinator,
        planned_arrival=timezone.localdate() + dt.timedelta(days=5),
        planned_procedure=None,
        planned_departure=None,
    )
    risk_recompute(journey_ids=[journey.pk])
    row = risk(journey)
    travel = next(r for r in row.reasons if r["code"] == "travel_open")
    assert "open, arrives" in travel["detail"]
    assert row.level == RiskLevel.HIGH  # 30 + 25 (+ silence) is past the high score

    TravelItem.objects.filter(journey=journey).update(status=TravelStatus.CONFIRMED)
    TravelChecklist.objects.filter(journey=journey).update(open_count=0, open_items=[])
    risk_recompute(journey_ids=[journey.pk])
    codes = {r["code"] for r in risk(journey).reasons}
    assert not codes & {"deposit_unpaid", "travel_open"}


def test_a_sent_quote_still_waiting_three_days_is_a_reason_until_accepted(
    journey, coordinator, clock
):
    booked(journey, coordinator)
    now = timezone.now()
    quote = Quote.objects.create(
        journey=journey,
        version=1,
        status=QuoteStatus.SENT,
        currency="EUR",
        valid_until=timezone.localdate() + dt.timedelta(days=30),
        total=4200,
        created_at=now,
        sent_at=now,
    )
    risk_recompute(journey_ids=[journey.pk])
    assert "quote_not_accepted" not in {r["code"] for r in risk(journey).reasons}

    clock.shift(dt.timedelta(days=4))
    risk_recompute(journey_ids=[journey.pk])
    waiting = next(r for r in risk(journey).reasons if r["code"] == "quote_not_accepted")
    assert waiting["detail"] == "sent 4 days ago"

    Quote.objects.filter(pk=quote.pk).update(status=QuoteStatus.ACCEPTED, accepted_at=now)
    risk_recompute(journey_ids=[journey.pk])
    assert "quote_not_accepted" not in {r["code"] for r in risk(journey).reasons}
