"""Signed links to the patient's page: bound to one journey, expiring, revocable.

A token is `TimestampSigner` over "<journey id>.<version>" with our own salt: it cannot be
forged or moved to another journey, it expires after CARE_LINK_MAX_AGE_DAYS, and bumping
the journey's CareAccess.version (care.services.care_links_revoke) invalidates every link
issued before. Checking it costs one primary-key read.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing

_SALT = "care.page"


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_SALT)


def page_token(journey_id: int, version: int) -> str:
    return _signer().sign(f"{journey_id}.{version}")


def read_page_token(token: str) -> tuple[int, int] | None:
    """(journey id, version) of a token we issued that has not expired, else None. The
    caller still compares the version with the journey's current one."""
    try:
        value = _signer().unsign(token, max_age=dt.timedelta(days=settings.CARE_LINK_MAX_AGE_DAYS))
    except signing.BadSignature:  # also SignatureExpired
        return None
    journey_part, _, version_part = value.partition(".")
    if not (journey_part.isdigit() and version_part.isdigit()):
        return None
    return int(journey_part), int(version_part)
