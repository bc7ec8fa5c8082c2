"""Recovery cases past their deadline, unresolved: one email to the manager(s) (issue 13).
Cases already past their deadline when this runs are stamped as notified (they show "late"
on My day already): deploying must not send a burst of old notices."""

from django.conf import settings
from django.db import migrations, models


def mark_overdue_notified(apps, schema_editor):
    """Cases already past their deadline at deploy count as notified: no burst of old
    notices."""
    from django.utils import timezone

    RecoveryCase = apps.get_model("feedback", "RecoveryCase")
    RecoveryCase.objects.filter(status="open", deadline_at__lte=timezone.now()).update(
        late_notice_sent_at=models.F("deadline_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0005_interaction_inbound_index"),
        ("feedback", "0002_report_columns"),
        ("journeys", "0008_funnel_day_rollup"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="recoverycase",
            name="late_notice_claimed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="recoverycase",
            name="late_notice_sent_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="recoverycase",
            index=models.Index(
                condition=models.Q(("late_notice_sent_at__isnull", True), ("status", "open")),
                fields=["deadline_at"],
                name="recovery_late_notice_due",
            ),
        ),
        # The ORM, not SQL: `now()` is PostgreSQL's, and `make run` migrates SQLite.
        migrations.RunPython(mark_overdue_notified, migrations.RunPython.noop),
    ]
