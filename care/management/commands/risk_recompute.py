"""`manage.py risk_recompute`: every booked journey's risk now (what the nightly beat entry
does), then, with --tune, how well each reason and level predicted who came.

Use it after an upgrade (booked journeys have no risk until their first recompute), after
editing the word lists, and to tune RISK_WATCH_SCORE / RISK_HIGH_SCORE (README
"Booked-risk flags")."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from care.models import RiskLevel, RiskMoment, RiskSnapshot
from care.risk import registry
from care.risk.services import BATCH_SIZE, risk_recompute_all
from journeys.models import Outcome


class Command(BaseCommand):
    help = "Recompute every booked journey's risk; --tune prints show rates per reason."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument(
            "--tune",
            action="store_true",
            help="Also print, from the T-14 snapshots of settled bookings, the show rate "
            "per reason and per level.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stats = risk_recompute_all(batch_size=max(1, options["batch_size"]))
        levels = stats.levels or {}
        self.stdout.write(
            f"Recomputed {stats.journeys:,} booked journeys in {stats.seconds:.1f} s "
            f"({stats.batches} batches): "
            + ", ".join(f"{RiskLevel(k).label.lower()} {v:,}" for k, v in sorted(levels.items()))
            + f"; {stats.t14_snapshots:,} T-14 snapshots due."
        )
        if options["tune"]:
            self._tune()

    def _tune(self) -> None:
        """Show rate (arrived / settled) per reason and per level at T-14. A reason whose
        show rate is close to that of "no reason" predicts nothing: lower its points; one
        far below deserves more."""
        came: Counter[str] = Counter()
        settled: Counter[str] = Counter()
        for codes, level, arrived, outcome in (
            RiskSnapshot.objects.filter(moment=RiskMoment.T14)
            .values_list("codes", "level", "journey__arrived_at", "journey__outcome")
            .iterator(chunk_size=5000)
        ):
            if arrived is None and outcome == Outcome.ACTIVE:
                continue  # not settled yet
            keys = [f"reason {code}" for code in codes] or ["reason (none)"]
            keys.append(f"level {RiskLevel(level).label.lower()}")
            for key in keys:
                settled[key] += 1
                came[key] += arrived is not None
        self.stdout.write(
            f"T-14 show rate of settled bookings (RISK_WATCH_SCORE={settings.RISK_WATCH_SCORE},"
            f" RISK_HIGH_SCORE={settings.RISK_HIGH_SCORE}):"
        )
        points = {reason.code: reason.points for reason in registry.reasons()}
        for key in sorted(settled):
            code = key.removeprefix("reason ")
            extra = f" ({points[code]} points)" if code in points else ""
            rate = came[key] / settled[key]
            self.stdout.write(f"  {key:<28} {rate:6.1%} of {settled[key]:>7,}{extra}")
