"""Booked-risk benchmark: recomputing every booked journey's risk (the nightly run,
care.risk.services.risk_recompute_all). Prints, never asserts.

    .venv/bin/python bench/risk.py [--sizes 1000000] [--share 0.3] [--reseed]

Uses the kept demo database `crm_bench_demo_<size>` (bench/demo_db.py: seeded once,
migrated forward, which creates care's risk tables). Setup, idempotent: it ADDS inbound
replies to a share of the active booked journeys (message ids "<bench-risk-…>"; a journey
that has one is skipped), some with the risk words, so the word matching has text to read
the way it would in production; nothing else is changed. Then, in a fresh process with
DEBUG off, it recomputes every booked journey twice: the first run writes every row, the
second finds nothing changed and writes nothing (the steady state of the nightly run).

Aim (issue 14, README "Benchmarks"): <= 60 s at 1,000,000 patients. My day and the board
ordered by risk are measured by bench/dashboard.py (run it after this one: the risk rows
it orders by are written here).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from demo_db import BASE_DIR, PG, database_for, env_for, prepare

AIM_S = 60.0
TEXTS = (
    "Thanks, all good here. Looking forward to it!",
    "I found a cheaper clinic for the same treatment.",
    "To be honest I am a bit scared now.",
    "Wir müssen den Termin leider verschieben.",
    "Otra clínica me ha mandado una mejor oferta.",
    "Perfect, see you soon.",
)


def add_replies(database: str, share: float) -> int:
    """Inbound replies on `share` of the active booked journeys that have none of ours."""
    import psycopg

    values = ", ".join(f"({n}, %s)" for n in range(len(TEXTS)))
    sql = f"""
        WITH texts(n, body) AS (VALUES {values})
        INSERT INTO followups_message (
            journey_id, direction, template_key, language, kind, message_id, esp_message_id,
            status, from_email, to_email, reply_to, subject, text, html, sent_at, label,
            label_reason, matched_by, counts_as_reply, sender_mismatch, from_name,
            in_reply_to, "references", text_reply, text_quoted, signature, quote_style,
            parse_warnings, created_at, updated_at
        )
        SELECT j.id, 'in', '', 'en', 'care', '<bench-risk-' || j.id || '@bench.invalid>', '',
            'received', p.email, 'desk@crm.example.com', '', 'Re: Your trip', t.body, '',
            j.stage_entered_at + (now() - j.stage_entered_at) * ((j.id %% 97) / 97.0),
            'reply', '', 'token', true, false, '', '', '', t.body, '', '', '', '[]',
            now(), now()
        FROM journeys_journey j
        JOIN crm_patient p ON p.id = j.patient_id
        JOIN texts t ON t.n = j.id %% {len(TEXTS)}
        WHERE j.outcome = 'active' AND j.stage = 'booked'
          AND (j.id %% 1000) < %s
        ON CONFLICT (message_id) DO NOTHING
    """
    with psycopg.connect(f"{PG}/{database}", autocommit=True) as conn:
        cursor = conn.execute(sql, [*TEXTS, int(share * 1000)])
        added = cursor.rowcount
        conn.execute("ANALYZE followups_message")
    return added


def measure() -> None:
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.db import connection

    from care.risk.services import risk_recompute_all

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE outcome = 'active' AND stage = 'booked') "
            "FROM journeys_journey"
        )
        journeys, booked = cursor.fetchone() or (0, 0)
    print(f"\n== {journeys:,} journeys, {booked:,} active booked", flush=True)
    # The first run on a fresh database writes every row; a rerun, and the second run,
    # write only what changed (time passing moves a few "not heard from" days).
    for label in ("first run", "second run (idempotent)"):
        started = time.perf_counter()
        cpu = time.process_time()
        stats = risk_recompute_all()
        wall = time.perf_counter() - started
        levels = stats.levels or {}
        flag = "" if wall <= AIM_S else f"  (aim {AIM_S:.0f} s)"
        print(
            f"{label:<30} {wall:7.1f} s wall, {time.process_time() - cpu:6.1f} s cpu, "
            f"{stats.journeys / wall if wall else 0:9,.0f} journeys/s, {stats.batches} batches;"
            f" low {levels.get(0, 0):,} watch {levels.get(1, 0):,} high {levels.get(2, 0):,}"
            f"{flag}",
            flush=True,
        )
    print(
        f"machine: {os.cpu_count()} CPUs, 1-minute load average {os.getloadavg()[0]:.1f} at "
        "the end (a shared machine: wall times move with it, cpu time less)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--share", type=float, default=0.3, help="Booked journeys given a reply.")
    parser.add_argument("--reseed", action="store_true", help="Rebuild the databases.")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure()
        return
    for size in args.sizes:
        database = prepare(size, reseed=args.reseed)
        added = add_replies(database, max(0.0, min(1.0, args.share)))
        print(f"{database}: added {added:,} bench replies (0 when already there)", flush=True)
        subprocess.run(
            [sys.executable, __file__, "--measure"],
            env=env_for(database_for(size), debug=False),
            check=True,
            cwd=BASE_DIR,
        )


if __name__ == "__main__":
    main()
