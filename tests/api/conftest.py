from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from api.models import Scope
from api.services import api_key_create


class KeyClient:
    """A test client that sends an API key, JSON in and out."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.client = Client()

    def _headers(self, extra: dict[str, str]) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.raw}", **extra}

    def get(self, url: str, data: Any = None, **extra: str) -> Any:
        return self.client.get(url, data, **self._headers(extra))

    def post(self, url: str, data: Any = None, **extra: str) -> Any:
        return self.client.post(
            url, data or {}, content_type="application/json", **self._headers(extra)
        )

    def generic(self, method: str, url: str, **extra: str) -> Any:
        return self.client.generic(method, url, **self._headers(extra))


def key_client(user: User, scope: str = Scope.READ_WRITE) -> KeyClient:
    _, raw = api_key_create(name=f"{user.username} tool", user=user, scope=scope, actor=None)
    return KeyClient(raw)


@pytest.fixture
def as_manager(manager: User) -> KeyClient:
    return key_client(manager)


@pytest.fixture
def as_coordinator(coordinator: User) -> KeyClient:
    return key_client(coordinator)
