"""First-entry time of each stage on the journey row, for the managers' funnel, backfilled
from the event timeline (the source of truth) in one statement."""

from django.db import migrations, models

# A frozen copy of journeys.services.journeys_backfill_reached's statement: migrations must
# not import code that may change after them. Stage-entering events are created, advanced,
# stepped back and reopened; lost/postponed/completed events keep the stage they happened in.
BACKFILL = """
UPDATE journeys_journey SET
    booked_at = ev.booked_at,
    arrived_at = ev.arrived_at,
    procedure_at = ev.procedure_at,
    followup_at = ev.followup_at,
    times_postponed = ev.times_postponed
FROM (
    SELECT
        journey_id,
        MIN(created_at) FILTER (WHERE to_stage = 'booked' AND kind IN ('advanced', 'stepped_back', 'reopened')) AS booked_at,
        MIN(created_at) FILTER (WHERE to_stage = 'arrival' AND kind IN ('advanced', 'stepped_back', 'reopened')) AS arrived_at,
        MIN(created_at) FILTER (WHERE to_stage = 'procedure' AND kind IN ('advanced', 'stepped_back', 'reopened')) AS procedure_at,
        MIN(created_at) FILTER (WHERE to_stage = 'followup' AND kind IN ('advanced', 'stepped_back', 'reopened')) AS followup_at,
        COUNT(*) FILTER (WHERE kind = 'postponed') AS times_postponed
    FROM journeys_journeyevent
    GROUP BY journey_id
) AS ev
WHERE journeys_journey.id = ev.journey_id
"""


def backfill(apps, schema_editor):
    # UPDATE ... FROM and FILTER work on PostgreSQL and on SQLite >= 3.33.
    schema_editor.execute(BACKFILL)


class Migration(migrations.Migration):
    dependencies = [
        ("journeys", "0005_coordinator_date_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="journey",
            name="booked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="journey",
            name="arrived_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="journey",
            name="procedure_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="journey",
            name="followup_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="journey",
            name="times_postponed",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
