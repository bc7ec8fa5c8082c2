"""A real Chromium (Debian's /usr/bin/chromium) against pytest-django's live server.

Playwright cannot download its own browsers here, so the launch points at the system one.
Screenshots of every page go to test-artifacts/screenshots/ (gitignored).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# to set up data are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            # One live server per xdist worker is plenty; keep the browser tests together.
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not os.path.exists(CHROMIUM):
        message = "Chromium is not installed: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # A coordinator in Berlin, on a 1280 px screen.
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 900},
        "timezone_id": "Europe/Berlin",
        "locale": "en-GB",
    }


@pytest.fixture
def shot(page: Any, request: pytest.FixtureRequest) -> Any:
    """shot("name") saves a full-page screenshot as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(autouse=True)
def _browser_settings(settings: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.INBOUND_DOMAIN = "reply.clinic.example"


@pytest.fixture
def page(page: Any, clock: object) -> Any:
    """pytest-playwright's page, on the server's pinned clock (tests/conftest.py `clock`):
    running clocks ("1 d 2 h") and the patient's local time are computed in the browser.
    It runs on from there at real speed."""
    page.clock.install(time=timezone.now())
    return page
