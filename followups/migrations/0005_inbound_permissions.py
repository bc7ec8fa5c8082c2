"""Permissions for inbound mail: coordinators and managers read raw emails and
attachments, work the triage inbox (change = attach, create inquiry, dismiss) and keep
their own notification preference (the admin limits each person to their own row)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = [
    ("rawemail", ("view",)),
    ("attachment", ("view",)),
    ("triageitem", ("view", "change")),
    ("notificationpreference", ("view", "add", "change")),
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("followups")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model, actions in GRANTS for action in actions]
    permissions = Permission.objects.filter(
        content_type__app_label="followups", codename__in=codenames
    )
    for name in ("Coordinator", "Manager"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model, actions in GRANTS for action in actions]
    for group in apps.get_model("auth", "Group").objects.filter(
        name__in=["Coordinator", "Manager"]
    ):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="followups", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0004_inbound_email"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
