"""Was the sender's address authenticated? Read from the Authentication-Results header
(RFC 8601) that OUR receiving side added. Pure functions, no database.

Anyone can write any From: a forged patient's address must not cancel their check-ins.
Only the top-most Authentication-Results header whose authserv-id is ours (the MTA in
front of `receive_email`, or the ESP's inbound servers) is trusted: headers further down
came with the message and may be the forger's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PASS = "pass"  # noqa: S105 - a verdict, not a password
FAIL = "fail"
NONE = "none"  # no trusted header, or it says nothing either way


@dataclass
class SenderAuth:
    verdict: str  # PASS, FAIL or NONE
    detail: str  # one line: what the trusted header said


_COMMENT_RE = re.compile(r"\([^()]*\)")
_RESULT_RE = re.compile(r"^\s*([a-z0-9_-]+)\s*=\s*([a-z]+)\b(.*)$", re.IGNORECASE | re.DOTALL)
_PROP_RE = re.compile(r"\b([a-z]+\.[a-z-]+)\s*=\s*([^\s;]+)", re.IGNORECASE)


def _parse(value: str) -> tuple[str, list[tuple[str, str, dict[str, str]]]]:
    """(authserv-id, [(method, result, {ptype.property: value})])."""
    text = _COMMENT_RE.sub(" ", value)
    head, _, rest = text.partition(";")
    serv_id = head.strip().split()[0].lower() if head.strip() else ""
    results = []
    for piece in rest.split(";"):
        found = _RESULT_RE.match(piece)
        if not found:
            continue
        props = {k.lower(): v.strip('"').lower() for k, v in _PROP_RE.findall(found.group(3))}
        results.append((found.group(1).lower(), found.group(2).lower(), props))
    return serv_id, results


def _aligned(domain: str, from_domain: str) -> bool:
    """Relaxed alignment (DMARC): the same organisational domain, approximated as one
    being the other or a parent of it."""
    domain = domain.rpartition("@")[2].strip(".").lower()
    if not domain or not from_domain:
        return False
    return (
        domain == from_domain
        or from_domain.endswith("." + domain)
        or domain.endswith("." + from_domain)
    )


def sender_auth(headers: list[str], *, from_email: str, authserv_id: str) -> SenderAuth:
    """The verdict on the From address: PASS when DMARC passed, or DKIM or SPF passed for
    a domain aligned with the From domain; FAIL when DMARC failed, or nothing passed and
    DKIM or SPF failed; NONE without a header from `authserv_id` (or with one that says
    neither)."""
    wanted = authserv_id.strip().lower()
    if not wanted:
        return SenderAuth(NONE, "no authserv-id configured (INBOUND_AUTHSERV_ID)")
    # Only the top-most header can be ours: our receiving server adds its verdict above
    # whatever the message arrived with. A lower header naming our server was written by
    # the sender (a forger can claim "dmarc=pass" in our name), so it is never read.
    for header in headers[:1]:
        serv_id, results = _parse(header)
        if serv_id != wanted:
            break
        from_domain = from_email.rpartition("@")[2].lower()
        said = ", ".join(f"{m}={r}" for m, r, _ in results) or "none"
        verdicts = {method: result for method, result, _ in results if method == "dmarc"}
        if verdicts.get("dmarc") == "pass":
            return SenderAuth(PASS, said)
        for method, result, props in results:
            if result != "pass":
                continue
            if method == "dkim" and _aligned(
                props.get("header.d") or props.get("header.i", ""), from_domain
            ):
                return SenderAuth(PASS, said)
            if method == "spf" and _aligned(
                props.get("smtp.mailfrom") or props.get("smtp.helo", ""), from_domain
            ):
                return SenderAuth(PASS, said)
        if verdicts.get("dmarc") == "fail":
            return SenderAuth(FAIL, said)
        if any(
            m in {"dkim", "spf"} and r in {"fail", "softfail", "permerror"} for m, r, _ in results
        ):
            return SenderAuth(FAIL, said)
        return SenderAuth(NONE, said)
    return SenderAuth(NONE, f"the top-most Authentication-Results header is not from {wanted}")
