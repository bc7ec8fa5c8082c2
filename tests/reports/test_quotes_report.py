"""The Quotes and bills tab, its CSV and API, checked against a recount in Python; and the
demo seeder's quotes and bills, consistent with what the services would have written."""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from decimal import Decimal

import pytest
from django.urls import reverse

from care.models import Bill, BillLine, Quote, QuoteStatus
from care.quotes import services
from care.quotes.money import Threshold
from care.quotes.services import LineInput
from crm import demo
from journeys.models import Journey
from journeys.services import journey_create, journey_move
from reports.params import Period, ReportParams, parse_params
from reports.quotes import quote_report
from tests.conftest import make_patient

pytestmark = pytest.mark.django_db

D = Decimal


def _quoted(procedure, coordinator, *, accept_after: dt.timedelta | None):  # type: ignore[no-untyped-def]
    journey = journey_create(
        patient=make_patient(), procedure=procedure, actor=coordinator, coordinator=coordinator
    )
    quote = services.quote_create(
        journey_id=journey.pk,
        actor=coordinator,
        lines=[
            LineInput("procedure", "Implants surgery", D(1), D("2000")),
            LineInput("extra", "Implants", D(4), D("500")),
        ],
        currency="EUR",
        valid_until=dt.date.today() + dt.timedelta(days=30),
    )
    now = dt.datetime.now(dt.UTC)
    services.quote_send(quote_id=quote.pk, actor=coordinator, now=now)
    if accept_after is not None:
        services.quote_accept(quote_id=quote.pk, journey_id=journey.pk, now=now + accept_after)
    return journey, quote


def _bill(journey, quote, coordinator, implants: str, extra: str | None = None) -> Bill:  # type: ignore[no-untyped-def]
    journey_move(journey_id=journey.pk, target="arrival", actor=coordinator)
    quoted = list(quote.lines.order_by("position"))
    lines = [
        LineInput("procedure", "Implants surgery", D(1), D("2000"), quoted[0].pk),
        LineInput("extra", "Implants", D(implants), D("500"), quoted[1].pk, "More needed."),
    ]
    if extra:
        lines.append(LineInput("tests", "CT scan", D(1), D(extra), None, "Surgeon asked."))
    return services.bill_record(journey_id=journey.pk, actor=coordinator, lines=lines)


def test_the_report_matches_a_recount(client, procedure, coordinator, manager, settings) -> None:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    a, qa = _quoted(procedure, coordinator, accept_after=dt.timedelta(hours=2))
    b, qb = _quoted(procedure, coordinator, accept_after=dt.timedelta(hours=10))
    _quoted(procedure, coordinator, accept_after=None)  # sent, never accepted
    _bill(a, qa, coordinator, "4")  # as quoted
    _bill(b, qb, coordinator, "5", extra="200")  # +500 +200 = +700 (17.5 %)

    today = dt.date.today()
    params = parse_params(
        {
            "from": (today - dt.timedelta(days=3)).isoformat(),
            "to": today.isoformat(),
            "group_by": "clinic",
        }
    )
    report = quote_report(params)
    quotes = Quote.objects.exclude(sent_at=None)
    assert report.quotes.sent == quotes.count() == 3
    assert report.quotes.accepted == quotes.exclude(accepted_at=None).count() == 2
    waits = [(q.accepted_at - q.sent_at).total_seconds() for q in quotes.exclude(accepted_at=None)]
    assert report.quotes.to_accept.median == pytest.approx(statistics.median(waits))
    assert [g.current.sent for g in report.groups] == [3]

    bills = list(Bill.objects.all())
    [row] = report.bills
    assert (row.bills, row.differ, row.above, row.currency) == (2, 1, 1, "EUR")
    assert row.total_variance == sum(bill.variance for bill in bills) == D("700.00")
    assert row.average_variance == pytest.approx(
        statistics.mean(float(bill.variance / bill.quote_total) for bill in bills)
    )
    extras = {(e.kind, e.changed, e.added, e.variance) for e in report.extras}
    assert extras == {
        ("Extra per unit (grafts, implants…)", 1, 0, D("500.00")),
        ("Tests", 0, 1, D("200.00")),
    }
    assert report.bills_differ == sum(1 for bill in bills if bill.variance) == 1

    client.force_login(manager)
    page = client.get(reverse("reports:quotes"), {"group_by": "clinic"})
    assert page.status_code == 200 and "Lines that change at the clinic" in page.content.decode()
    download = client.get(reverse("reports:csv", args=["hidden-extras"]))
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0][:3] == ["Clinic", "Procedure", "Line"] and len(rows) == 4  # and the total
    assert rows[-1][:5] == ["All", "", "", "1", "1"]
    api = client.get("/api/v1/reports/quotes/").json()
    assert api["quotes"]["sent"] == 3 and api["bills"]["by_clinic"][0]["total_variance"] == "700.00"
    assert client.get("/api/v1/reports/quotes/", {"from": "nonsense"}).status_code == 400
    client.force_login(coordinator)
    assert client.get("/api/v1/reports/quotes/").status_code == 403


def test_demo_seed_writes_quotes_and_bills_like_the_services(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo.ensure_demo_staff("pw-demo")
    demo.seed(patients=200, writer="orm")
    assert Quote.objects.filter(status=QuoteStatus.SUPERSEDED).exists()  # revised
    assert Quote.objects.filter(status=QuoteStatus.SENT).exists()
    threshold = Threshold.from_settings()
    booked = Journey.objects.filter(booked_at__isnull=False, estimated_cost__isnull=False)
    for journey in booked:
        accepted = Quote.objects.get(journey=journey, status=QuoteStatus.ACCEPTED)
        assert accepted.total == journey.estimated_cost  # the accepted quote feeds the estimate
        assert accepted.total == sum(line.amount for line in accepted.lines.all())
    bills = list(Bill.objects.all())
    assert bills and any(b.variance > 0 for b in bills) and any(b.variance < 0 for b in bills)
    for bill in bills:
        lines = list(BillLine.objects.filter(bill=bill))
        assert bill.total == sum(line.amount for line in lines)
        assert bill.variance == bill.total - bill.quote_total
        assert bill.needs_ack == threshold.exceeded(bill.quote_total, bill.variance)
        if bill.needs_ack:
            assert all(line.reason for line in lines if line.changed)
    # A bill that waits for the patient holds only journeys still at arrival.
    for bill in bills:
        if bill.blocks_procedure:
            assert Journey.objects.get(pk=bill.journey_id).procedure_at is None
    whole = ReportParams(period=Period(dt.date(2020, 1, 1), dt.date.today()), compare=False)
    assert quote_report(whole).quotes.sent == Quote.objects.exclude(sent_at=None).count()
