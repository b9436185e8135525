"""/api/v1/encounters: create, list, read, correct; visibility, audit, 409, query counts."""

import uuid
from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.encounters.models import Encounter
from beacon.encounters.tests.factories import EncounterFactory, log
from beacon.notifications.models import Notification
from conftest import bearer

URL = "/api/v1/encounters"


def body(**values):
    return {
        "duration_minutes": 23,
        "modality": "phone",
        "setting": "community",
        "kind": "check_in",
        **values,
    }


def post(client, auth, payload):
    return client.post(URL, payload, content_type="application/json", **auth)


def patch(client, auth, pk, payload):
    return client.patch(f"{URL}/{pk}", payload, content_type="application/json", **auth)


@pytest.fixture
def pat_auth(harbor, pat):
    return bearer(pat, harbor)


def test_create_computes_the_units_itself(client, pat_auth, jordan, pat):
    response = post(
        client,
        pat_auth,
        body(
            participant=str(jordan.pk),
            billable_units=99,
            topics=["housing", "legal"],
            note="Court date next week.",
        ),
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["billable_units"] == 2
    assert data["participant"] == str(jordan.pk)
    assert data["peer"] == {"id": str(pat.pk), "name": "Pat Peer"}
    assert data["version"] == 1
    assert data["topics"] == ["housing", "legal"]
    encounter = Encounter.objects.get()
    assert encounter.billable_units == 2
    assert AuditEvent.objects.filter(action="encounter.logged").count() == 1


def test_a_time_without_offset_is_utc_as_everywhere_in_the_api(client, pat_auth, jordan):
    when = (timezone.now() - timedelta(hours=2)).astimezone(UTC)
    response = post(
        client,
        pat_auth,
        body(participant=str(jordan.pk), occurred_at=when.strftime("%Y-%m-%dT%H:%M:%S")),
    )
    assert response.status_code == 201
    saved = Encounter.objects.get().occurred_at
    assert abs(saved - when.replace(microsecond=0)) < timedelta(seconds=1)


def test_schema_errors_name_each_field(client, pat_auth, jordan):
    response = post(
        client,
        pat_auth,
        {
            "participant": str(jordan.pk),
            "duration_minutes": 2000,
            "modality": "carrier_pigeon",
            "topics": ["astrology"],
        },
    )
    assert response.status_code == 422
    fields = {d["field"] for d in response.json()["error"]["details"]}
    assert {"duration_minutes", "modality", "setting", "kind", "topics.0"} <= fields
    assert not Encounter.objects.exists()


def test_service_errors_answer_422_naming_the_field(client, pat_auth, jordan):
    response = post(
        client,
        pat_auth,
        body(
            participant=str(jordan.pk),
            occurred_at=(timezone.now() + timedelta(days=1)).isoformat(),
        ),
    )
    assert response.status_code == 422, response.content
    [detail] = response.json()["error"]["details"]
    assert detail["field"] == "occurred_at"
    assert "future" in detail["message"]


def test_a_crisis_flag_from_the_api_notifies(client, pat_auth, jordan, sam):
    response = post(client, pat_auth, body(participant=str(jordan.pk), crisis_flag=True))
    assert response.status_code == 201
    assert Notification.objects.get().recipient == sam


@pytest.mark.parametrize("who", ["quinn", "olive"])
def test_others_cannot_log_for_jordan(client, request, harbor, lakeside, jordan, who):
    user = request.getfixturevalue(who)
    auth = bearer(user, harbor if who == "quinn" else lakeside)
    hidden = post(client, auth, body(participant=str(jordan.pk)))
    absent = post(client, auth, body(participant=str(uuid.uuid4())))
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json() == absent.json()
    assert not Encounter.objects.exists()


# --- Reading -----------------------------------------------------------------------------------


def test_the_list_is_what_the_caller_may_see(
    client, harbor, lakeside, pat, quinn, olive, jordan, casey, morgan, pat_auth
):
    mine = EncounterFactory(participant=jordan, peer=pat)
    EncounterFactory(participant=casey, peer=quinn)
    EncounterFactory(participant=morgan, peer=olive)
    response = client.get(URL, **pat_auth)
    assert response.status_code == 200
    assert [i["id"] for i in response.json()["items"]] == [str(mine.pk)]
    olive_items = client.get(URL, **bearer(olive, lakeside)).json()["items"]
    assert [i["participant"] for i in olive_items] == [str(morgan.pk)]


def test_every_participant_listed_is_audited(client, pat, jordan, pat_auth):
    EncounterFactory(participant=jordan, peer=pat)
    EncounterFactory(participant=jordan, peer=pat)
    client.get(URL, **pat_auth)
    [event] = AuditEvent.objects.filter(action="participant.viewed")
    assert event.object_id == str(jordan.pk)
    assert event.details == {"seen": "encounter_list"}


def test_filters(client, harbor, ada, sam, pat, quinn, jordan, casey):
    now = timezone.now()
    old = EncounterFactory(participant=jordan, peer=pat, occurred_at=now - timedelta(days=10))
    new = EncounterFactory(participant=jordan, peer=sam, occurred_at=now - timedelta(days=1))
    other = EncounterFactory(participant=casey, peer=quinn, occurred_at=now - timedelta(days=2))
    auth = bearer(ada, harbor)

    def ids(**params):
        response = client.get(URL, params, **auth)
        assert response.status_code == 200, response.content
        return [i["id"] for i in response.json()["items"]]

    assert ids() == [str(new.pk), str(other.pk), str(old.pk)]
    assert ids(participant=str(jordan.pk)) == [str(new.pk), str(old.pk)]
    assert ids(peer=str(pat.pk)) == [str(old.pk)]
    assert ids(since=(now - timedelta(days=3)).isoformat()) == [str(new.pk), str(other.pk)]
    assert ids(until=(now - timedelta(days=3)).isoformat()) == [str(old.pk)]


def test_paging_walks_everything_once(client, pat, jordan, pat_auth):
    same_time = timezone.now() - timedelta(hours=1)
    made = {str(EncounterFactory(participant=jordan, peer=pat, occurred_at=same_time).pk)}
    made |= {
        str(
            EncounterFactory(
                participant=jordan, peer=pat, occurred_at=same_time - timedelta(minutes=i)
            ).pk
        )
        for i in range(6)
    }
    seen, url = [], f"{URL}?limit=3"
    while url:
        data = client.get(url, **pat_auth).json()
        seen += [i["id"] for i in data["items"]]
        url = data["next"]
    assert len(seen) == len(set(seen)) == len(made) == 7
    assert set(seen) == made


def test_a_bad_cursor_is_a_422(client, pat_auth):
    response = client.get(f"{URL}?before=not-a-cursor", **pat_auth)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "before"


def test_the_list_costs_the_same_queries_however_many_encounters(
    client, pat, quinn, jordan, casey, sam, harbor
):
    auth = bearer(sam, harbor)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, **auth).status_code == 200
        return len(captured)

    client.get(URL, **auth)  # the token's "last used" is written once a minute: not per page
    for _ in range(3):
        EncounterFactory(participant=jordan, peer=pat)
        EncounterFactory(participant=casey, peer=quinn)
    few = queries()
    for _ in range(30):
        EncounterFactory(participant=jordan, peer=pat)
        EncounterFactory(participant=casey, peer=sam)
    assert queries() == few


def test_one_encounter_is_audited(client, pat_auth, jordan, jordan_encounter):
    response = client.get(f"{URL}/{jordan_encounter.pk}", **pat_auth)
    assert response.status_code == 200
    assert response.json()["note"] == "Jordan found a room at the shelter."
    assert response.json()["revisions"] == []
    event = AuditEvent.objects.get(action="participant.viewed")
    assert event.object_id == str(jordan.pk)
    assert event.details == {"seen": "encounter", "id": str(jordan_encounter.pk)}


@pytest.mark.parametrize("who", ["quinn", "olive", "riley"])
def test_others_get_404_exactly_like_a_missing_id(
    client, request, harbor, lakeside, who, jordan_encounter
):
    user = request.getfixturevalue(who)
    auth = bearer(user, lakeside if who == "olive" else harbor)
    for method in ("get", "patch"):
        hidden = getattr(client, method)(
            f"{URL}/{jordan_encounter.pk}", {"version": 1}, content_type="application/json", **auth
        )
        absent = getattr(client, method)(
            f"{URL}/{uuid.uuid4()}", {"version": 1}, content_type="application/json", **auth
        )
        assert hidden.status_code == absent.status_code == 404, method
        assert hidden.json() == absent.json()
    assert client.get(URL, **auth).json()["items"] == []
    assert not AuditEvent.objects.filter(action="participant.viewed").exists()


# --- Correcting --------------------------------------------------------------------------------


def test_a_correction(client, pat_auth, jordan_encounter):
    response = patch(
        client,
        pat_auth,
        jordan_encounter.pk,
        {"version": 1, "duration_minutes": 60, "reason": "Longer than noted", "billable_units": 9},
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["version"] == 2
    assert data["duration_minutes"] == 60
    assert data["billable_units"] == 4
    assert data["note"] == "Jordan found a room at the shelter."
    [revision] = data["revisions"]
    assert revision["version"] == 1
    assert revision["reason"] == "Longer than noted"
    assert revision["previous"]["duration_minutes"] == 30
    assert revision["edited_by"]["name"] == "Pat Peer"


def test_a_stale_version_answers_409_and_changes_nothing(client, pat_auth, jordan_encounter):
    assert (
        patch(client, pat_auth, jordan_encounter.pk, {"version": 1, "note": "a"}).status_code == 200
    )
    response = patch(client, pat_auth, jordan_encounter.pk, {"version": 1, "note": "b"})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict"
    assert error["current_version"] == 2
    jordan_encounter.refresh_from_db()
    assert jordan_encounter.note == "a"


def test_patch_needs_a_version_and_refuses_nulls(client, pat_auth, jordan_encounter):
    missing = patch(client, pat_auth, jordan_encounter.pk, {"note": "x"})
    assert missing.status_code == 422
    assert missing.json()["error"]["details"][0]["field"] == "version"
    null = patch(client, pat_auth, jordan_encounter.pk, {"version": 1, "duration_minutes": None})
    assert null.status_code == 422
    assert null.json()["error"]["details"][0]["field"] == "duration_minutes"


def test_clearing_the_follow_up(client, pat_auth, pat, jordan):
    encounter = log(pat, jordan, follow_up_on=timezone.localdate() + timedelta(days=2))
    response = patch(client, pat_auth, encounter.pk, {"version": 1, "follow_up_on": None})
    assert response.status_code == 200
    assert response.json()["follow_up_on"] is None


def test_an_open_team_peer_may_read_but_not_correct(client, harbor, quinn, jordan_encounter):
    harbor.participants_open_to_team = True
    harbor.save()
    auth = bearer(quinn, harbor)
    assert client.get(f"{URL}/{jordan_encounter.pk}", **auth).status_code == 200
    response = patch(client, auth, jordan_encounter.pk, {"version": 1, "note": "x"})
    assert response.status_code == 403
