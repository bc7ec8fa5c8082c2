"""Columns that let the Satisfaction report count without joining the journeys: a review
click's clinic, a recovery case's re-rating time; and an index on testimonials' consent
time. Existing rows are filled from what they point at."""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
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


# Managers configure each clinic's review sites and recovery-case owner in the admin.
MANAGER_MODELS = ("reviewsite", "clinicfeedback")


def grant(apps, schema_editor):
    app_config = apps.get_app_config("feedback")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [
        f"{action}_{model}"
        for model in MANAGER_MODELS
        for action in ("view", "add", "change", "delete")
    ]
    group, _ = Group.objects.get_or_create(name="Manager")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="feedback", codename__in=codenames)
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name="Manager"):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="feedback"))


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0005_interaction_inbound_index"),
        ("feedback", "0001_survey_testimonials_referrals_recovery"),
        ("journeys", "0008_funnel_day_rollup"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
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
        migrations.RunPython(grant, revoke),
    ]
