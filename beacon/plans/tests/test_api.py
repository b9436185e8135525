"""/api/v1/plans and /api/v1/plans/{id}/goals: read, create, change with a version; 404 for
outsiders, 409 when stale, 422 for refused values; every read audited."""

import uuid

import pytest

from beacon.audit.models import AuditEvent
from beacon.plans import services
from beacon.plans.models import Goal, RecoveryPlan
from conftest import bearer, member_of

URL = "/api/v1/plans"


@pytest.fixture
def pat_auth(harbor, pat):
    return bearer(pat, harbor)


def send(client, method, url, auth, payload):
    return getattr(client, method)(url, payload, content_type="application/json", **auth)


def test_read_the_plan_of_a_participant(
    client, pat_auth, jordan, jordan_plan, jordan_goal, jordan_step
):
    response = client.get(f"{URL}?participant={jordan.pk}", **pat_auth)
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(jordan_plan.pk)
    assert body["participant"] == str(jordan.pk)
    assert body["recovery_means"] == "Being someone my daughter can count on."
    assert body["version"] == 1 and body["next_review_on"] == jordan_plan.next_review_on.isoformat()
    [goal] = body["goals"]
    assert goal["domain"] == "home" and goal["status"] == "not_started"
    assert goal["steps"][0]["what"] == "Call the housing office"
    event = AuditEvent.objects.get(action="participant.viewed")
    assert event.details == {"seen": "plan", "id": str(jordan_plan.pk)}
    assert client.get(f"{URL}/{jordan_plan.pk}", **pat_auth).json()["id"] == str(jordan_plan.pk)


def test_no_plan_yet_is_404(client, pat_auth, jordan):
    response = client.get(f"{URL}?participant={jordan.pk}", **pat_auth)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_create_a_plan(client, pat_auth, jordan, harbor):
    response = send(
        client, "post", URL, pat_auth, {"participant": str(jordan.pk), "recovery_means": "Peace."}
    )
    assert response.status_code == 201
    plan = RecoveryPlan.objects.get()
    assert response.json()["id"] == str(plan.pk)
    assert response.json()["goals"] == []
    again = send(client, "post", URL, pat_auth, {"participant": str(jordan.pk)})
    assert again.status_code == 422
    assert again.json()["error"]["details"][0]["field"] == "participant"


def test_patch_needs_the_version_and_409_when_stale(client, pat_auth, sam, jordan_plan):
    missing = send(client, "patch", f"{URL}/{jordan_plan.pk}", pat_auth, {"needs": "x"})
    assert missing.status_code == 422
    ok = send(client, "patch", f"{URL}/{jordan_plan.pk}", pat_auth, {"version": 1, "needs": "Keys"})
    assert ok.status_code == 200
    assert ok.json()["needs"] == "Keys" and ok.json()["version"] == 2
    assert ok.json()["barriers"] == "No car."  # fields not sent are left alone
    stale = send(
        client, "patch", f"{URL}/{jordan_plan.pk}", pat_auth, {"version": 1, "needs": "Old"}
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    assert stale.json()["error"]["current_version"] == 2
    assert RecoveryPlan.objects.get().needs == "Keys"
    assert jordan_plan.versions.count() == 2


def test_goals_list_add_and_patch(client, pat_auth, jordan_plan):
    url = f"{URL}/{jordan_plan.pk}/goals"
    created = send(
        client,
        "post",
        url,
        pat_auth,
        {"domain": "purpose", "area": "employment", "description": "A job I am proud of."},
    )
    assert created.status_code == 201
    goal = created.json()
    assert goal["status"] == "not_started" and goal["version"] == 1
    listed = client.get(url, **pat_auth).json()
    assert [g["id"] for g in listed] == [goal["id"]]
    changed = send(
        client, "patch", f"{url}/{goal['id']}", pat_auth, {"version": 1, "status": "in_progress"}
    )
    assert changed.status_code == 200 and changed.json()["status"] == "in_progress"
    stale = send(
        client, "patch", f"{url}/{goal['id']}", pat_auth, {"version": 1, "status": "achieved"}
    )
    assert stale.status_code == 409
    assert Goal.objects.get().status == "in_progress"


def test_refused_values_are_422_with_the_field(client, pat_auth, jordan_plan):
    url = f"{URL}/{jordan_plan.pk}/goals"
    bad = send(
        client, "post", url, pat_auth, {"domain": "wealth", "area": "housing", "description": "x"}
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["details"][0]["field"] == "domain"
    empty = send(
        client, "post", url, pat_auth, {"domain": "home", "area": "housing", "description": " "}
    )
    assert empty.status_code == 422
    assert empty.json()["error"]["details"] == [
        {"field": "description", "message": "Write the goal, in the participant's words."}
    ]


@pytest.mark.parametrize("who", ["quinn", "olive", "riley"])
def test_outsiders_get_404_like_a_missing_plan(
    client, request, who, harbor, lakeside, jordan, jordan_plan, jordan_goal
):
    user = request.getfixturevalue(who)
    auth = bearer(user, lakeside if who == "olive" else harbor)
    missing = uuid.uuid4()
    for hidden, absent in (
        (f"{URL}?participant={jordan.pk}", f"{URL}?participant={missing}"),
        (f"{URL}/{jordan_plan.pk}", f"{URL}/{missing}"),
        (f"{URL}/{jordan_plan.pk}/goals", f"{URL}/{missing}/goals"),
    ):
        a, b = client.get(hidden, **auth), client.get(absent, **auth)
        assert a.status_code == b.status_code == 404
        assert a.json() == b.json()
    assert send(client, "post", URL, auth, {"participant": str(jordan.pk)}).status_code == 404
    assert (
        send(
            client, "patch", f"{URL}/{jordan_plan.pk}", auth, {"version": 1, "needs": "x"}
        ).status_code
        == 404
    )
    assert (
        send(
            client,
            "patch",
            f"{URL}/{jordan_plan.pk}/goals/{jordan_goal.pk}",
            auth,
            {"version": 1, "status": "achieved"},
        ).status_code
        == 404
    )
    assert (
        send(
            client,
            "post",
            f"{URL}/{jordan_plan.pk}/goals",
            auth,
            {"domain": "home", "area": "housing", "description": "x"},
        ).status_code
        == 404
    )
    assert not AuditEvent.objects.filter(action="participant.viewed").exists()
    assert RecoveryPlan.objects.get().needs == "A place to live."


def test_an_open_team_peer_reads_but_gets_403_on_changes(client, harbor, quinn, jordan_plan):
    harbor.participants_open_to_team = True
    harbor.save()
    auth = bearer(quinn, harbor)
    assert client.get(f"{URL}/{jordan_plan.pk}", **auth).status_code == 200
    response = send(client, "patch", f"{URL}/{jordan_plan.pk}", auth, {"version": 1, "needs": "x"})
    assert response.status_code == 403


def test_a_goal_of_another_plan_is_404_like_a_missing_one_and_the_refusal_is_audited(
    client, pat_auth, pat, jordan_plan, casey_goal
):
    def patch(goal_id):
        return send(
            client,
            "patch",
            f"{URL}/{jordan_plan.pk}/goals/{goal_id}",
            pat_auth,
            {"version": 1, "status": "achieved"},
        )

    hidden, missing = patch(casey_goal.pk), patch(uuid.uuid4())
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    refusal = AuditEvent.objects.get(action="access.refused", object_id=str(casey_goal.pk))
    assert refusal.object_type == "plans.goal"
    assert refusal.details["asked_through"] == {
        "type": "plans.recoveryplan",
        "id": str(jordan_plan.pk),
    }
    assert AuditEvent.objects.filter(action="access.refused").count() == 1
    casey_goal.refresh_from_db()
    assert casey_goal.status != "achieved"


def test_encounters_link_goals_through_the_api(client, pat_auth, jordan, jordan_goal, casey_goal):
    payload = {
        "participant": str(jordan.pk),
        "duration_minutes": 30,
        "modality": "phone",
        "setting": "community",
        "kind": "check_in",
        "goals": [str(jordan_goal.pk)],
    }
    response = send(client, "post", "/api/v1/encounters", pat_auth, payload)
    assert response.status_code == 201
    assert response.json()["goals"] == [str(jordan_goal.pk)]
    encounter_id = response.json()["id"]
    refused = send(
        client, "post", "/api/v1/encounters", pat_auth, {**payload, "goals": [str(casey_goal.pk)]}
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["field"] == "goals"
    cleared = send(
        client, "patch", f"/api/v1/encounters/{encounter_id}", pat_auth, {"version": 1, "goals": []}
    )
    assert cleared.status_code == 200 and cleared.json()["goals"] == []


def test_the_plan_endpoints_are_in_the_openapi_schema():
    from beacon.api.urls import api

    paths = api.get_openapi_schema()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/plans"])
    assert {"get", "patch"} <= set(paths["/api/v1/plans/{plan_id}"])
    assert {"get", "post"} <= set(paths["/api/v1/plans/{plan_id}/goals"])
    assert "patch" in paths["/api/v1/plans/{plan_id}/goals/{goal_id}"]


def test_api_changes_go_through_the_services(client, pat_auth, jordan_plan):
    send(client, "patch", f"{URL}/{jordan_plan.pk}", pat_auth, {"version": 1, "strengths": "Brave"})
    assert AuditEvent.objects.get(action="plan.updated").details["fields"] == ["strengths"]
    services.plan_update(
        member=member_of(jordan_plan.created_by), plan=jordan_plan, expected_version=2, needs="x"
    )
    assert jordan_plan.versions.count() == 3
