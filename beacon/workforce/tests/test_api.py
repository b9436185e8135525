"""API: /api/v1/workforce/trainings and /api/v1/workforce/credential-progress."""

import uuid
from datetime import date, timedelta

import pytest

from beacon.encounters.tests.factories import log
from beacon.workforce.models import Training
from beacon.workforce.tests.factories import credential, training
from conftest import bearer

pytestmark = pytest.mark.django_db
TRAININGS = "/api/v1/workforce/trainings"
PROGRESS = "/api/v1/workforce/credential-progress"
YESTERDAY = date.today() - timedelta(days=1)


def _client(client_for, user):
    return client_for(user)


def test_progress_for_myself(client_for, pat, pat_member, jordan):
    credential(pat_member)
    training(pat_member, on=YESTERDAY, hours={"ethics": 16, "advocacy": 2})
    log(pat, jordan, duration_minutes=90)
    body = client_for(pat).get(PROGRESS).json()
    assert body["user"] == str(pat.pk)
    assert body["totals"] == {
        "experience_hours": 1.5,
        "supervision_hours": 0.0,
        "education_hours": 18.0,
    }
    [cred] = body["credentials"]
    assert (
        cred["definition"]["name"] == "IC&RC Peer Recovery (PR)" and cred["definition"]["standard"]
    )
    reqs = {r["key"]: r for r in cred["requirements"]}
    assert reqs["education:ethics"]["met"] is True
    assert reqs["education:advocacy"]["remaining_hours"] == 8.0
    assert reqs["experience"] == {
        "key": "experience",
        "label": "Experience",
        "required_hours": 500.0,
        "done_hours": 1.5,
        "remaining_hours": 498.5,
        "met": False,
    }
    assert cred["requirements_met"] is False and "Pass the exam." in cred["missing"]


@pytest.mark.parametrize("who", ["sam", "ada"])
def test_a_supervisor_asks_for_a_peers_progress(request, client_for, pat, pat_member, who):
    credential(pat_member)
    response = client_for(request.getfixturevalue(who)).get(f"{PROGRESS}?user={pat.pk}")
    assert response.status_code == 200
    assert response.json()["user"] == str(pat.pk)


@pytest.mark.parametrize("who", ["quinn", "olive"])
def test_another_peer_and_olive_get_404(request, client_for, pat, pat_member, who):
    training(pat_member, on=YESTERDAY, hours={"ethics": 1})
    client = client_for(request.getfixturevalue(who))
    for url in (f"{PROGRESS}?user={pat.pk}", f"{TRAININGS}?user={pat.pk}"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    t = Training.objects.get()
    assert client.get(f"{TRAININGS}/{t.pk}").status_code == 404
    assert client.delete(f"{TRAININGS}/{t.pk}").status_code == 404
    assert client.get(f"{PROGRESS}?user={uuid.uuid4()}").status_code == 404


def test_with_a_token_olive_sees_only_her_own(client, olive, lakeside, pat):
    headers = bearer(olive, lakeside)
    assert client.get(PROGRESS, **headers).json()["user"] == str(olive.pk)
    assert client.get(f"{PROGRESS}?user={pat.pk}", **headers).status_code == 404


def test_trainings_are_recorded_changed_and_removed(client_for, pat):
    client = client_for(pat)
    created = client.post(
        TRAININGS,
        {
            "course": "Ethics for peers",
            "provider": "Recovery Academy",
            "completed_on": YESTERDAY.isoformat(),
            "hours_by_domain": {"ethics": 6, "advocacy": 1.25},
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert body["hours_by_domain"] == {"ethics": 6.0, "advocacy": 1.25}
    assert body["total_hours"] == 7.25 and body["has_certificate"] is False
    url = f"{TRAININGS}/{body['id']}"
    assert [t["id"] for t in client.get(TRAININGS).json()] == [body["id"]]
    patched = client.patch(
        url, {"version": 1, "course": "Renamed"}, content_type="application/json"
    )
    assert patched.status_code == 200
    assert (
        patched.json()["course"] == "Renamed" and patched.json()["hours_by_domain"]["ethics"] == 6.0
    )
    stale = client.patch(url, {"version": 1, "course": "Mine"}, content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


def test_bad_training_input_names_the_field(client_for, pat):
    response = client_for(pat).post(
        TRAININGS,
        {
            "course": "",
            "provider": "P",
            "completed_on": (date.today() + timedelta(days=3)).isoformat(),
            "hours_by_domain": {"juggling": 2},
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = {d["field"] for d in response.json()["error"]["details"]}
    assert {"course", "completed_on", "hours"} <= fields


def test_a_supervisor_reads_a_peers_trainings_but_cannot_change_them(
    client_for, sam, pat, pat_member
):
    t = training(pat_member, on=YESTERDAY, hours={"ethics": 1})
    client = client_for(sam)
    assert [x["id"] for x in client.get(f"{TRAININGS}?user={pat.pk}").json()] == [str(t.pk)]
    response = client.patch(
        f"{TRAININGS}/{t.pk}", {"version": 1, "course": "X"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_participant_role_members_get_403_from_every_workforce_operation(
    client_for, riley, pat_member
):
    """Workforce records are staff records: the role decides first, whatever the id."""
    done = training(pat_member, on=YESTERDAY, hours={"ethics": 2})
    client = client_for(riley)
    for path in (PROGRESS, TRAININGS, f"{TRAININGS}/{done.pk}", f"{TRAININGS}/{uuid.uuid4()}"):
        assert client.get(path).status_code == 403, path
    assert client.delete(f"{TRAININGS}/{done.pk}").status_code == 403
    assert Training.objects.filter(pk=done.pk).exists()
