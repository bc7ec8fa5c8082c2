from __future__ import annotations

import importlib

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
