"""Keeping bots out of the public form without a CAPTCHA.

- A honeypot field (settings.INTAKE_HONEYPOT_FIELD), hidden from people: filled in, the
  submission is spam. It is stored as such and answered like a success (the bot learns
  nothing); no patient, no journey, no email.
- A signed form token carrying when the form was shown: a person needs a few seconds
  (INTAKE_MIN_FILL_SECONDS) to fill it in; a post without a valid token, or faster, or
  with one older than a day did not come from a person using our page. It is HELD for a
  manager (admin, "Intake submissions"): no patient, no journey and so no confirmation
  email to an address no person may have typed, until a manager accepts it.
- Rate limits per address (the form) and per site key (the JSON endpoint) in the
  cache, a fixed window of an hour: INTAKE_RATE_LIMIT_PER_HOUR, INTAKE_KEY_RATE_LIMIT_PER_HOUR.
- A size cap on the whole request (INTAKE_MAX_REQUEST_BYTES), checked before it is read.
"""

from __future__ import annotations

import hashlib
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

_SALT = "intake.form"


def form_token(now: float | None = None) -> str:
    """A signed token holding the time the form was rendered (no state on the server)."""
    return signing.dumps({"t": int(now if now is not None else time.time())}, salt=_SALT)


def token_problem(token: str, now: float | None = None) -> str:
    """Why the token says no person filled the form ("" when it looks human)."""
    now = now if now is not None else time.time()
    if not token:
        return "no form token (not sent from our form page)"
    try:
        shown = float(signing.loads(token, salt=_SALT)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return "form token not ours"
    if now - shown > 24 * 3600:
        return "form token older than a day"
    if now - shown < settings.INTAKE_MIN_FILL_SECONDS:
        return f"sent {max(0, int(now - shown))} s after the form was shown"
    return ""


def rate_limited(scope: str, key: str, limit: int, *, now: float | None = None) -> bool:
    """Count one request for `key` in this hour's window; True when over `limit`.
    The key is hashed: addresses are personal data and stay out of the cache's keys."""
    if limit <= 0:
        return False
    window = int((now if now is not None else time.time()) // 3600)
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:32]
    name = f"intake:rl:{scope}:{window}:{digest}"
    # add() then incr(): atomic on Redis and in the local-memory cache alike.
    cache.add(name, 0, timeout=3700)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between the two calls
        cache.add(name, 1, timeout=3700)
        count = 1
    return count > limit


def key_new() -> tuple[str, str, str]:
    """A new site key: (the key to give the site once, its prefix, its hash to store)."""
    key = "isk_" + secrets.token_urlsafe(32)
    return key, key[:12], key_hash(key)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
