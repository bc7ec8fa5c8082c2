"""Intake benchmark: a public inquiry POST until its acknowledgment is enqueued. Prints,
never asserts.

    .venv/bin/python bench/intake.py [--sizes 20000 1000000] [--requests 200] [--team 100]

Uses the kept demo database `crm_bench_demo_<size>` (bench/demo_db.py; seeded if missing,
else migrated forward, which adds intake's tables). Its setup, idempotent, in the bench's
own rows: one intake site with a fresh key, and an assignment rule (every language, every
procedure) for each of the first --team demo coordinators (100) who has none, so every
inquiry goes through the whole assignment rule at the real open load of the demo's
coordinators. At the end it
removes what it added: those rules, the site, and the bench's patients and journeys (with
their messages and events; the FunnelDay rollup is moved back). Their audit entries stay:
the audit trail is append-only by design.

Measured in a fresh process per size, DEBUG off, through Django's full stack (test
client), with the Celery broker a real Redis (CELERY_BROKER_URL, default
redis://127.0.0.1:6379/6; its queue is purged after the run):

- **baseline**: `/healthz`;
- **JSON POST** `/inquire/submit.json` (site key, no file): from the request to the
  response, which returns after the commit, i.e. after the acknowledgment row was claimed
  and its send task published to the broker (on_commit, inside the request);
- **form POST** `/inquire/` with a 40 kB JPEG: the same, through the multipart form.

Each request is checked: the inquiry's acknowledgment row is `claimed` (enqueued) and the
journey has a coordinator. Aim (issue 15): p95 <= 30 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from typing import Any

from demo_db import BASE_DIR, database_for, env_for, percentile, prepare

BENCH_DOMAIN = "bench-intake.invalid"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(40_000)


def measure(size: int, requests: int, team: int) -> None:
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from crm.models import Procedure
    from crm.roles import COORDINATOR
    from followups.models import ScheduledMessage
    from intake import abuse
    from intake.models import CoordinatorRule, IntakeSite
    from intake.services import site_key_rotate
    from journeys.models import Journey

    setup_test_environment()
    journeys = Journey.objects.count()
    site, _ = IntakeSite.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    key = site_key_rotate(site_id=site.pk)
    languages = [code for code, _ in django.conf.settings.PATIENT_LANGUAGES]
    added = []
    # A realistic team: the demo's named coordinators and the first `team` others (the
    # seeder adds thousands of assignee-only ones at a million patients to cap their load).
    team_users = User.objects.filter(groups__name=COORDINATOR, is_active=True).order_by("pk")
    for user in team_users[:team]:
        rule, created = CoordinatorRule.objects.get_or_create(
            user=user, defaults={"languages": languages}
        )
        if created:
            added.append(rule.pk)
    coordinators = CoordinatorRule.objects.count()
    procedure_ids = list(Procedure.objects.values_list("pk", flat=True)[:20])
    client = Client()
    print(
        f"\n== {journeys:,} journeys, {coordinators} coordinators with a rule; "
        f"{requests} requests each",
        flush=True,
    )
    print(f"{'what':<40} {'p50 ms':>7} {'p95 ms':>7} {'queries':>7}  {'p95 / baseline':>14}")

    def timed_get(url: str, n: int) -> list[float]:
        out = []
        for _ in range(n):
            started = time.perf_counter()
            client.get(url)
            out.append((time.perf_counter() - started) * 1000)
        return out

    timed_get("/healthz", 20)
    base = timed_get("/healthz", requests)
    base_p95 = percentile(base, 95)

    def row(name: str, timings: list[float], queries: int | str) -> None:
        p95 = percentile(timings, 95)
        print(
            f"{name:<40} {percentile(timings, 50):>7.1f} {p95:>7.1f} {queries!s:>7}  "
            f"{p95 / base_p95:>13.1f}x",
            flush=True,
        )

    row("baseline: /healthz", base, "-")

    def email() -> str:
        return f"p{uuid.uuid4().hex[:12]}@{BENCH_DOMAIN}"

    def json_post(n: int) -> Any:
        body = json.dumps(
            {
                "full_name": "Bench Patient",
                "email": email(),
                "country": "DE",
                "language": languages[n % len(languages)],
                "procedure": procedure_ids[n % len(procedure_ids)],
                "message": "Implants, please.",
                "consent_care": True,
                "phone": "+49 30 1234567",
            }
        )
        return client.post(
            "/inquire/submit.json",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )

    def form_post(n: int) -> Any:
        return client.post(
            "/inquire/",
            {
                "lang": "de",
                "form_token": abuse.form_token(now=time.time() - 30),
                "full_name": "Bench Patient",
                "email": email(),
                "country": "ES",
                "language": "es",
                "procedure": str(procedure_ids[n % len(procedure_ids)]),
                "message": "Quisiera un presupuesto.",
                "consent_care": "1",
                "attachments": [SimpleUploadedFile("x.jpg", JPEG)],
            },
            REMOTE_ADDR=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
        )

    for name, post, ok in (
        ("JSON POST -> acknowledgment enqueued", json_post, 201),
        ("form POST + JPEG -> ack enqueued", form_post, 302),
    ):
        for n in range(5):
            post(n)  # warm-up
        timings = []
        cpu_started = time.process_time()
        for n in range(requests):
            started = time.perf_counter()
            response = post(n)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != ok:
                raise SystemExit(f"{name}: answered {response.status_code}")
        cpu = (time.process_time() - cpu_started) * 1000 / requests
        with CaptureQueriesContext(connection) as captured:
            post(requests + 1)
        row(name, timings, len(captured.captured_queries))
        print(f"  ({cpu:.1f} ms of this process's CPU per request)")
    bench = Journey.objects.filter(patient__email__endswith=f"@{BENCH_DOMAIN}")
    acks = ScheduledMessage.objects.filter(journey__in=bench, rule__key="inquiry_ack")
    assigned = bench.filter(coordinator__isnull=False).count()
    claimed = acks.filter(status="claimed").count()
    print(
        f"  check: {bench.count()} bench inquiries, {assigned} assigned, {claimed} "
        "acknowledgments claimed and enqueued"
    )
    cleanup(added, site.pk)
    print(
        f"machine: {os.cpu_count()} CPUs, 1-minute load average {os.getloadavg()[0]:.1f} at the "
        "end (other work on the machine shows directly in these figures)."
    )


def cleanup(rule_ids: list[int], site_id: int) -> None:
    """Remove the bench's rows (see the module docstring)."""
    from django.db import transaction

    from crm.models import Patient
    from intake.models import CoordinatorRule, IntakeSite, IntakeSubmission
    from journeys.models import Journey
    from journeys.services import _funnel_cell, _funnel_days_shift

    with transaction.atomic():
        journeys = list(Journey.objects.filter(patient__email__endswith=f"@{BENCH_DOMAIN}"))
        for journey in journeys:
            _funnel_days_shift(_funnel_cell(journey), None)
        IntakeSubmission.objects.filter(site_id=site_id).delete()
        Journey.objects.filter(pk__in=[j.pk for j in journeys]).delete()
        Patient.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").delete()
        CoordinatorRule.objects.filter(pk__in=rule_ids).delete()
        IntakeSite.objects.filter(pk=site_id).delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 1_000_000])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--team", type=int, default=100, help="Coordinators given an assignment rule."
    )
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.requests, args.team)
        return
    broker = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/6")
    print(f"Intake benchmark: {', '.join(f'{s:,}' for s in args.sizes)} patients; broker {broker}")
    for size in args.sizes:
        prepare(size)
        env = env_for(database_for(size), debug=False)
        env.update(
            {
                "CELERY_BROKER_URL": broker,
                "INTAKE_KEY_RATE_LIMIT_PER_HOUR": "0",
                "INTAKE_RATE_LIMIT_PER_HOUR": "0",
            }
        )
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--measure",
                str(size),
                "--requests",
                str(args.requests),
                "--team",
                str(args.team),
            ],
            env=env,
            check=True,
            cwd=BASE_DIR,
        )
        # The send tasks the run published: nobody consumes this queue.
        subprocess.run(
            [sys.executable, "-m", "celery", "-A", "crm", "purge", "-f"],
            env=env,
            check=False,
            cwd=BASE_DIR,
            stdout=subprocess.DEVNULL,
        )
    print("\nServer-side times through Django's test client (no network, no browser).")


if __name__ == "__main__":
    main()
