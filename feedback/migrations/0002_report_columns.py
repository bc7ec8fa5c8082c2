"""Columns that let the Satisfaction report count without joining the journeys: a review
click's clinic, a recovery case's re-rating time; and an index on testimonials' consent
time. Existing rows are filled from what they point at."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    ReviewClick = apps.get_model("feedback", "ReviewClick")
    RecoveryCase = apps.get_model("feedback", "RecoveryCase")
    SurveyAnswer = apps.get_model("feedback", "SurveyAnswer")
    Journey = apps.get_model("journeys", "Journey")
    ReviewClick.objects.filter(clinic__isnull=True).update(
        clinic_id=Subquery(Journey.objects.filter(pk=OuterRef("journey_id")).values("clinic_id"))
    )
    RecoveryCase.objects.filter(rerated_at__isnull=True).update(
        rerated_at=Subquery(
            SurveyAnswer.objects.filter(journey_id=OuterRef("journey_id")).values("rerated_at")
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0005_interaction_inbound_index"),
        ("feedback", "0001_survey_testimonials_referrals_recovery"),
        ("journeys", "0008_funnel_day_rollup"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="recoverycase",
            name="rerated_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="reviewclick",
            name="clinic",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="crm.clinic",
            ),
        ),
        migrations.AddIndex(
            model_name="testimonial",
            index=models.Index(fields=["consented_at"], name="feedback_te_consent_b55a3c_idx"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
