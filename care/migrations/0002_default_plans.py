"""The shipped after-care plans (care/default_plans.py, read when this runs, as followups'
0002 reads its default content) and the roles' permissions: managers edit plans and
steps in the admin; coordinators and managers view escalations, check-ins and steps.
Existing plans of the same procedure name are never overwritten."""

import importlib

from django.contrib.auth.management import create_permissions
from django.db import migrations

COORDINATOR = [
    ("aftercareplan", ("view",)),
    ("aftercarestep", ("view",)),
    ("escalation", ("view",)),
    ("checkin", ("view",)),
    ("journeystep", ("view",)),
]
MANAGER = [
    ("aftercareplan", ("view", "add", "change", "delete")),
    ("aftercarestep", ("view", "add", "change", "delete")),
    ("escalation", ("view",)),
    ("checkin", ("view",)),
    ("journeystep", ("view",)),
]


def create_plans(apps, schema_editor):
    Plan = apps.get_model("care", "AfterCarePlan")
    Step = apps.get_model("care", "AfterCareStep")
    plans = importlib.import_module("care.default_plans").PLANS
    for name, steps in plans.items():
        if Plan.objects.filter(procedure_name__iexact=name).exists():
            continue
        plan = Plan.objects.create(name=f"{name} after-care", procedure_name=name)
        for anchor, offset, confirm, texts in steps:
            fields = {"plan": plan, "anchor": anchor, "day_offset": offset, "must_confirm": confirm}
            for language, (title, text) in texts.items():
                fields[f"title_{language}"] = title
                fields[f"text_{language}"] = text
            Step.objects.create(**fields)


def remove_plans(apps, schema_editor):
    plans = importlib.import_module("care.default_plans").PLANS
    apps.get_model("care", "AfterCarePlan").objects.filter(
        procedure_name__in=list(plans), procedure__isnull=True
    ).delete()


def grant(apps, schema_editor):
    app_config = apps.get_app_config("care")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in (("Coordinator", COORDINATOR), ("Manager", MANAGER)):
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [f"{action}_{model}" for model, actions in grants for action in actions]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="care", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(
        name__in=["Coordinator", "Manager"]
    ):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="care"))


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0001_initial"),
        ("crm", "0003_staff_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_plans, remove_plans),
        migrations.RunPython(grant, revoke),
    ]
