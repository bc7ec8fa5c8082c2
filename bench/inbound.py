"""Inbound mail of every size and shape through `receive_email`: prints, asserts nothing.

    .venv/bin/python bench/inbound.py [--sizes 1K,100K,1M,5M,25M] [--shapes all]

Drops and re-creates its own PostgreSQL database (crm_bench_inbound on BENCH_PG, default
postgres://postgres@127.0.0.1:5432), migrates it, makes one patient with an active
journey, and pipes generated messages into `manage.py receive_email`'s code path (the
command, in this process) with MEDIA_ROOT in a temporary folder. For each shape and size
it prints the wall and CPU time, the peak of Python's allocations while it ran
(tracemalloc) in MB and as a multiple of the message size, and the outcome line. Shapes:

- text: a plain reply of 60-character lines; lines: 6-byte lines (the split once went
  quadratic); html: an HTML-only reply of flat paragraphs; divs: nested <div> (the
  sanitiser's cost grew with the square of the depth); attach: a short reply with base64
  photos making up the size; subject: a folded Subject of that size; deep: 1,000 nested
  multiparts (once RecursionError) padded to the size.

Each case runs twice: timed without tracemalloc (which slows Python down severalfold),
then again (a new Message-ID) for the memory peak.
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "crm_bench_inbound"
MEDIA = tempfile.mkdtemp(prefix="crm-bench-inbound-")

os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "crm.settings",
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "testserver",
        "LOG_LEVEL": "ERROR",
        "MEDIA_ROOT": MEDIA,
        "INBOUND_MAX_MESSAGE_BYTES": str(26 * 1024 * 1024),
        "INBOUND_MAX_ATTACHMENT_BYTES": str(26 * 1024 * 1024),
    }
)
sys.path.insert(0, str(BASE_DIR))

SENDER = "anna.bench@example.de"


def head(n: int, extra: bytes = b"", subject: bytes = b"Re: your check-in") -> bytes:
    return (
        f"From: Anna <{SENDER}>\r\nTo: care@clinic.example\r\n"
        f"Message-ID: <bench-{n}-{time.time_ns()}@example.de>\r\nMIME-Version: 1.0\r\n".encode()
        + b"Subject: "
        + subject
        + b"\r\n"
        + extra
    )


def text(size: int, n: int) -> bytes:
    line = b"My knee feels better today, thank you for asking about it.\r\n"
    return head(n) + b"\r\n" + line * max(1, size // len(line))


def lines(size: int, n: int) -> bytes:
    return head(n) + b"\r\n" + b"hello\r\n" * max(1, size // 7)


def html(size: int, n: int) -> bytes:
    para = b"<p>My knee feels <b>better</b> today, thank you.</p>\r\n"
    return (
        head(n, b"Content-Type: text/html; charset=utf-8\r\n")
        + b"\r\n"
        + para * max(1, size // len(para))
    )


def divs(size: int, n: int) -> bytes:
    depth = max(1, size // 11)
    return (
        head(n, b"Content-Type: text/html; charset=utf-8\r\n")
        + b"\r\n"
        + b"<div>" * depth
        + b"x"
        + b"</div>" * depth
    )


def attach(size: int, n: int) -> bytes:
    photo = os.urandom(max(1, size * 3 // 4 - 1024))
    encoded = base64.encodebytes(photo).replace(b"\n", b"\r\n")
    return (
        head(n, b'Content-Type: multipart/mixed; boundary="b"\r\n')
        + b"\r\n--b\r\nContent-Type: text/plain\r\n\r\nHere is the X-ray.\r\n--b\r\n"
        + b'Content-Type: image/jpeg; name="xray.jpg"\r\nContent-Disposition: attachment; '
        + b'filename="xray.jpg"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        + encoded
        + b"--b--\r\n"
    )


def subject(size: int, n: int) -> bytes:
    return head(n, subject=b"\r\n ".join([b"word"] * max(1, size // 7))) + b"\r\nCall me.\r\n"


def deep(size: int, n: int) -> bytes:
    depth = 1000
    opening = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
        for i in range(depth)
    )
    closing = b"".join(b"\r\n--b%d--\r\n" % i for i in reversed(range(depth)))
    pad = b"filler line of the bottom part\r\n" * max(0, (size - 60_000) // 32)
    return head(n) + opening + b"Content-Type: text/plain\r\n\r\nBottom.\r\n" + pad + closing


SHAPES: dict[str, Callable[[int, int], bytes]] = {
    "text": text,
    "lines": lines,
    "html": html,
    "divs": divs,
    "attach": attach,
    "subject": subject,
    "deep": deep,
}


def parse_size(value: str) -> int:
    units = {"K": 1024, "M": 1024 * 1024}
    value = value.strip().upper()
    return int(float(value[:-1]) * units[value[-1]]) if value[-1] in units else int(value)


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1K,100K,1M,5M,25M")
    parser.add_argument("--shapes", default="all", help="comma-separated, or all")
    args = parser.parse_args()
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    shapes = list(SHAPES) if args.shapes == "all" else args.shapes.split(",")

    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from crm.models import Clinic, Patient, Procedure
    from journeys.services import journey_create

    call_command("migrate", verbosity=0)
    clinic = Clinic.objects.create(name="Bench", city="Istanbul", country="TR")
    procedure = Procedure.objects.create(name="Implants", clinic=clinic)
    patient = Patient.objects.create(full_name="Anna Bench", email=SENDER, country="DE")
    journey_create(
        patient=patient, procedure=procedure, actor=None, inquiry_received_at=timezone.now()
    )

    print(
        f"{'shape':<8} {'size':>9} {'wall s':>7} {'cpu s':>6} {'peak MB':>8} {'x size':>7}  outcome"
    )
    n = 0
    for shape in shapes:
        for size in sizes:
            # Twice: timed without tracemalloc (it slows Python down a lot), then traced.
            n += 1
            raw = SHAPES[shape](size, n)
            seconds, cpu, line = receive(raw)
            n += 1
            raw = SHAPES[shape](size, n)
            tracemalloc.start()
            receive(raw)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(
                f"{shape:<8} {len(raw) / 1024:>8.0f}K {seconds:>7.2f} {cpu:>6.2f} "
                f"{peak / 2**20:>8.1f} {peak / len(raw):>7.1f}  {line}",
                flush=True,
            )


def receive(raw: bytes) -> tuple[float, float, str]:
    """One message through receive_email's code path: (wall seconds, CPU seconds of this
    process, its first line). On a shared machine the CPU time is the steadier figure."""
    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    started, cpu = time.perf_counter(), time.process_time()
    try:
        call_command("receive_email", stdin=io.BytesIO(raw), stdout=out, stderr=err)
    except BaseException as exc:  # noqa: BLE001 - print what happened, go on
        err.write(f"{type(exc).__name__}: {exc}")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return seconds, cpu, (out.getvalue() or err.getvalue()).strip().splitlines()[0][:60]


if __name__ == "__main__":
    main()
