"""Recovery cases past their deadline, unresolved: one email to the manager(s) (issue 13).
Cases already past their deadline when this runs are stamped as notified (they show "late"
on My day already): deploying must not send a burst of old notices."""

from django.conf import settings
from django.db import migrations, models


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
        migrations.RunSQL(
            "UPDATE feedback_recoverycase SET late_notice_sent_at = deadline_at "
            "WHERE status = 'open' AND deadline_at <= now()",
            migrations.RunSQL.noop,
        ),
    ]
