"""`manage.py reports_rebuild`: recount the funnel rollup (journeys.models.FunnelDay).

Needed after changing TIME_ZONE (the rollup counts its days), after writing journeys around
journey_create/journey_move, or to repair a rollup that disagrees with the journeys.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from journeys.services import journeys_rebuild_funnel_days


class Command(BaseCommand):
    help = "Recount the funnel rollup (FunnelDay) from the journeys."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = journeys_rebuild_funnel_days()
        self.stdout.write(f"Recounted the funnel rollup: {rows:,} rows.")
