"""Re-sync the default templates from followups/default_content.py (the data migration only
runs once). Existing templates are kept unless --overwrite; rules are never touched."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from followups import default_content
from followups.models import MessageTemplate
from followups.services import template_save


class Command(BaseCommand):
    help = "Create missing default message templates (or overwrite them with --overwrite)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--overwrite", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        created = updated = 0
        for key, languages in default_content.TEMPLATES.items():
            for language, parts in languages.items():
                existing = MessageTemplate.objects.filter(key=key, language=language).first()
                if existing is not None and not options["overwrite"]:
                    continue
                try:
                    template_save(
                        key=key,
                        language=language,
                        subject=parts["subject"],
                        text=parts["text"],
                        html=parts["html"],
                        template_id=existing.pk if existing else None,
                    )
                except ValidationError as exc:
                    raise CommandError(f"{key} [{language}]: {exc.message_dict}") from exc
                if existing is None:
                    created += 1
                else:
                    updated += 1
        self.stdout.write(f"created {created}, updated {updated}")
