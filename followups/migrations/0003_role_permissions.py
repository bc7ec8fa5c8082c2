"""Follow-ups permissions for the staff roles (crm/migrations/0003_staff_roles.py made the
groups): coordinators see the schedule and mail and send one-off emails; managers also
edit templates and cadence rules and send or cancel scheduled messages."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

COORDINATOR = [
    ("messagetemplate", ("view",)),
    ("cadencerule", ("view",)),
    ("scheduledmessage", ("view",)),
    ("message", ("view", "add")),
    ("messageevent", ("view",)),
]
MANAGER = [
    ("messagetemplate", ("view", "add", "change")),
    ("cadencerule", ("view", "add", "change")),
    ("scheduledmessage", ("view", "change")),
    ("message", ("view", "add")),
    ("messageevent", ("view",)),
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("followups")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in (("Coordinator", COORDINATOR), ("Manager", MANAGER)):
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [f"{action}_{model}" for model, actions in grants for action in actions]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="followups", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(
        name__in=["Coordinator", "Manager"]
    ):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="followups"))


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0002_default_cadences"),
        ("crm", "0003_staff_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
