"""followups.inbound.auth: which Authentication-Results header is trusted, and what it says
about the From address. No database."""

from __future__ import annotations

import pytest

from followups.inbound.auth import FAIL, NONE, PASS, sender_auth

OURS = "mx.clinic.example"


@pytest.mark.parametrize(
    ("headers", "verdict"),
    [
        ([f"{OURS}; dmarc=pass header.from=example.de"], PASS),
        ([f"{OURS}; spf=pass smtp.mailfrom=anna@example.de; dkim=none"], PASS),
        ([f"{OURS} 1; dkim=pass (good signature) header.d=mail.example.de"], PASS),
        ([f"{OURS}; dmarc=fail (p=reject) header.from=example.de"], FAIL),
        ([f"{OURS}; spf=softfail smtp.mailfrom=anna@example.de; dkim=none"], FAIL),
        # A pass for someone else's domain does not vouch for the From address.
        ([f"{OURS}; dkim=pass header.d=evil.example; spf=fail smtp.mailfrom=x@evil.example"], FAIL),
        ([f"{OURS}; spf=neutral smtp.mailfrom=anna@example.de"], NONE),
        ([f"{OURS}; none"], NONE),
        ([], NONE),
        # Only OUR header on top counts: a forger's own "pass" further down is ignored...
        ([f"{OURS}; dmarc=fail", f"{OURS}; dmarc=pass"], FAIL),
        # ...even one written in our server's name when ours did not add one on top (the
        # sender wrote every header below the top one)...
        (["mx.evil.example; dmarc=fail", f"{OURS}; dmarc=pass header.from=example.de"], NONE),
        (["mx.evil.example; dmarc=pass", f"{OURS}; spf=fail smtp.mailfrom=anna@example.de"], NONE),
        # ...and so is one from another server altogether.
        (["mx.evil.example; dmarc=pass header.from=example.de"], NONE),
    ],
)
def test_the_verdict_of_our_own_header(headers: list[str], verdict: str) -> None:
    assert sender_auth(headers, from_email="anna@example.de", authserv_id=OURS).verdict == verdict


def test_without_an_authserv_id_nothing_is_trusted() -> None:
    said = sender_auth([f"{OURS}; dmarc=fail"], from_email="anna@example.de", authserv_id="")
    assert said.verdict == NONE
