"""Booked risk against what happened: of the journeys booked in the period, how many
arrived, were lost or postponed before arriving, per risk level at booking and at T-14
(care.RiskSnapshot). If the score predicts no-shows, the show rate falls from low to high;
if it does not, tune the points and thresholds (README "Booked-risk flags"). One query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from care.models import RiskLevel, RiskMoment, RiskSnapshot
from journeys.models import Outcome
from reports.params import ReportParams


@dataclass
class RiskRow:
    moment: str
    level: int
    journeys: int = 0
    arrived: int = 0
    lost: int = 0
    postponed: int = 0

    @property
    def still_booked(self) -> int:
        return self.journeys - self.arrived - self.lost - self.postponed

    @property
    def show_rate(self) -> float | None:
        """Arrived among those whose booking is settled (arrived, lost or postponed)."""
        settled = self.arrived + self.lost + self.postponed
        return self.arrived / settled if settled else None

    @property
    def moment_label(self) -> str:
        return RiskMoment(self.moment).label

    @property
    def level_label(self) -> str:
        return RiskLevel(self.level).label


@dataclass
class RiskReport:
    params: ReportParams
    rows: list[RiskRow]


def risk_report(params: ReportParams) -> RiskReport:
    """Journeys whose booking snapshot was taken in the period (booked then), with both
    of their snapshots, by moment and level."""
    start, end = params.period.bounds()
    booked = RiskSnapshot.objects.filter(
        moment=RiskMoment.BOOKING, taken_at__gte=start, taken_at__lt=end
    ).values("journey_id")
    not_arrived = Q(journey__arrived_at__isnull=True)
    found: dict[tuple[str, int], Any] = {
        (row["moment"], row["level"]): row
        for row in RiskSnapshot.objects.filter(journey_id__in=booked)
        .values("moment", "level")
        .annotate(
            journeys=Count("pk"),
            arrived=Count("pk", filter=Q(journey__arrived_at__isnull=False)),
            lost=Count("pk", filter=not_arrived & Q(journey__outcome=Outcome.LOST)),
            postponed=Count("pk", filter=not_arrived & Q(journey__outcome=Outcome.POSTPONED)),
        )
        .order_by()
    }
    rows = []
    for moment in RiskMoment.values:
        for level in RiskLevel.values:
            row: dict[str, Any] = found.get((moment, level), {})
            rows.append(
                RiskRow(
                    moment=moment,
                    level=level,
                    journeys=row.get("journeys", 0),
                    arrived=row.get("arrived", 0),
                    lost=row.get("lost", 0),
                    postponed=row.get("postponed", 0),
                )
            )
    return RiskReport(params=params, rows=rows)
