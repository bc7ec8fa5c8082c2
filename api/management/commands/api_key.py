"""Make or revoke an API key from the command line (managers can also use the admin).

manage.py api_key create --user manager --name "Website CMS" [--scope read_write]
manage.py api_key revoke --id 3
manage.py api_key list
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.models import ApiKey, Scope
from api.services import ApiKeyError, api_key_create, api_key_revoke


class Command(BaseCommand):
    help = "Make, list or revoke API keys (the key is printed once, when it is made)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "revoke", "list"])
        parser.add_argument("--user", help="The person the key acts as (username).")
        parser.add_argument("--name", default="Integration", help="What uses the key.")
        parser.add_argument("--scope", choices=Scope.values, default=Scope.READ)
        parser.add_argument("--id", type=int, help="The key to revoke (see list).")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            for key in ApiKey.objects.select_related("user").order_by("pk"):
                state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
                used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
                self.stdout.write(
                    f"{key.pk:>4}  {key.prefix}…  {key.name}  as {key.user.username}  "
                    f"{key.scope}  {state}, last used {used}"
                )
            return
        if action == "revoke":
            if not options["id"] or not ApiKey.objects.filter(pk=options["id"]).exists():
                raise CommandError("Give --id of an existing key (manage.py api_key list).")
            api_key_revoke(key_id=options["id"], actor=None)
            self.stdout.write(f"Key {options['id']} revoked.")
            return
        user = User.objects.filter(username=options["user"] or "").first()
        if user is None:
            raise CommandError("Give --user, the username the key acts as.")
        try:
            key, raw = api_key_create(
                name=options["name"], user=user, scope=options["scope"], actor=None
            )
        except ApiKeyError as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write(
            f"Key {key.pk} for {key.name}, acting as {user.username} ({key.scope}). "
            "It is shown once; only its hash is kept:"
        )
        self.stdout.write(raw)
