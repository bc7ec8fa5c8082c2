"""Quote versus final bill: quotes sent and accepted (and how long acceptance took), final
bills that differ from their quote (average and total variance) and the lines that most
often change at the clinic ("hidden extras"), by clinic and procedure.

Aggregates over care's Quote, Bill and BillLine rows: a few grouped queries whatever the
number of journeys. Money is never added across currencies: totals are per currency.
Its tables are defined here, next to the figures (reports.tables holds the shared Table).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, FloatField, Q, Sum
from django.db.models.functions import Cast

from care.models import Bill, BillLine, LineKind, Quote
from crm.models import Clinic
from journeys.db import Percentiles, Seconds
from reports.params import PERCENTILES, Group, ReportParams, _group_labels, _ordered_keys, _rows
from reports.speed import Spread
from reports.tables import INT, PCT, SECS, TEXT, Column, Table, _group_label

PAGE_ROWS = 30


@dataclass
class Quotes:
    """Quote versions first sent in the period (a resend does not count again)."""

    sent: int = 0
    journeys: int = 0
    accepted: int = 0
    superseded: int = 0
    to_accept: Spread = field(default_factory=Spread)

    @property
    def acceptance_rate(self) -> float | None:
        return self.accepted / self.sent if self.sent else None


def _quote_aggregates() -> dict[str, Any]:
    return {
        "sent": Count("id"),
        "journeys": Count("journey_id", distinct=True),
        "accepted": Count("id", filter=Q(accepted_at__isnull=False)),
        "superseded": Count("id", filter=Q(status="superseded")),
        "spread": Percentiles(Seconds("accepted_at", "sent_at"), PERCENTILES),
    }


def _quotes(row: dict[str, Any]) -> Quotes:
    values = row["spread"] or []
    return Quotes(
        sent=row["sent"],
        journeys=row["journeys"],
        accepted=row["accepted"],
        superseded=row["superseded"],
        to_accept=Spread(
            count=row["accepted"],
            median=values[0] if values else None,
            p90=values[1] if values else None,
        ),
    )


@dataclass
class BillRow:
    """Final bills recorded in the period at one clinic, in one currency."""

    clinic: str
    currency: str
    bills: int
    differ: int
    above: int
    acknowledged: int
    overridden: int
    average_variance: float | None  # mean of variance ÷ quote total, a share
    total_variance: Decimal
    total_increase: Decimal

    @property
    def differ_rate(self) -> float | None:
        return self.differ / self.bills if self.bills else None


@dataclass
class ExtraRow:
    """A kind of line at one clinic and procedure that changed between quote and bill."""

    clinic: str
    procedure: str
    kind: str
    changed: int  # bills where a quoted line of this kind changed
    added: int  # bills with a line of this kind the quote did not have
    bills: int  # bills of this clinic and procedure
    variance: Decimal
    currency: str

    @property
    def share(self) -> float | None:
        return (self.changed + self.added) / self.bills if self.bills else None


@dataclass
class QuoteReport:
    params: ReportParams
    quotes: Quotes
    groups: list[Group]
    bills: list[BillRow]
    bills_total: int
    bills_differ: int
    average_variance: float | None
    extras: list[ExtraRow]


_QUOTE_GROUP = {
    "coordinator": "journey__coordinator_id",
    "clinic": "journey__clinic_id",
    "procedure": "journey__procedure_id",
    "country": "journey__patient__country",
    "source": "journey__patient__source",
}


def _share() -> Any:
    # variance ÷ quote total, per bill, as a float (a zero quote counts as no change).
    return Cast(F("variance"), FloatField()) / Cast(F("quote_total"), FloatField())


def quote_report(params: ReportParams) -> QuoteReport:
    start, end = params.period.bounds()
    group_by = params.group_by
    sent = Quote.objects.filter(sent_at__gte=start, sent_at__lt=end).order_by()
    aggregates = _quote_aggregates()
    total = _quotes(sent.aggregate(**aggregates))
    groups: list[Group] = []
    if group_by:
        key = F(_QUOTE_GROUP[group_by])
        by = {
            row["key"]: _quotes(row) for row in _rows(sent.values(key=key).annotate(**aggregates))
        }
        labels = _group_labels(group_by, by)
        for k in _ordered_keys(labels, {k: q.sent for k, q in by.items()}):
            groups.append(Group(k, labels[k], by[k]))

    bills = Bill.objects.filter(
        recorded_at__gte=start, recorded_at__lt=end, quote_total__gt=0
    ).order_by()
    clinics = {c.pk: c.name for c in Clinic.objects.all().only("name")}
    bill_rows: list[BillRow] = []
    for row in _rows(
        bills.values("currency", clinic=F("journey__clinic_id")).annotate(
            bills=Count("id"),
            differ=Count("id", filter=~Q(variance=0)),
            above=Count("id", filter=Q(needs_ack=True)),
            acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)),
            overridden=Count("id", filter=Q(overridden_at__isnull=False)),
            average=Avg(_share()),
            sum_variance=Sum("variance"),
            sum_increase=Sum("variance", filter=Q(variance__gt=0)),
        )
    ):
        bill_rows.append(
            BillRow(
                clinic=clinics.get(row["clinic"], ""),
                currency=row["currency"],
                bills=row["bills"],
                differ=row["differ"],
                above=row["above"],
                acknowledged=row["acknowledged"],
                overridden=row["overridden"],
                average_variance=row["average"],
                total_variance=row["sum_variance"] or Decimal("0.00"),
                total_increase=row["sum_increase"] or Decimal("0.00"),
            )
        )
    bill_rows.sort(key=lambda r: (-r.bills, r.clinic, r.currency))
    overall = bills.aggregate(
        n=Count("id"), differ=Count("id", filter=~Q(variance=0)), avg=Avg(_share())
    )

    # Hidden extras: changed or added lines, by clinic, procedure and kind of line.
    bills_per = {
        (row["clinic"], row["procedure"]): row["n"]
        for row in _rows(
            bills.values(
                clinic=F("journey__clinic_id"), procedure=F("journey__procedure__name")
            ).annotate(n=Count("id"))
        )
    }
    lines = (
        BillLine.objects.filter(bill__in=bills)
        .exclude(amount=F("quoted_amount"))
        .order_by()
        .values(
            "kind",
            currency=F("bill__currency"),
            clinic=F("bill__journey__clinic_id"),
            procedure=F("bill__journey__procedure__name"),
        )
        .annotate(
            n_changed=Count("bill_id", distinct=True, filter=Q(quote_line__isnull=False)),
            n_added=Count("bill_id", distinct=True, filter=Q(quote_line__isnull=True)),
            difference=Sum(F("amount") - F("quoted_amount")),
        )
    )
    kinds = dict(LineKind.choices)
    extras = [
        ExtraRow(
            clinic=clinics.get(row["clinic"], ""),
            procedure=row["procedure"],
            kind=kinds.get(row["kind"], row["kind"]),
            changed=row["n_changed"],
            added=row["n_added"],
            bills=bills_per.get((row["clinic"], row["procedure"]), 0),
            variance=row["difference"] or Decimal("0.00"),
            currency=row["currency"],
        )
        for row in _rows(lines)
    ]
    extras.sort(key=lambda e: (-(e.changed + e.added), e.clinic, e.procedure, e.kind))
    return QuoteReport(
        params=params,
        quotes=total,
        groups=groups,
        bills=bill_rows,
        bills_total=overall["n"],
        bills_differ=overall["differ"],
        average_variance=overall["avg"],
        extras=extras,
    )


# --- Tables (page and CSV) ------------------------------------------------------------------

QUOTE_COLUMNS = [
    Column("Quotes sent", help="Quote versions first sent in the period (revisions count)."),
    Column("Journeys quoted"),
    Column("Accepted", help="Of those versions, accepted on the patient's page (so far)."),
    Column("Acceptance rate", PCT),
    Column("Median to accept", SECS, "From the first sending to the patient's acceptance."),
    Column("90th pct. to accept", SECS),
    Column("Revised", help="Versions replaced by a later version."),
]


def _quote_cells(q: Quotes) -> list[Any]:
    return [
        q.sent,
        q.journeys,
        q.accepted,
        q.acceptance_rate,
        q.to_accept.median,
        q.to_accept.p90,
        q.superseded,
    ]


def quote_tables(report: QuoteReport) -> list[Table]:
    quotes = Table("quotes", "Quotes", [Column("", TEXT), *QUOTE_COLUMNS])
    quotes.rows.append(["All", *_quote_cells(report.quotes)])
    tables = [quotes]
    if report.groups:
        name = _group_label(report.params.group_by)
        by = Table(
            "quotes-breakdown",
            "Quotes by " + name.lower(),
            [Column(name, TEXT), *QUOTE_COLUMNS],
            page_rows=PAGE_ROWS,
        )
        for group in report.groups:
            by.rows.append([group.label, *_quote_cells(group.current)])
        by.total = ["All", *_quote_cells(report.quotes)]
        tables.append(by)
    bills = Table(
        "bills",
        "Final bill versus quote, by clinic",
        [
            Column("Clinic", TEXT),
            Column("Currency", TEXT),
            Column("Bills"),
            Column("Differ from quote", help="Final total not equal to the accepted quote's."),
            Column("Share that differ", PCT),
            Column("Above threshold", help="Needed the patient's acknowledgment."),
            Column("Acknowledged"),
            Column("Overridden", help="A manager let the procedure go ahead without it."),
            Column("Average variance", PCT, "Mean of (bill - quote) ÷ quote, per bill."),
            Column("Total variance", INT, "Sum of bill - quote, in the currency."),
            Column("Total increases", INT, "Sum over the bills above their quote."),
        ],
        page_rows=PAGE_ROWS,
        note="Bills recorded in the period. Amounts are never added across currencies.",
    )
    for r in report.bills:
        bills.rows.append(
            [
                r.clinic,
                r.currency,
                r.bills,
                r.differ,
                r.differ_rate,
                r.above,
                r.acknowledged,
                r.overridden,
                r.average_variance,
                r.total_variance,
                r.total_increase,
            ]
        )
    currencies = {r.currency for r in report.bills}
    single = len(currencies) == 1  # money adds up only within one currency
    bills.total = [
        "All",
        next(iter(currencies)) if single else "",
        sum(r.bills for r in report.bills),
        sum(r.differ for r in report.bills),
        report.bills_differ / report.bills_total if report.bills_total else None,
        sum(r.above for r in report.bills),
        sum(r.acknowledged for r in report.bills),
        sum(r.overridden for r in report.bills),
        report.average_variance,
        sum((r.total_variance for r in report.bills), Decimal("0.00")) if single else None,
        sum((r.total_increase for r in report.bills), Decimal("0.00")) if single else None,
    ]
    tables.append(bills)
    extras = Table(
        "hidden-extras",
        "Lines that change at the clinic (“hidden extras”)",
        [
            Column("Clinic", TEXT),
            Column("Procedure", TEXT),
            Column("Line", TEXT),
            Column("Changed", help="Bills where a quoted line of this kind changed."),
            Column("Added", help="Bills with a line of this kind the quote did not have."),
            Column(
                "Share of bills", PCT, "(Changed + added) ÷ bills of this clinic and procedure."
            ),
            Column("Variance", INT, "Sum of bill - quote over these lines."),
            Column("Currency", TEXT),
        ],
        page_rows=PAGE_ROWS,
        note="Most frequent first. Bills recorded in the period.",
    )
    for e in report.extras:
        extras.rows.append(
            [e.clinic, e.procedure, e.kind, e.changed, e.added, e.share, e.variance, e.currency]
        )
    extra_currencies = {e.currency for e in report.extras}
    one = len(extra_currencies) == 1
    extras.total = [
        "All",
        "",
        "",
        sum(e.changed for e in report.extras),
        sum(e.added for e in report.extras),
        None,
        sum((e.variance for e in report.extras), Decimal("0.00")) if one else None,
        next(iter(extra_currencies)) if one else "",
    ]
    tables.append(extras)
    return tables


def quote_report_data(report: QuoteReport) -> dict[str, Any]:
    """The API's JSON (reports.api.QuoteReportView): raw values, amounts as strings."""

    def quotes(q: Quotes) -> dict[str, Any]:
        return {
            "sent": q.sent,
            "journeys": q.journeys,
            "accepted": q.accepted,
            "acceptance_rate": q.acceptance_rate,
            "median_seconds_to_accept": q.to_accept.median,
            "p90_seconds_to_accept": q.to_accept.p90,
            "revised": q.superseded,
        }

    params = report.params
    return {
        **params.period.as_dict(),
        "group_by": params.group_by or None,
        "quotes": quotes(report.quotes),
        "groups": [
            {"key": g.key, "label": g.label, "quotes": quotes(g.current)} for g in report.groups
        ],
        "bills": {
            "recorded": report.bills_total,
            "differ": report.bills_differ,
            "average_variance": report.average_variance,
            "by_clinic": [
                {
                    "clinic": r.clinic,
                    "currency": r.currency,
                    "bills": r.bills,
                    "differ": r.differ,
                    "above_threshold": r.above,
                    "acknowledged": r.acknowledged,
                    "overridden": r.overridden,
                    "average_variance": r.average_variance,
                    "total_variance": str(r.total_variance),
                    "total_increases": str(r.total_increase),
                }
                for r in report.bills
            ],
        },
        "hidden_extras": [
            {
                "clinic": e.clinic,
                "procedure": e.procedure,
                "line": e.kind,
                "changed": e.changed,
                "added": e.added,
                "share_of_bills": e.share,
                "variance": str(e.variance),
                "currency": e.currency,
            }
            for e in report.extras
        ],
    }
