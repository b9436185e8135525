"""The audit trail's person filter (issue 14): free text matched in SQL, so normalized and
bounded like every search (beacon.core.search): page and API."""

import pytest
from django.urls import reverse

from beacon.audit.services import record_event
from conftest import bearer

API = "/api/v1/audit-events"


@pytest.fixture
def trail(harbor, ada, sam, pat):
    record_event(action="user.profile_changed", actor=sam, organization=harbor)
    record_event(action="user.profile_changed", actor=pat, organization=harbor)


def test_api_drops_nul_and_refuses_over_the_limit_naming_the_field(client, harbor, ada, trail):
    headers = bearer(ada, harbor)
    response = client.get(API, {"actor": "sam@\x00harbor"}, **headers)
    assert response.status_code == 200
    assert {e["actor_email"] for e in response.json()["items"]} == {"sam@harbor.test"}
    response = client.get(API, {"actor": "s" * 255}, **headers)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "actor"


def test_page_drops_nul(client_for, ada, trail):
    response = client_for(ada).get(reverse("audit:list"), {"actor": "sam@\x00harbor"})
    assert response.status_code == 200
    assert {e.actor_email for e in response.context["page"].events} == {"sam@harbor.test"}
