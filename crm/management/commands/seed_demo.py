"""`manage.py seed_demo --patients N`: add N believable demo patients with their journeys.

Parses options, calls crm.demo.seed, reports. Each run adds patients (emails continue the
numbering of earlier runs); `demo_setup` is the idempotent entry point `make run` uses.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from crm import demo

# Below this many patients a run takes about a second: no progress bar.
PROGRESS_FROM = 5_000


class ProgressBar:
    """A one-line bar on a terminal, redrawn in place; nothing at all when not a TTY."""

    def __init__(self, stream: TextIO, *, enabled: bool, label: str = "Seeding") -> None:
        self.stream = stream
        self.enabled = enabled
        self.label = label
        self.started = time.perf_counter()
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        width = 30
        filled = width * done // total
        elapsed = time.perf_counter() - self.started
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
            f"{done:,}/{total:,} patients  {elapsed:5.1f} s"
        )
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def refuse_without_debug(force: bool) -> None:
    # Demo data is fake patients and logins with a published password: never by accident
    # on a production database. `make run`/`make demo` set DEBUG=1.
    if not settings.DEBUG and not force:
        raise CommandError(
            "Demo data is for development: it runs only with DEBUG=1. "
            "Pass --force to load it anyway (never on a database with real patients)."
        )


def run_seed(
    command: BaseCommand,
    *,
    patients: int,
    seed: int,
    batch_size: int,
    writer: str,
    verbosity: int = 1,
) -> demo.SeedStats:
    """Seed with a progress bar on stderr for big runs; print the one-line summary."""
    # Django's OutputWrapper hides isatty(); ask the stream underneath.
    stream = getattr(command.stderr, "_out", sys.stderr)
    is_tty = bool(getattr(stream, "isatty", lambda: False)())
    bar = ProgressBar(stream, enabled=is_tty and patients >= PROGRESS_FROM)
    try:
        stats = demo.seed(
            patients=patients, seed=seed, batch_size=batch_size, writer=writer, progress=bar
        )
    finally:
        bar.close()
    if stats.coordinators_created:
        command.stdout.write(
            f"Added {stats.coordinators_created} assignee-only coordinators "
            f"({demo.EXTRA_COORDINATOR_PREFIX}NNNN, no password) so nobody carries more than "
            f"about {demo.OPEN_JOURNEYS_PER_COORDINATOR} open journeys."
        )
    rate = stats.patients / stats.seconds if stats.seconds else 0.0
    command.stdout.write(
        f"Seeded {stats.patients:,} patients, {stats.journeys:,} journeys, "
        f"{stats.events:,} events and {stats.interactions:,} interactions "
        f"in {stats.seconds:.1f} s ({rate:,.0f} patients/s, {stats.writer}, seed {seed})."
    )
    if verbosity >= 2:
        for (stage, outcome), count in sorted(stats.states.items()):
            command.stdout.write(f"  {stage:<10} {outcome:<10} {count:>8,}")
    return stats


class Command(BaseCommand):
    help = (
        "Add N demo patients from many countries with journeys over all five stages and "
        "outcomes, event histories that replay to each journey's stage, and realistic "
        "coordinator loads. Reproducible with --seed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patients", type=int, required=True, help="How many to add.")
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.DEFAULT_SEED,
            help=f"Random seed (default {demo.DEFAULT_SEED}); the same seed gives the same data.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=demo.DEFAULT_BATCH_SIZE,
            help="Patients generated and written per batch.",
        )
        parser.add_argument(
            "--writer",
            choices=("auto", "copy", "orm"),
            default="auto",
            help="auto: COPY on PostgreSQL, batched ORM INSERTs (orm) elsewhere.",
        )
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_without_debug(options["force"])
        patients = options["patients"]
        if patients < 1:
            raise CommandError("--patients must be at least 1.")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            run_seed(
                self,
                patients=patients,
                seed=options["seed"],
                batch_size=options["batch_size"],
                writer=options["writer"],
                verbosity=options["verbosity"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
