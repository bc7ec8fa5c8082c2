from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.apps import apps


@pytest.fixture
def default_cadences(db: None) -> None:
    """The default cadence rules and templates, as the data migration made them. A
    transactional test elsewhere in the same worker may have flushed them."""
    from followups.models import CadenceRule

    if not CadenceRule.objects.exists():
        migration = importlib.import_module("followups.migrations.0002_default_cadences")
        migration.create_defaults(apps, None)
        # Found by name, not number: migrations are renumbered when branches merge.
        (path,) = Path(migration.__file__).parent.glob("*_catch_up_and_send_confirmation.py")
        catch_up = importlib.import_module(f"followups.migrations.{path.stem}")
        catch_up.set_defaults(apps, None)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """The dashboard caches the staff list and patient countries for a minute or an hour;
    each test starts without another test's."""
    from django.core.cache import cache

    cache.clear()
