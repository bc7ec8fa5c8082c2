"""Signed tokens in addresses and links. Both are bound to one row and keyed by SECRET_KEY,
so they cannot be guessed or moved to another journey/patient; rotating SECRET_KEY
invalidates them (old reply-to addresses then fall back to In-Reply-To and sender matching).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

_REPLY_SALT = "followups.reply-token"
_UNSUBSCRIBE_SALT = "followups.unsubscribe"
# Lower-case hex only: some MTAs lower-case the local part of an address.
_REPLY_RE = re.compile(r"^(?P<id>[0-9]+)-(?P<mac>[0-9a-f]{24})$")


def reply_token(journey_id: int) -> str:
    mac = salted_hmac(_REPLY_SALT, str(journey_id), algorithm="sha256").hexdigest()[:24]
    return f"{journey_id}-{mac}"


def journey_id_from_reply_token(token: str) -> int | None:
    """The journey a reply token names, or None if it was not issued by us."""
    match = _REPLY_RE.match(token.strip().lower())
    if match is None:
        return None
    journey_id = int(match["id"])
    if not constant_time_compare(reply_token(journey_id), match.group(0)):
        return None
    return journey_id


def reply_address(journey_id: int) -> str:
    return f"reply+{reply_token(journey_id)}@{settings.INBOUND_DOMAIN}"


def unsubscribe_token(patient_id: int) -> str:
    # No expiry: an unsubscribe link in a months-old email must still work.
    return signing.dumps(patient_id, salt=_UNSUBSCRIBE_SALT, compress=False)


def patient_id_from_unsubscribe_token(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def survey_token(journey_id: int) -> str:
    return signing.dumps(journey_id, salt="followups.survey")


def journey_id_from_survey_token(token: str) -> int | None:
    try:
        value = signing.loads(token, salt="followups.survey")
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None
