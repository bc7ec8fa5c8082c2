"""The admin site's input guards (crm/admin_site.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_() -> Client:
    user = User.objects.create_superuser("root", "root@clinic.example", "pw")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_an_empty_to_field_is_a_bad_request(admin_client_: Client, clinic) -> None:
    response = admin_client_.get(f"/admin/crm/clinic/{clinic.pk}/change/", {"_to_field": ""})
    assert response.status_code == 400


def test_an_add_form_ignores_a_date_time_given_in_the_query(admin_client_: Client) -> None:
    response = admin_client_.get("/admin/crm/interaction/add/", {"occurred_at": "bogus"})
    assert response.status_code == 200
    response = admin_client_.get("/admin/crm/interaction/add/", {"summary": "Called"})
    assert response.status_code == 200 and b"Called" in response.content
