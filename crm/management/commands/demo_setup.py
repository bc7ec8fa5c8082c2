"""`manage.py demo_setup`: demo logins plus demo data, once. `make run` calls it every time.

Idempotent: creates the demo logins that are missing (never resets a password), prints
them, and loads demo data only into a database without journeys.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse

from crm import demo
from crm.env import env_str, local_url
from crm.management.commands.seed_demo import refuse_without_debug, run_seed
from crm.roles import COORDINATOR
from intake.services import rule_ensure
from journeys.models import Journey


class Command(BaseCommand):
    help = (
        "Create the demo logins if missing (password from DEMO_PASSWORD, default "
        f"{demo.DEFAULT_PASSWORD}), print them, and load demo data when there are no "
        "journeys yet."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--patients", type=int, default=300, help="Demo patients to load (default 300)."
        )
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED)
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_without_debug(options["force"])
        password = env_str("DEMO_PASSWORD", demo.DEFAULT_PASSWORD)
        try:
            # The same rules as any staff password (12+ characters, not common).
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(f"DEMO_PASSWORD is refused: {' '.join(exc.messages)}") from None
        with transaction.atomic():
            logins = demo.ensure_demo_staff(password)
            # The demo coordinators take new inquiries automatically (intake/): their
            # languages and share of the work, as the demo data assigns them.
            users = dict(
                get_user_model()
                .objects.filter(username__in=[s.username for s in demo.DEMO_STAFF])
                .values_list("username", "pk")
            )
            for staff in demo.DEMO_STAFF:
                if staff.role == COORDINATOR and staff.username in users:
                    rule_ensure(
                        user_id=users[staff.username],
                        languages=list(staff.languages),
                        capacity=round(staff.capacity * 100),
                    )

        # Where `make run` really serves (RUN_HOST/RUN_PORT), which is what a developer
        # opens; SITE_URL (the links in emails) is named too when it points elsewhere.
        served = local_url(settings.RUN_HOST, settings.RUN_PORT)
        self.stdout.write(f"Demo logins at {served}{reverse('login')}:")
        for login in logins:
            state = "created" if login.created else "exists"
            self.stdout.write(
                f"  {login.username:<12} {login.role:<12} {login.full_name:<18} ({state})"
            )
        self.stdout.write(f"  password: {password}")
        if not any(login.created for login in logins):
            # Only the main login is checked: each check is a deliberately slow hash.
            user = get_user_model().objects.get(username=demo.DEMO_STAFF[0].username)
            if not user.check_password(password):
                self.stdout.write(
                    self.style.WARNING(
                        "  The existing demo logins have a different password (changed since "
                        "they were created); it was left alone. Reset one with "
                        "`manage.py changepassword coordinator`."
                    )
                )

        if served != settings.SITE_URL:
            self.stdout.write(f"  (links in emails point to SITE_URL={settings.SITE_URL})")

        journeys = Journey.objects.count()
        if journeys:
            self.stdout.write(
                f"Demo data is already there ({journeys:,} journeys); nothing loaded."
            )
            return
        if options["patients"] < 1:
            return
        self.stdout.write(f"Loading demo data: {options['patients']:,} patients...")
        run_seed(
            self,
            patients=options["patients"],
            seed=options["seed"],
            batch_size=demo.DEFAULT_BATCH_SIZE,
            writer="auto",
            verbosity=options["verbosity"],
        )
