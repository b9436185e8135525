"""GET /api/v1/audit-events: the organization's trail, for its organization admins only."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
import time_machine

from beacon.api.services import token_create
from beacon.audit.models import AuditEvent
from beacon.audit.services import record_event

URL = "/api/v1/audit-events"


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def ada_token(harbor, ada):
    return token_create(user=ada, organization=harbor)[1]


@pytest.fixture
def olive_token(lakeside, olive):
    return token_create(user=olive, organization=lakeside)[1]


def record(org, actor, action="user.profile_changed", **kwargs):
    return record_event(action=action, actor=actor, organization=org, **kwargs)


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def harbor_ids():
    return list(
        AuditEvent.objects.filter(organization__name="Harbor Recovery Community")
        .order_by("-id")
        .values_list("id", flat=True)
    )


def test_admin_gets_her_organizations_trail_only(
    client, harbor, lakeside, ada, pat, olive, ada_token
):
    sign_in = record(harbor, pat, "auth.login", target=pat, ip_address="192.0.2.4")
    record(lakeside, olive, "auth.login")
    record(lakeside, olive, "organization.settings_changed")

    response = client.get(URL, **bearer(ada_token))
    assert ids(response) == harbor_ids()
    body = response.json()
    assert body["next"] is None
    lakeside_ids = set(
        AuditEvent.objects.filter(organization=lakeside).values_list("id", flat=True)
    )
    assert not lakeside_ids & set(ids(response))

    item = next(i for i in body["items"] if i["id"] == sign_in.id)
    assert item["action"] == "auth.login"
    assert item["actor"] == str(pat.pk)
    assert item["actor_email"] == pat.email
    assert item["organization"] == str(harbor.pk)
    assert item["object_type"] == "accounts.user"
    assert item["object_id"] == str(pat.pk)
    assert item["ip_address"] == "192.0.2.4"
    assert item["details"] == {}
    # JSON carries milliseconds.
    shown_at = datetime.fromisoformat(item["occurred_at"])
    assert abs(shown_at - sign_in.occurred_at) < timedelta(milliseconds=1)
    # The chain's internals are not part of the API.
    assert "hash" not in item
    assert "prev_hash" not in item


def test_filter_by_actor(client, harbor, ada, sam, pat, ada_token):
    sams = [record(harbor, sam, "auth.login"), record(harbor, sam, "auth.logout")]
    record(harbor, pat, "auth.login")
    response = client.get(URL, {"actor": "sam@harbor.test"}, **bearer(ada_token))
    assert ids(response) == [sams[1].id, sams[0].id]
    response = client.get(URL, {"actor": "SAM@"}, **bearer(ada_token))
    assert ids(response) == [sams[1].id, sams[0].id]


def test_filter_by_action(client, harbor, ada, sam, pat, ada_token):
    failed = [record(harbor, pat, "auth.login_failed"), record(harbor, sam, "auth.login_failed")]
    record(harbor, pat, "auth.login")
    response = client.get(URL, {"action": "auth.login_failed"}, **bearer(ada_token))
    assert ids(response) == [failed[1].id, failed[0].id]
    response = client.get(
        URL, {"action": "auth.login_failed", "actor": "pat@"}, **bearer(ada_token)
    )
    assert ids(response) == [failed[0].id]


def test_filter_by_time(client, harbor, ada, pat, ada_token):
    base = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    events = []
    for hours in range(4):
        with time_machine.travel(base + timedelta(hours=hours), tick=False):
            events.append(record(harbor, pat, "auth.login"))

    def fetch(**params):
        query = {k: v.isoformat() for k, v in params.items()}
        return ids(client.get(URL, query, **bearer(ada_token)))

    # `since` is inclusive, `until` exclusive.
    assert fetch(since=base + timedelta(hours=1), until=base + timedelta(hours=3)) == [
        events[2].id,
        events[1].id,
    ]
    assert fetch(until=base + timedelta(hours=1)) == [events[0].id]
    since = fetch(since=base + timedelta(hours=3))
    assert events[3].id in since
    assert events[2].id not in since
    # Another way of writing the same instant selects the same entries.
    new_york = base.astimezone(timezone(timedelta(hours=-5)))
    assert new_york.isoformat().endswith("-05:00")
    assert fetch(until=new_york + timedelta(hours=1)) == [events[0].id]


def test_limit_and_next_pages_to_older_entries(client, harbor, ada, pat, ada_token):
    for n in range(7):
        record(harbor, pat, "auth.login", details={"n": n})
    everything = harbor_ids()  # the 7, and the token's creation

    first = client.get(URL, {"limit": 3, "action": "auth.login"}, **bearer(ada_token))
    assert ids(first) == everything[:3]
    next_url = first.json()["next"]
    assert next_url.startswith(URL + "?")
    assert "action=auth.login" in next_url
    assert "limit=3" in next_url
    assert f"before={everything[2]}" in next_url

    second = client.get(next_url, **bearer(ada_token))
    assert ids(second) == everything[3:6]
    third = client.get(second.json()["next"], **bearer(ada_token))
    assert ids(third) == [everything[6]]
    assert third.json()["next"] is None


def test_default_page_is_fifty(client, harbor, ada, pat, ada_token):
    for _ in range(55):
        record(harbor, pat, "auth.login")
    response = client.get(URL, **bearer(ada_token))
    assert len(ids(response)) == 50
    assert response.json()["next"]


@pytest.mark.parametrize("limit", [0, 201, -1, "lots"])
def test_limit_out_of_range_is_refused(client, harbor, ada, ada_token, limit):
    response = client.get(URL, {"limit": limit}, **bearer(ada_token))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert [d["field"] for d in error["details"]] == ["limit"]


def test_limit_of_two_hundred_is_allowed(client, harbor, ada, ada_token):
    assert client.get(URL, {"limit": 200}, **bearer(ada_token)).status_code == 200


def test_time_without_offset_is_handled(client, harbor, ada, pat, ada_token):
    with time_machine.travel(datetime(2026, 3, 1, 12, 0, tzinfo=UTC), tick=False):
        event = record(harbor, pat, "auth.login")
    response = client.get(URL, {"since": "2026-03-01T11:00:00"}, **bearer(ada_token))
    if response.status_code == 422:
        assert response.json()["error"]["details"][0]["field"] == "since"
    else:
        assert event.id in ids(response)


def test_bad_time_is_refused(client, harbor, ada, ada_token):
    response = client.get(URL, {"since": "yesterday"}, **bearer(ada_token))
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "since"


@pytest.mark.parametrize("person", ["pat", "sam", "riley"])
def test_other_roles_are_forbidden(request, client, harbor, person):
    user = request.getfixturevalue(person)
    record(harbor, user, "auth.login")
    _token, raw = token_create(user=user, organization=harbor)

    response = client.get(URL, **bearer(raw))
    assert response.status_code == 403
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == "forbidden"
    assert body["error"]["message"]
    refusal = AuditEvent.objects.order_by("-id").first()
    assert refusal.action == "access.refused"
    assert refusal.actor_id == user.pk
    assert refusal.organization_id == harbor.pk


def test_other_organizations_admin_gets_only_hers(
    client, harbor, lakeside, ada, pat, olive, olive_token
):
    record(harbor, pat, "auth.login")
    record(harbor, ada, "organization.settings_changed")
    mine = record(lakeside, olive, "organization.settings_changed")

    response = client.get(URL, **bearer(olive_token))
    got = ids(response)
    assert mine.id in got
    assert set(got) == set(
        AuditEvent.objects.filter(organization=lakeside).values_list("id", flat=True)
    )
    assert not set(got) & set(harbor_ids())
    assert "harbor" not in response.content.decode()

    # Filters and paging do not reach past her organization either.
    assert ids(client.get(URL, {"actor": "pat@harbor"}, **bearer(olive_token))) == []
    response = client.get(URL, {"before": max(harbor_ids()) + 1}, **bearer(olive_token))
    assert not set(ids(response)) & set(harbor_ids())


def test_signed_in_browser_session_works_too(client_for, harbor, ada, pat):
    event = record(harbor, pat, "auth.login")
    response = client_for(ada).get(URL)
    assert event.id in ids(response)


def test_query_count_does_not_grow(
    client, harbor, ada, pat, ada_token, django_assert_max_num_queries
):
    for _ in range(60):
        record(harbor, pat, "auth.login", target=pat)
    client.get(URL, **bearer(ada_token))  # first use notes last_used_at
    with django_assert_max_num_queries(4):
        response = client.get(URL, {"limit": 60}, **bearer(ada_token))
    assert len(ids(response)) == 60
