"""Care: escalations (how fast someone acknowledged and resolved them, how many went past
the managers' deadline) and after-care plan completion. Reads care's rows with database
aggregates: one query per table, whatever the number of journeys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, Value
from django.utils import timezone

from care.models import Escalation, JourneyStep, StepStatus
from care.selectors import UNCONFIRMED_AFTER_DAYS
from crm.models import Clinic
from journeys.db import Percentiles, Seconds
from reports.params import (
    PERCENTILES,
    TOTAL,
    Group,
    ReportParams,
    _group_labels,
    _ordered_keys,
    _rows,
)
from reports.speed import Spread

# Escalations group by who had to answer when it opened (its own coordinator and clinic
# columns), the rest through the journey.
_ESCALATION_GROUP = {
    "coordinator": "coordinator_id",
    "clinic": "clinic_id",
    "procedure": "journey__procedure_id",
    "country": "journey__patient__country",
    "source": "journey__patient__source",
}


@dataclass
class Escalations:
    opened: int = 0
    acknowledged: int = 0
    resolved: int = 0
    still_open: int = 0
    past_deadline: int = 0  # acknowledged after the deadline, or not at all and it passed
    to_acknowledge: Spread = field(default_factory=Spread)
    to_resolve: Spread = field(default_factory=Spread)

    @property
    def past_deadline_rate(self) -> float | None:
        return self.past_deadline / self.opened if self.opened else None


def _escalation_aggregates(now: dt.datetime) -> dict[str, Any]:
    ack = Seconds("acknowledged_at", "opened_at")
    resolve = Seconds("resolved_at", "opened_at")
    return {
        "opened": Count("id"),
        "acknowledged": Count("acknowledged_at"),
        "resolved": Count("resolved_at"),
        "still_open": Count("id", filter=Q(resolved_at__isnull=True)),
        "past_deadline": Count(
            "id",
            filter=Q(acknowledged_at__gt=F("deadline_at"))
            | Q(acknowledged_at__isnull=True, deadline_at__lt=now),
        ),
        "ack": Percentiles(ack, PERCENTILES),
        "res": Percentiles(resolve, PERCENTILES),
    }


def _spread(count: int, values: list[float] | None) -> Spread:
    if not values:
        return Spread(count=count)
    return Spread(count=count, median=values[0], p90=values[1])


def _escalations(row: Mapping[str, Any]) -> Escalations:
    return Escalations(
        opened=row["opened"],
        acknowledged=row["acknowledged"],
        resolved=row["resolved"],
        still_open=row["still_open"],
        past_deadline=row["past_deadline"],
        to_acknowledge=_spread(row["acknowledged"], row["ack"]),
        to_resolve=_spread(row["resolved"], row["res"]),
    )


@dataclass
class PlanCompletion:
    """Must-confirm after-care steps due in the period. On time: confirmed within the
    grace days after their date (before My day flags them); late: confirmed after;
    missed: still open after the grace; problem: the patient reported one."""

    due: int = 0
    on_time: int = 0
    late: int = 0
    problem: int = 0
    missed: int = 0
    waiting: int = 0  # still open, within the grace days

    @property
    def confirmed(self) -> int:
        return self.on_time + self.late

    @property
    def confirmed_rate(self) -> float | None:
        return self.confirmed / self.due if self.due else None


@dataclass
class PlanRow:
    procedure: str
    clinic: str
    completion: PlanCompletion


@dataclass
class CareReport:
    params: ReportParams
    escalations: Escalations
    groups: list[Group]
    plans: list[PlanRow]
    plans_total: PlanCompletion


def care_report(params: ReportParams, *, now: dt.datetime | None = None) -> CareReport:
    now = now or timezone.now()
    start, end = params.period.bounds()
    group_by = params.group_by
    key = F(_ESCALATION_GROUP[group_by]) if group_by else Value(TOTAL)
    aggregates = _escalation_aggregates(now)
    escalations = Escalation.objects.filter(opened_at__gte=start, opened_at__lt=end).order_by()
    total_row = escalations.aggregate(**aggregates)
    groups: list[Group] = []
    if group_by:
        by = {
            row["key"]: _escalations(row)
            for row in _rows(escalations.values(key=key).annotate(**aggregates))
        }
        labels = _group_labels(group_by, by)
        for k in _ordered_keys(labels, {k: e.opened for k, e in by.items()}):
            groups.append(Group(k, labels[k], by[k]))

    # After-care steps due in the period (dates in the project's time zone).
    first = timezone.localdate(start)
    last = timezone.localdate(end - dt.timedelta(microseconds=1))
    grace = dt.timedelta(days=UNCONFIRMED_AFTER_DAYS)
    today = timezone.localdate(now)
    done = Q(status=StepStatus.DONE)
    # A step's deadline: the end of its date plus the grace days, as a timestamp.
    steps = (
        JourneyStep.objects.filter(must_confirm=True, due_on__gte=first, due_on__lte=last)
        .order_by()
        .values(name=F("journey__procedure__name"), clinic=F("journey__clinic_id"))
        .annotate(
            due=Count("id", filter=Q(due_on__lte=today)),
            on_time=Count("id", filter=done & Q(answered_at__date__lte=F("due_on") + grace)),
            late=Count("id", filter=done & Q(answered_at__date__gt=F("due_on") + grace)),
            problem=Count("id", filter=Q(status=StepStatus.PROBLEM)),
            missed=Count("id", filter=Q(status=StepStatus.OPEN, due_on__lt=today - grace)),
            waiting=Count(
                "id", filter=Q(status=StepStatus.OPEN, due_on__gte=today - grace, due_on__lte=today)
            ),
        )
    )
    clinics = {c.pk: c.name for c in Clinic.objects.all().only("name")}
    plans: list[PlanRow] = []
    total = PlanCompletion()
    for row in _rows(steps):
        completion = PlanCompletion(
            due=row["due"],
            on_time=row["on_time"],
            late=row["late"],
            problem=row["problem"],
            missed=row["missed"],
            waiting=row["waiting"],
        )
        for name in PlanCompletion.__dataclass_fields__:
            setattr(total, name, getattr(total, name) + getattr(completion, name))
        plans.append(PlanRow(row["name"], clinics.get(row["clinic"], ""), completion))
    plans.sort(key=lambda p: (-p.completion.due, p.procedure, p.clinic))
    return CareReport(
        params=params,
        escalations=_escalations(total_row),
        groups=groups,
        plans=plans,
        plans_total=total,
    )
