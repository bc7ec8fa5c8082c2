"""The inbound webhook under a real web server: gunicorn (its 30 s worker timeout, as in
production), a Celery worker and the private Redis. A 20 MB email with photos lands with
its attachments byte for byte; a 40,000-line email and 1,000-deep MIME are answered at
once and processed by the worker.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from crm.models import Clinic, Patient, Procedure
from followups.models import Attachment, Direction, Message, RawEmail, RawStatus
from followups.tokens import reply_address
from journeys.models import Journey
from journeys.services import journey_create

from ..followups.inbound.hostile import deep_multipart, many_lines
from .conftest import BASE_DIR, BIN, Processes, _kill_group, free_port, wait_for

pytestmark = [
    pytest.mark.reliability,
    # Worker processes read the machine's clock (tests/reliability/test_reliability.py).
    pytest.mark.real_clock,
    pytest.mark.xdist_group("followups-reliability"),
    pytest.mark.django_db(transaction=True),
]

SECRET = "hook:reliability-secret"
MB = 1024 * 1024


class Gunicorn:
    def __init__(self, processes: Processes, media: Path) -> None:
        self.port = free_port()
        log = open(processes.tmp_path / "gunicorn.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "crm.wsgi:application",
                f"--bind=127.0.0.1:{self.port}",
                "--workers=2",
                "--timeout=30",
            ],
            cwd=BASE_DIR,
            env=processes.env(
                ANYMAIL_WEBHOOK_SECRET=SECRET,
                INBOUND_ESP="postmark",
                MEDIA_ROOT=str(media),
                INBOUND_MAX_MESSAGE_BYTES=str(25 * MB),
                ALLOWED_HOSTS="127.0.0.1,localhost",
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self.up, 30, "gunicorn to answer")

    def up(self) -> bool:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2)
        except urllib.error.HTTPError:
            return True  # it answers (healthz may want the broker)
        except OSError:
            return False
        return True

    def post_json(self, path: str, payload: dict[str, Any]) -> tuple[int, float]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=json.dumps(payload).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": "Basic " + base64.b64encode(SECRET.encode()).decode(),
            },
            method="POST",
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - http://127.0.0.1 only
                return response.status, time.monotonic() - started
        except urllib.error.HTTPError as error:
            return error.code, time.monotonic() - started


@pytest.fixture
def media(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def web(processes: Processes, media: Path) -> Iterator[Gunicorn]:
    server = Gunicorn(processes, media)
    processes.running.append(server.process)
    try:
        yield server
    finally:
        _kill_group(server.process)


def make_journey() -> Journey:
    clinic = Clinic.objects.create(name="Reliability", city="Istanbul", country="TR")
    procedure = Procedure.objects.create(name="Implants", clinic=clinic)
    patient = Patient.objects.create(full_name="Anna", email="anna@example.de", country="DE")
    return journey_create(patient=patient, procedure=procedure, actor=None)


def postmark(raw: bytes, journey: Journey) -> dict[str, Any]:
    address = reply_address(journey.pk)
    return {
        "From": "anna@example.de",
        "FromFull": {"Email": "anna@example.de", "Name": "Anna"},
        "To": address,
        "ToFull": [{"Email": address, "Name": ""}],
        "OriginalRecipient": address,
        "Subject": "Re",
        "TextBody": "see RawEmail",
        "Headers": [],
        "RawEmail": raw.decode("latin-1"),
    }


def test_a_20_mb_email_and_hostile_mail_through_gunicorn(
    processes: Processes, web: Gunicorn, media: Path
) -> None:
    journey = make_journey()
    processes.worker(concurrency=1, MEDIA_ROOT=str(media))
    photos = {f"xray-{i}.png": random.Random(i).randbytes(7 * MB) for i in (1, 2)}
    big = EmailMessage()
    big["From"] = "Anna <anna@example.de>"
    big["To"] = reply_address(journey.pk)
    big["Subject"] = "My X-rays"
    big["Message-ID"] = "<xrays@example.de>"
    big.set_content("Here they are.\n")
    for name, data in photos.items():
        big.add_attachment(data, maintype="image", subtype="png", filename=name)
    posts = {
        "20 MB with photos": big.as_bytes(),
        "40,000 lines": many_lines(sender="anna@example.de", message_id="<lines@example.de>"),
        "1,000-deep MIME": deep_multipart(
            1000, sender="anna@example.de", message_id="<deep@example.de>"
        ),
    }
    for what, raw in posts.items():
        status, seconds = web.post_json("/anymail/postmark/inbound/", postmark(raw, journey))
        print(f"{what}: {len(raw) / MB:.1f} MB answered {status} in {seconds:.2f} s")
        assert status == 200, processes.logs()

    def all_processed() -> bool:
        return not RawEmail.objects.filter(status=RawStatus.RECEIVED).exists()

    wait_for(all_processed, 120, "the worker to process the kept emails", interval=0.5)
    assert set(RawEmail.objects.values_list("status", flat=True)) == {RawStatus.STORED}
    assert Message.objects.filter(direction=Direction.IN, journey=journey).count() == 3
    stored = {
        a.original_filename: hashlib.sha256(Path(media, a.file.name).read_bytes()).hexdigest()
        for a in Attachment.objects.all()
    }
    assert stored == {name: hashlib.sha256(data).hexdigest() for name, data in photos.items()}
