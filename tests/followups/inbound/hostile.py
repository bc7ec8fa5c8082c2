"""Generated hostile inbound mail: shapes that once cost minutes, crashed a step or could
not be stored. Each returns raw RFC 5322 bytes; `to`/`sender` make them land somewhere."""

from __future__ import annotations

import base64
import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


def headers(
    *,
    sender: str = "Anna Example <anna@example.de>",
    to: str = "care@clinic.example",
    subject: bytes = b"Hello",
    message_id: str = "<hostile-1@example.de>",
    extra: bytes = b"",
) -> bytes:
    return (
        f"From: {sender}\r\nTo: {to}\r\nMessage-ID: {message_id}\r\n"
        "Date: Sun, 29 Nov 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n".encode()
        + b"Subject: "
        + subject
        + b"\r\n"
        + extra
    )


def many_lines(count: int = 40_000, **kw: str) -> bytes:
    """240 KB of short lines: the signature split once rebuilt the rest for every line."""
    return headers(**kw) + b"\r\n" + b"\r\n".join(b"hello" for _ in range(count)) + b"\r\n"


def nested_divs(size: int = 1_000_000, **kw: str) -> bytes:
    """1 MB of nested <div>: the sanitiser's cost grew with the square of the depth."""
    depth = size // 11
    html = "<div>" * depth + "Where do I send the X-ray?" + "</div>" * depth
    return (
        headers(**kw) + b"Content-Type: text/html; charset=utf-8\r\n\r\n" + html.encode() + b"\r\n"
    )


def folded_subject(size: int = 1_000_000, **kw: str) -> bytes:
    """A Subject folded over a megabyte of continuation lines."""
    subject = b"\r\n ".join(b"word" for _ in range(size // 7))
    return headers(subject=subject, **kw) + b"\r\nPlease call me back.\r\n"


def deep_multipart(depth: int, **kw: str) -> bytes:
    """`depth` multiparts inside each other, a text part at the bottom. Python's parser
    and generator recurse once per level (1,000 levels: RecursionError)."""
    head = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
        for i in range(depth)
    )
    tail = b"Content-Type: text/plain; charset=utf-8\r\n\r\nThe bottom line.\r\n"
    tail += b"".join(b"\r\n--b%d--\r\n" % i for i in reversed(range(depth)))
    return headers(**kw) + head + tail


def with_nul(**kw: str) -> bytes:
    """NUL characters in a header, the body, an attachment's name and a charset."""
    boundary = b"nul-boundary"
    return (
        headers(subject=b"Hello\x00 there", **kw)
        + b'Content-Type: multipart/mixed; boundary="nul-boundary"\r\n\r\n--'
        + boundary
        + b'\r\nContent-Type: text/plain; charset="utf\x00-8"\r\n\r\nMy\x00 reply.\r\n--'
        + boundary
        + b'\r\nContent-Type: application/pdf; name="scan\x00.pdf"\r\n'
        + b'Content-Disposition: attachment; filename="scan\x00.pdf"\r\n'
        + b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.b64encode(b"%PDF-1.4 scan")
        + b"\r\n--"
        + boundary
        + b"--\r\n"
    )


def long_sender(**kw: str) -> bytes:
    """A From address of 300 characters (RFC 5321 allows 254)."""
    address = "a" * 60 + "@" + ".".join(["sub" + "x" * 56] * 4) + ".example"
    return headers(sender=f"Long <{address}>", **kw) + b"\r\nHello from far away.\r\n"


@contextmanager
def hang_guard(seconds: int = 20) -> Iterator[None]:
    """Fail (rather than hang the suite) if the block runs longer than `seconds`: a
    generous bound for work that once took minutes, not a timing assertion."""

    def fail(signum: int, frame: object) -> None:
        pytest.fail(f"still running after {seconds} s: parsing is not linear")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
