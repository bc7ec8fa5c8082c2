"""The index the API's coordinator journey list walks (coordinator, stage, id).

Created with IF NOT EXISTS so a database that already has it (the kept benchmark database,
where it was tried first) migrates forward whatever number this migration ends up with."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("journeys", "0008_funnel_day_rollup"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="journey",
                    index=models.Index(
                        fields=["coordinator", "stage", "id"], name="journey_coord_stage_id"
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'CREATE INDEX IF NOT EXISTS "journey_coord_stage_id" ON "journeys_journey" '
                    '("coordinator_id", "stage", "id")',
                    reverse_sql='DROP INDEX IF EXISTS "journey_coord_stage_id"',
                ),
            ],
        ),
    ]
