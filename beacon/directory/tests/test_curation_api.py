"""Curators' API: auth, roles, 404 across organizations, 409 on a stale PATCH, verify, merge,
the re-verify queue; and the public GET of the same path still answering without sign-in."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beacon.directory import selectors
from beacon.directory.models import Phone
from beacon.directory.tests.test_curation_services import referral_to
from beacon.findhelp import services as findhelp_services
from beacon.findhelp.models import ServiceProblemReport
from beacon.findhelp.tests.factories import service
from conftest import member_of, walk_pages

API = "/api/v1/directory"


@pytest.fixture
def entry(harbor):
    return service("Harbor Drop-in", curator=harbor, phone="508-555-0100")


def patch(client, svc, body):
    return client.patch(f"{API}/services/{svc.pk}", data=body, content_type="application/json")


def test_patch_changes_the_entry_and_returns_the_new_version(client_for, ada, entry):
    response = patch(
        client_for(ada),
        entry,
        {
            "version": 1,
            "description": "Walk in",
            "accepts_uninsured": True,
            "phones": [{"number": "508-555-0123", "description": "Main"}],
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 2 and body["description"] == "Walk in"
    assert body["accepts_uninsured"] is True
    assert body["phones"] == [{"number": "508-555-0123", "extension": None, "description": "Main"}]
    assert list(Phone.objects.filter(service=entry).values_list("number", flat=True)) == [
        "508-555-0123"
    ]


def test_a_stale_patch_is_409_with_the_current_version(client_for, ada, entry):
    client = client_for(ada)
    assert patch(client, entry, {"version": 1, "description": "First"}).status_code == 200
    response = patch(client, entry, {"version": 1, "description": "Second"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert response.json()["error"]["current_version"] == 2
    entry.refresh_from_db()
    assert entry.description == "First"


def test_bad_values_are_422_with_the_field(client_for, ada, entry):
    response = patch(
        client_for(ada), entry, {"version": 1, "phones": [{"number": "12"}], "status": "maybe"}
    )
    assert response.status_code == 422
    fields = {d["field"] for d in response.json()["error"]["details"]}
    assert fields == {"phones.0.number", "status"}


def test_public_get_of_the_same_path_still_needs_no_sign_in(client, entry):
    response = client.get(f"{API}/services/{entry.pk}")
    assert response.status_code == 200 and response.json()["name"] == "Harbor Drop-in"


def test_sign_in_is_required(client, entry):
    assert patch(client, entry, {"version": 1, "name": "x"}).status_code == 401
    assert client.get(f"{API}/reverify-queue").status_code == 401
    assert client.post(f"{API}/services/{entry.pk}/verify", {}, "application/json").status_code == (
        401
    )


def test_a_peer_is_refused(client_for, pat, entry):
    client = client_for(pat)
    assert patch(client, entry, {"version": 1, "name": "x"}).status_code == 403
    assert client.get(f"{API}/reverify-queue").status_code == 403
    assert (
        client.post(f"{API}/services/{entry.pk}/verify", {}, "application/json").status_code == 403
    )
    entry.refresh_from_db()
    assert entry.name == "Harbor Drop-in" and entry.last_verified_on is None


def test_another_organizations_admin_gets_404(client_for, olive, entry):
    client = client_for(olive)
    assert patch(client, entry, {"version": 1, "name": "x"}).status_code == 404
    assert client.get(f"{API}/services/{entry.pk}/curation").status_code == 404
    assert (
        client.post(f"{API}/services/{entry.pk}/verify", {}, "application/json").status_code == 404
    )
    mine = service("Lakeside thing", curator=olive.memberships.get().organization)
    response = client.post(
        f"{API}/services/{mine.pk}/merge", {"keep": str(entry.pk)}, "application/json"
    )
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.name == "Harbor Drop-in"
    assert len(client.get(f"{API}/reverify-queue").json()["items"]) == 1  # only their own


def test_verify_with_a_note(client_for, ada, entry):
    response = client_for(ada).post(
        f"{API}/services/{entry.pk}/verify", {"note": "Visited"}, "application/json"
    )
    assert response.status_code == 200
    assert response.json()["last_verified_on"] == timezone.localdate().isoformat()


def test_merge_moves_referrals_and_reports(client_for, ada, harbor, entry, jordan, pat):
    duplicate = service("Harbor drop in", curator=harbor)
    referral = referral_to(duplicate, jordan, pat)
    findhelp_services.problem_report_create(service=duplicate, kind="closed")
    response = client_for(ada).post(
        f"{API}/services/{duplicate.pk}/merge", {"keep": str(entry.pk)}, "application/json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["referrals_moved"] == 1 and body["reports_moved"] == 1
    assert body["kept"]["id"] == str(entry.pk) and body["duplicate"] == str(duplicate.pk)
    referral.refresh_from_db()
    assert referral.to_service == entry
    assert ServiceProblemReport.objects.get().service == entry
    # The duplicate is gone from the public API and cannot be changed any more.
    client = client_for(ada)
    assert client.get(f"{API}/services/{duplicate.pk}").status_code == 404
    assert patch(client, duplicate, {"version": 2, "name": "x"}).status_code == 403


def test_merge_into_itself_is_422(client_for, ada, entry):
    response = client_for(ada).post(
        f"{API}/services/{entry.pk}/merge", {"keep": str(entry.pk)}, "application/json"
    )
    assert response.status_code == 422


def test_reverify_queue_is_ordered_and_paged(client_for, ada, harbor):
    today = timezone.localdate()
    old = service("Old", curator=harbor, last_verified_on=today - timedelta(days=500))
    older = service("Older", curator=harbor, last_verified_on=today - timedelta(days=900))
    never = service("Never", curator=harbor)
    service("Fresh", curator=harbor, last_verified_on=today)
    client = client_for(ada)
    body = client.get(f"{API}/reverify-queue?limit=2").json()
    assert [i["id"] for i in body["items"]] == [str(never.pk), str(older.pk)]
    assert body["verify_after_days"] == 180
    body = client.get(body["next"]).json()
    assert [i["id"] for i in body["items"]] == [str(old.pk)] and body["next"] is None


def test_reverify_queue_walks_every_entry_once_by_cursor(client_for, ada, harbor):
    today = timezone.localdate()
    # Ties on the date and on the name, and entries never verified: the cursor keeps its place.
    due = [service("Same", curator=harbor) for _ in range(3)]
    due += [
        service(name, curator=harbor, last_verified_on=today - timedelta(days=days))
        for name, days in [("Same", 400), ("Same", 400), ("Alder", 400), ("Birch", 999)]
    ]
    service("Fresh", curator=harbor, last_verified_on=today)
    expected = [str(s.pk) for s in selectors.reverify_queue(member=member_of(ada))]
    ids, queries = walk_pages(client_for(ada).get, f"{API}/reverify-queue?limit=2")
    assert sorted(ids) == sorted(str(s.pk) for s in due) and ids == expected
    assert len(queries) == 4 and len(set(queries)) == 1  # the last page costs the first's


def test_reverify_queue_refuses_a_cursor_it_did_not_make(client_for, ada, harbor):
    response = client_for(ada).get(f"{API}/reverify-queue?before=nonsense")
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "before"


def test_reverify_queue_queries_do_not_grow(client_for, ada, harbor):
    client = client_for(ada)
    service("One", curator=harbor)
    with CaptureQueriesContext(connection) as few:
        client.get(f"{API}/reverify-queue")
    for n in range(10):
        service(f"More {n}", curator=harbor)
    with CaptureQueriesContext(connection) as many:
        client.get(f"{API}/reverify-queue")
    assert len(many) == len(few)
