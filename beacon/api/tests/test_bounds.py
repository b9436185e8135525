"""Every list, text and integer the API accepts is bounded, and a refusal stays small
(issue 14, findings 5 and 6; docs/security-proof.md, "Bounded input")."""

import json

import pytest

from beacon.api.errors import MAX_DETAILS
from beacon.encounters.models import Encounter
from beacon.encounters.tests.factories import log
from conftest import bearer

ENCOUNTERS = "/api/v1/encounters"


def encounter_body(participant, **values):
    return {
        "participant": str(participant.pk),
        "duration_minutes": 20,
        "modality": "phone",
        "setting": "community",
        "kind": "check_in",
        **values,
    }


def post(client, auth, path, payload):
    return client.post(path, json.dumps(payload), content_type="application/json", **auth)


@pytest.fixture
def pat_auth(harbor, pat):
    return bearer(pat, harbor)


def test_an_oversized_list_is_refused_at_once_with_a_small_answer(client, pat_auth, jordan):
    """Before: 100,000 topics answered after 8 s with 18.8 MB, one error per item."""
    post(client, pat_auth, ENCOUNTERS, {})  # the first request of a process loads the URLs
    response = post(client, pat_auth, ENCOUNTERS, encounter_body(jordan, topics=["xx"] * 100_000))
    assert response.status_code == 422
    assert len(response.content) < 1000, len(response.content)
    details = response.json()["error"]["details"]
    assert [d["field"] for d in details] == ["topics"]
    assert "at most" in details[0]["message"]
    assert "more" not in response.json()["error"]
    assert not Encounter.objects.exists()


def test_a_thousand_errors_show_the_first_twenty_and_how_many_more(client, harbor, ada):
    """50 questions with 20 choices each that are not text: 1,000 errors, 20 shown."""
    items = [{"text": f"Question {n}", "kind": "choice", "choices": [n] * 20} for n in range(50)]
    response = post(
        client, bearer(ada, harbor), "/api/v1/questionnaires", {"name": "Check", "items": items}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert MAX_DETAILS == 20
    assert len(error["details"]) == 20
    assert error["details"][0]["field"] == "items.0.choices.0"
    assert error["more"] == 980
    assert len(response.content) < 5000


@pytest.mark.parametrize("value", [str(2**70), str(2**63), str(-(2**70))])
def test_a_cursor_id_beyond_what_the_database_holds_names_the_cursor(client, pat_auth, value):
    """Before: a 500 ("datatype mismatch" on SQLite, integer out of range on PostgreSQL), for
    the participants' `offset` (gone since issue 16: lists page by cursor); the audit trail's
    cursor is an id, an integer bounded the same way."""
    response = client.get("/api/v1/audit-events", {"before": value}, **pat_auth)
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["before"]


def test_a_version_beyond_what_the_database_holds_names_the_version(client, pat_auth, pat, jordan):
    encounter = log(pat, jordan)
    response = client.patch(
        f"{ENCOUNTERS}/{encounter.pk}",
        json.dumps({"version": 2**70, "duration_minutes": 30}),
        content_type="application/json",
        **pat_auth,
    )
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["version"]


def test_a_nul_in_a_note_is_refused_naming_the_note(client, pat_auth, jordan):
    """PostgreSQL refuses NUL in text (a 500 before); SQLite stored it. Now both answer 422."""
    response = post(client, pat_auth, ENCOUNTERS, encounter_body(jordan, note="Court\x00date"))
    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert [d["field"] for d in details] == ["note"]
    assert "NUL" in details[0]["message"]
    assert not Encounter.objects.exists()


def test_a_nul_in_a_list_item_or_a_query_is_refused(client, harbor, pat_auth, ada):
    items = [{"text": "Where?", "kind": "choice", "choices": ["Own place", "Shel\x00ter"]}]
    response = post(
        client, bearer(ada, harbor), "/api/v1/questionnaires", {"name": "Check", "items": items}
    )
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["items.0.choices.1"]
    response = client.get(
        "/api/v1/audit-events", {"action": "participant\x00"}, **bearer(ada, harbor)
    )
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["action"]


def test_a_nul_in_a_note_on_the_page_is_a_form_error(client_for, pat, jordan):
    from django.urls import reverse

    response = client_for(pat).post(
        f"{reverse('encounters:new')}?participant={jordan.pk}",
        {
            "duration_pick": "30",
            "modality": "phone",
            "setting": "community",
            "kind": "check_in",
            "note": "Court\x00date",
        },
    )
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.context["form"].errors["note"]
    assert not Encounter.objects.exists()
