"""Create (or update) an intake site and print a new key for its JSON endpoint.

    .venv/bin/python manage.py intake_site portal --name "Price portal" \
        --embed-origin https://www.clinic.example

The key is printed once (only its hash is stored); running the command again for the
same slug makes a new key and the old one stops working.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.text import slugify

from intake.models import IntakeSite
from intake.services import site_key_rotate


class Command(BaseCommand):
    help = "Create or update an intake site (/inquire/<slug>/) and print a new JSON key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", default="")
        parser.add_argument(
            "--embed-origin",
            action="append",
            default=[],
            help="An origin allowed to embed the form (repeat for several).",
        )

    def handle(
        self, *args: Any, slug: str, name: str, embed_origin: list[str], **options: Any
    ) -> None:
        if slugify(slug) != slug or slug in {"thanks", "submit.json"}:
            raise CommandError(f"{slug!r} is not a usable slug (lower-case letters, digits, -).")
        for origin in embed_origin:
            if not origin.startswith(("https://", "http://")) or " " in origin:
                raise CommandError(f"{origin!r} is not an origin like https://www.clinic.example.")
        site, created = IntakeSite.objects.get_or_create(slug=slug, defaults={"name": name or slug})
        fields = []
        if name and site.name != name:
            site.name = name
            fields.append("name")
        if embed_origin:
            site.embed_origins = "\n".join(embed_origin)
            fields.append("embed_origins")
        if fields:
            site.save(update_fields=fields)
        key = site_key_rotate(site_id=site.pk)
        self.stdout.write(
            f"{'Created' if created else 'Updated'} intake site {slug!r}: form at "
            f"/inquire/{slug}/. Its JSON key (shown once):\n{key}"
        )
