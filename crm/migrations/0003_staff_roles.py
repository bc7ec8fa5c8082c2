"""Staff roles as groups. Permissions are created here (they normally appear only after
post_migrate) so a fresh database has working roles straight after `migrate`."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# (app_label, model, actions)
COORDINATOR = [
    ("crm", "patient", ("view", "add", "change")),
    ("crm", "interaction", ("view", "add", "change")),
    ("crm", "clinic", ("view",)),
    ("crm", "procedure", ("view",)),
    ("journeys", "journey", ("view", "add", "change")),
    ("journeys", "journeyevent", ("view",)),
]
MANAGER = [
    ("crm", "patient", ("view", "add", "change", "delete")),
    ("crm", "interaction", ("view", "add", "change", "delete")),
    ("crm", "clinic", ("view", "add", "change")),
    ("crm", "procedure", ("view", "add", "change")),
    ("journeys", "journey", ("view", "add", "change")),
    ("journeys", "journeyevent", ("view",)),
]


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in (("Coordinator", COORDINATOR), ("Manager", MANAGER)):
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [
            (app_label, f"{action}_{model}")
            for app_label, model, actions in grants
            for action in actions
        ]
        perms = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in codenames
        ]
        group.permissions.add(*perms)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Coordinator", "Manager"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("crm", "0002_initial"),
        ("journeys", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
