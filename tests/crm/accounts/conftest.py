from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_hashes(settings):
    # Many real sign-ins per test: the production hasher's work factor is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
