"""Quote versus final bill: the arithmetic, the services, the guard on the move to
procedure, and the pages (journey page forms, the patient's page in their language)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from care.links import page_url
from care.models import Bill, BillLine, Quote
from care.quotes import services
from care.quotes.money import Threshold, convert, line_amount, parse_decimal, variance_percent
from care.quotes.selectors import journeys_with_accepted_quote, quote_accepted
from care.quotes.services import LineInput, QuoteError
from care.selectors import journey_for_token
from journeys.models import JourneyEvent
from journeys.services import JourneyError, journey_move
from tests.care.conftest import to_stage

pytestmark = pytest.mark.django_db

D = Decimal


def lines() -> list[LineInput]:
    return [
        LineInput("procedure", "Dental implants surgery", D(1), D("2000.00")),
        LineInput("extra", "Implants", D(4), D("450.00")),
        LineInput("hotel", "Hotel nights", D(6), D("60.00")),
        LineInput("transfer", "Airport transfers", D(2), D("25.00")),
    ]  # 2000 + 1800 + 360 + 50 = 4210


def sent_quote(journey: Any, actor: Any, **kwargs: Any) -> Quote:
    quote = services.quote_create(
        journey_id=journey.pk,
        actor=actor,
        lines=kwargs.pop("lines", None) or lines(),
        currency="EUR",
        valid_until=dt.date.today() + dt.timedelta(days=30),
        included="Consultation, surgery, hotel, transfers.",
        not_included="Flights.",
        patient_currency=kwargs.pop("patient_currency", "GBP"),
        rate=kwargs.pop("rate", D("0.86")),
        **kwargs,
    )
    return services.quote_send(quote_id=quote.pk, actor=actor)


def accepted_at_arrival(journey: Any, actor: Any) -> Quote:
    quote = sent_quote(journey, actor)
    services.quote_accept(quote_id=quote.pk, journey_id=journey.pk)
    journey.refresh_from_db()
    to_stage(journey, "arrival", actor=actor, at=dt.datetime.now(dt.UTC))
    quote.refresh_from_db()
    return quote


def bill_lines(quote: Quote, **changes: tuple[str, str, str]) -> list[LineInput]:
    """The quote's lines as bill lines; changes: description -> (quantity, price, reason)."""
    out = []
    for line in quote.lines.order_by("position"):
        quantity, price, reason = changes.get(
            line.description, (str(line.quantity), str(line.unit_price), "")
        )
        out.append(LineInput(line.kind, line.description, D(quantity), D(price), line.pk, reason))
    return out


# --- The arithmetic ---------------------------------------------------------------------


def test_line_amounts_round_half_up_to_cents() -> None:
    assert line_amount(D("3"), D("0.335")) == D("1.01")  # 1.005 -> 1.01, not banker's 1.00
    assert line_amount(D("2.5"), D("60")) == D("150.00")
    assert convert(D("4210.00"), D("0.86")) == D("3620.60")
    assert convert(D("10"), None) is None


def test_threshold_is_the_percent_or_the_amount_whichever_comes_first() -> None:
    t = Threshold(percent=5, amount=100)
    assert not t.exceeded(D("1000"), D("50"))  # exactly 5 %: not above
    assert t.exceeded(D("1000"), D("50.01"))
    assert not t.exceeded(D("10000"), D("100"))  # 1 %, exactly the amount
    assert t.exceeded(D("10000"), D("100.01"))  # 1 %, but above the amount
    assert not t.exceeded(D("1000"), D("-500"))  # paying less never needs agreement
    assert variance_percent(D("4210"), D("450")) == D("10.7")
    assert variance_percent(D("0"), D("5")) is None


def test_typed_numbers_accept_a_decimal_comma_and_refuse_nonsense() -> None:
    assert parse_decimal("1,5", maximum=D(10)) == D("1.5")
    assert parse_decimal(" 2 000.50 ", maximum=D(10000)) == D("2000.50")
    assert parse_decimal("1,234.5", maximum=D(10000)) == D("1234.5")
    for bad in ("", "abc", "-1", "NaN", "Infinity", "1e9", "0.001"):
        assert parse_decimal(bad, maximum=D(1000)) is None, bad


# --- Quotes -----------------------------------------------------------------------------


def test_a_quote_is_written_with_its_lines_and_total(journey, coordinator) -> None:
    quote = services.quote_create(
        journey_id=journey.pk,
        actor=coordinator,
        lines=lines(),
        currency="eur",
        valid_until=dt.date.today() + dt.timedelta(days=10),
        patient_currency="GBP",
        rate=D("0.86"),
    )
    assert (quote.version, quote.status, quote.currency, quote.total) == (
        1,
        "draft",
        "EUR",
        D("4210.00"),
    )
    assert [line.amount for line in quote.lines.all()] == [D("2000"), D("1800"), D("360"), D("50")]
    assert JourneyEvent.objects.filter(journey=journey, data__care="quote_created").exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"lines": []}, "at least one line"),
        ({"currency": "EURO"}, "three-letter"),
        ({"rate": None}, "Give the rate"),
        ({"valid_until": dt.date(2020, 1, 1)}, "in the past"),
        ({"lines": [LineInput("nonsense", "x", D(1), D(1))]}, "unknown kind"),
        ({"lines": [LineInput("tests", "  ", D(1), D(1))]}, "describe it"),
        ({"lines": [LineInput("extra", "Grafts", D(100000), D(9999999))]}, "larger than"),
    ],
)
def test_bad_quotes_are_refused_with_a_reason(journey, coordinator, overrides, message) -> None:
    kwargs: dict[str, Any] = {
        "journey_id": journey.pk,
        "actor": coordinator,
        "lines": lines(),
        "currency": "EUR",
        "valid_until": dt.date.today() + dt.timedelta(days=10),
        "patient_currency": "GBP",
        "rate": D("0.86"),
    }
    kwargs.update(overrides)
    with pytest.raises(QuoteError, match=message):
        services.quote_create(**kwargs)
    assert not Quote.objects.exists()


def test_sending_emails_the_quote_in_the_patients_language_with_the_page_link(
    journey, coordinator, outbox
) -> None:
    quote = sent_quote(journey, coordinator)
    assert quote.status == "sent" and quote.sent_at is not None
    [email] = outbox
    assert email.to == [journey.patient.email]
    assert "Ihr Kostenvoranschlag" in email.subject  # German patient
    assert "4210,00 EUR" in email.body  # amounts read the German way
    assert "3620,60 GBP" in email.body  # the patient's currency at the stored rate
    token = re.search(r"https://crm\.example\.com/care/([^/]+)/#quote", email.body).group(1)  # type: ignore[union-attr]
    assert journey_for_token(token).pk == journey.pk  # a signed link to their page
    html = email.alternatives[0][0]
    assert "Implants" in html and f"/care/{token}/#quote" in html
    # Sending again keeps the first sent time (acceptance time counts from it).
    first_sent = quote.sent_at
    again = services.quote_send(quote_id=quote.pk, actor=coordinator)
    assert again.sent_at == first_sent and len(outbox) == 2


def test_accepting_books_the_journey_and_sets_the_estimate(journey, coordinator) -> None:
    quote = sent_quote(journey, coordinator)
    result = services.quote_accept(quote_id=quote.pk, journey_id=journey.pk)
    assert result.created and result.moved_to_booked
    journey.refresh_from_db()
    assert journey.stage == "booked"
    assert journey.estimated_cost == D("4210.00") and journey.currency == "EUR"
    assert quote_accepted(journey).pk == quote.pk
    assert journeys_with_accepted_quote([journey.pk, 999_999]) == {journey.pk}
    # A second tap (or a resubmitted form) changes nothing.
    again = services.quote_accept(quote_id=quote.pk, journey_id=journey.pk)
    assert not again.created and not again.moved_to_booked
    assert JourneyEvent.objects.filter(journey=journey, data__care="quote_accepted").count() == 1


def test_a_revision_keeps_the_old_version_and_needs_accepting_again(journey, coordinator) -> None:
    first = sent_quote(journey, coordinator)
    services.quote_accept(quote_id=first.pk, journey_id=journey.pk)
    second = sent_quote(journey, coordinator, lines=lines()[:2])
    first.refresh_from_db()
    assert (first.status, second.version, second.status) == ("superseded", 2, "sent")
    assert quote_accepted(journey) is None
    with pytest.raises(QuoteError, match="replaced by a newer version"):
        services.quote_accept(quote_id=first.pk, journey_id=journey.pk)
    services.quote_accept(quote_id=second.pk, journey_id=journey.pk)
    journey.refresh_from_db()
    assert journey.estimated_cost == D("3800.00")
    assert list(Quote.objects.filter(journey=journey).values_list("version", "status")) == [
        (2, "accepted"),
        (1, "superseded"),
    ]


def test_an_expired_or_draft_quote_cannot_be_accepted(journey, coordinator, clock) -> None:
    draft = services.quote_create(
        journey_id=journey.pk,
        actor=coordinator,
        lines=lines(),
        currency="EUR",
        valid_until=dt.date.today() + dt.timedelta(days=1),
    )
    with pytest.raises(QuoteError, match="no such quote"):
        services.quote_accept(quote_id=draft.pk, journey_id=journey.pk)
    services.quote_send(quote_id=draft.pk, actor=coordinator)
    clock.shift(dt.timedelta(days=3))
    with pytest.raises(QuoteError, match="expired"):
        services.quote_accept(quote_id=draft.pk, journey_id=journey.pk)


# --- Final bills and the guard ----------------------------------------------------------


def test_a_bill_within_the_threshold_does_not_hold_the_procedure(journey, coordinator) -> None:
    quote = accepted_at_arrival(journey, coordinator)
    bill = services.bill_record(
        journey_id=journey.pk,
        actor=coordinator,
        lines=bill_lines(quote, **{"Hotel nights": ("7", "60.00", "")}),
    )
    assert (bill.total, bill.variance, bill.needs_ack) == (D("4270.00"), D("60.00"), False)
    moved = journey_move(journey_id=journey.pk, target="procedure", actor=coordinator)
    assert moved.stage == "procedure"


def test_a_bill_above_the_threshold_needs_reasons_then_the_patients_agreement(
    journey, coordinator, manager
) -> None:
    quote = accepted_at_arrival(journey, coordinator)
    changed = bill_lines(quote, Implants=("5", "450.00", ""))
    changed.append(LineInput("tests", "CT scan", D(1), D("150"), None, ""))
    with pytest.raises(QuoteError, match="give a reason for each changed line: Implants, CT scan"):
        services.bill_record(journey_id=journey.pk, actor=coordinator, lines=changed)
    changed = bill_lines(quote, Implants=("5", "450.00", "A fifth implant: bone loss on the scan."))
    changed.append(LineInput("tests", "CT scan", D(1), D("150"), None, "Needed before surgery."))
    bill = services.bill_record(journey_id=journey.pk, actor=coordinator, lines=changed)
    assert (bill.total, bill.variance, bill.needs_ack) == (D("4810.00"), D("600.00"), True)
    variances = {line.description: line.variance for line in bill.lines.all()}
    assert variances == {
        "Dental implants surgery": D("0"),
        "Implants": D("450.00"),
        "Hotel nights": D("0"),
        "Airport transfers": D("0"),
        "CT scan": D("150.00"),
    }
    with pytest.raises(
        JourneyError, match=r"cannot move to procedure yet.*\+600\.00 EUR \(\+14\.3 %\)"
    ):
        journey_move(journey_id=journey.pk, target="procedure", actor=coordinator)
    journey.refresh_from_db()
    assert journey.stage == "arrival"  # the whole move rolled back
    assert not JourneyEvent.objects.filter(journey=journey, to_stage="procedure").exists()
    services.bill_acknowledge(journey_id=journey.pk)
    assert journey_move(journey_id=journey.pk, target="procedure", actor=coordinator).stage == (
        "procedure"
    )


def test_a_quoted_line_left_out_of_the_bill_counts_as_removed(journey, coordinator) -> None:
    quote = accepted_at_arrival(journey, coordinator)
    bill = services.bill_record(
        journey_id=journey.pk, actor=coordinator, lines=bill_lines(quote)[:3]
    )
    removed = bill.lines.get(description="Airport transfers")
    assert (removed.quantity, removed.amount, removed.variance) == (D(0), D("0.00"), D("-50.00"))
    assert bill.variance == D("-50.00") and not bill.needs_ack


def test_a_manager_may_override_with_a_reason_a_coordinator_may_not(
    journey, coordinator, manager
) -> None:
    quote = accepted_at_arrival(journey, coordinator)
    services.bill_record(
        journey_id=journey.pk,
        actor=coordinator,
        lines=bill_lines(quote, Implants=("6", "450.00", "Two more implants.")),
    )
    with pytest.raises(QuoteError, match="Only a manager"):
        services.bill_override(journey_id=journey.pk, actor=coordinator, reason="x")
    with pytest.raises(QuoteError, match="Write why"):
        services.bill_override(journey_id=journey.pk, actor=manager, reason="  ")
    services.bill_override(
        journey_id=journey.pk, actor=manager, reason="Patient agreed in person; phone broken."
    )
    assert JourneyEvent.objects.filter(journey=journey, data__care="bill_overridden").exists()
    assert journey_move(journey_id=journey.pk, target="procedure", actor=coordinator).stage == (
        "procedure"
    )


def test_recording_a_different_total_asks_for_a_new_agreement(journey, coordinator) -> None:
    quote = accepted_at_arrival(journey, coordinator)
    first = bill_lines(quote, Implants=("5", "450.00", "Bone loss."))
    services.bill_record(journey_id=journey.pk, actor=coordinator, lines=first)
    services.bill_acknowledge(journey_id=journey.pk)
    services.bill_record(journey_id=journey.pk, actor=coordinator, lines=first)
    assert Bill.objects.get().acknowledged_at is not None  # same total: still agreed
    services.bill_record(
        journey_id=journey.pk,
        actor=coordinator,
        lines=bill_lines(quote, Implants=("6", "450.00", "Bone loss, two more.")),
    )
    bill = Bill.objects.get()
    assert bill.acknowledged_at is None and bill.blocks_procedure
    assert BillLine.objects.filter(bill=bill).count() == 4


def test_no_bill_without_an_accepted_quote(journey, coordinator) -> None:
    to_stage(journey, "arrival", actor=coordinator, at=dt.datetime.now(dt.UTC))
    with pytest.raises(QuoteError, match="has not accepted a quote"):
        services.bill_record(journey_id=journey.pk, actor=coordinator, lines=lines())


# --- Pages ------------------------------------------------------------------------------


def _path(url: str) -> str:
    return url.replace("https://crm.example.com", "")


def _token(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def test_coordinator_builds_and_sends_a_quote_on_the_journey_page(
    client, journey, coordinator, outbox
) -> None:
    client.force_login(coordinator)
    page = client.get(reverse("dashboard:journey", args=[journey.pk]))
    assert "Build a quote" in page.content.decode()
    data = {
        "kind": ["procedure", "hotel", ""],
        "description": ["Implants surgery", "Hotel nights", ""],
        "quantity": ["1", "6", ""],
        "unit_price": ["2000", "60,50", ""],
        "currency": "EUR",
        "patient_currency": "GBP",
        "rate": "0.86",
        "valid_until": (dt.date.today() + dt.timedelta(days=20)).isoformat(),
        "included": "Surgery\nHotel",
        "not_included": "Flights",
    }
    response = client.post(reverse("dashboard:quote_create", args=[journey.pk]), data)
    assert response.status_code == 302
    quote = Quote.objects.get()
    assert quote.total == D("2363.00") and quote.included == "Surgery\nHotel"
    response = client.post(reverse("dashboard:quote_send", args=[quote.pk]))
    assert response.status_code == 302 and len(outbox) == 1
    shown = client.get(reverse("dashboard:journey", args=[journey.pk])).content.decode()
    assert 'data-quote-status="sent"' in shown


def test_a_refused_quote_form_keeps_what_was_typed(client, journey, coordinator) -> None:
    client.force_login(coordinator)
    data = {
        "kind": ["procedure", "hotel"],
        "description": ["Implants surgery", "Hotel nights"],
        "quantity": ["1", "six"],
        "unit_price": ["2000", "60"],
        "currency": "EUR",
        "valid_until": "2099-01-01",
    }
    response = client.post(reverse("dashboard:quote_create", args=[journey.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Row 2: the quantity is a number" in html
    assert 'value="six"' in html and 'value="Implants surgery"' in html
    assert not Quote.objects.exists()


def test_a_coordinator_cannot_touch_another_coordinators_quote(
    client, journey, coordinator, other_coordinator
) -> None:
    quote = services.quote_create(
        journey_id=journey.pk,
        actor=coordinator,
        lines=lines(),
        currency="EUR",
        valid_until=dt.date.today() + dt.timedelta(days=5),
    )
    client.force_login(other_coordinator)
    assert client.post(reverse("dashboard:quote_send", args=[quote.pk])).status_code == 404
    assert client.post(reverse("dashboard:bill_record", args=[journey.pk])).status_code == 404


def test_patient_sees_the_quote_in_their_language_and_accepts_by_post(
    client, journey, coordinator
) -> None:
    quote = sent_quote(journey, coordinator)
    url = _path(page_url(journey))
    page = client.get(url + "?action=quote_accept")  # a GET never records
    html = page.content.decode()
    assert "Ihr Kostenvoranschlag" in html and "Ich nehme diesen Kostenvoranschlag an" in html
    assert "3620,60 GBP" in html
    quote.refresh_from_db()
    assert quote.status == "sent"
    response = client.post(
        url, {"token": _token(html), "action": "quote_accept", "quote": quote.pk}
    )
    assert response.status_code == 303 and "recorded=quote_accepted" in response["Location"]
    quote.refresh_from_db()
    journey.refresh_from_db()
    assert quote.status == "accepted" and journey.stage == "booked"
    after = client.get(response["Location"]).content.decode()
    assert "Danke: Ihre Annahme ist gespeichert." in after


def test_patient_acknowledges_a_changed_bill_on_their_page(client, journey, coordinator) -> None:
    quote = accepted_at_arrival(journey, coordinator)
    services.bill_record(
        journey_id=journey.pk,
        actor=coordinator,
        lines=bill_lines(quote, Implants=("5", "450.00", "Bone loss on the scan.")),
    )
    url = _path(page_url(journey))
    html = client.get(url).content.decode()
    assert "Man hat es mir erklärt und ich bin einverstanden" in html
    assert "Bone loss on the scan." in html and "+450.00" in html
    response = client.post(url, {"token": _token(html), "action": "bill_ack"})
    assert response.status_code == 303
    assert Bill.objects.get().acknowledged_at is not None
    # Nothing left to confirm: a replayed POST says so on a page, not a 500.
    Bill.objects.update(needs_ack=False)
    replay = client.post(url, {"token": _token(html), "action": "bill_ack"})
    assert replay.status_code == 409
    assert "nichts mehr zu bestätigen" in replay.content.decode()


def test_the_board_shows_the_guards_refusal(client, journey, coordinator) -> None:
    quote = accepted_at_arrival(journey, coordinator)
    services.bill_record(
        journey_id=journey.pk,
        actor=coordinator,
        lines=bill_lines(quote, Implants=("5", "450.00", "Bone loss.")),
    )
    client.force_login(coordinator)
    response = client.post(
        reverse("dashboard:board_move"),
        {"journey": journey.pk, "target": "procedure", "expected_stage": "arrival"},
    )
    assert response.status_code == 409
    assert "must confirm it on their page" in response.json()["error"]
    response = client.post(
        reverse("dashboard:journey_move", args=[journey.pk]),
        {"target": "procedure", "expected_stage": "arrival"},
        follow=True,
    )
    assert "cannot move to procedure yet" in response.content.decode()


def test_acceptance_stands_when_a_rule_refuses_the_move_to_booked(journey, coordinator) -> None:
    from journeys import hooks

    def refuse(*, journey: Any, event: Any) -> None:
        raise JourneyError("Not now.")

    quote = sent_quote(journey, coordinator)
    hooks.register(hooks.JOURNEY_MOVED, refuse, order=999, name="test.refuse")
    try:
        result = services.quote_accept(quote_id=quote.pk, journey_id=journey.pk)
    finally:
        hooks.unregister(hooks.JOURNEY_MOVED, "test.refuse")
    assert result.created and not result.moved_to_booked
    journey.refresh_from_db()
    assert journey.stage == "inquiry" and journey.estimated_cost == D("4210.00")
    assert Quote.objects.get().status == "accepted"
