"""Data migrations' rows survive a transactional test's flush for the tests after it
(tests/conftest.py puts them back: the staff groups, default cadences and templates)."""

import pytest
from django.contrib.auth.models import Group

from followups.models import CadenceRule, MessageTemplate

# Both transactional, so pytest-django keeps them in this order (it moves transactional
# tests after the others); the first one's flush must not reach the second.
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_transactional_test_ends_with_a_flush():
    assert Group.objects.filter(name="Coordinator").exists()


def test_the_next_test_still_finds_the_migration_data():
    assert Group.objects.get(name="Coordinator").permissions.exists()
    assert CadenceRule.objects.filter(key="inquiry_ack").exists()
    assert MessageTemplate.objects.filter(key="inquiry_ack", language="de").exists()
