import uuid
from datetime import date

import pytest

from beacon.audit.models import AuditEvent
from beacon.participants.models import CaseloadAssignment, Participant
from conftest import bearer

URL = "/api/v1/participants"


@pytest.fixture
def as_pat(pat, harbor):
    return bearer(pat, harbor)


def test_list_is_the_callers_caseload(client, as_pat, jordan, casey):
    body = client.get(URL, **as_pat).json()
    assert [p["id"] for p in body["items"]] == [str(jordan.pk)]
    assert body["next"] is None
    assert body["items"][0]["peers"][0]["peer_name"] == "Pat Peer"


def test_search_and_paging(client, sam, harbor, jordan, casey):
    headers = bearer(sam, harbor)
    body = client.get(URL, {"q": "casey"}, **headers).json()
    assert [p["display_name"] for p in body["items"]] == ["Casey Lake"]
    first = client.get(URL, {"limit": 1}, **headers).json()
    assert len(first["items"]) == 1 and "before=" in first["next"] and "offset" not in first["next"]
    second = client.get(first["next"], **headers).json()
    assert second["next"] is None
    assert [first["items"][0]["id"], second["items"][0]["id"]] == [str(casey.pk), str(jordan.pk)]


def test_read_one_is_audited_and_outsiders_get_404(
    client, as_pat, olive, lakeside, quinn, harbor, jordan
):
    response = client.get(f"{URL}/{jordan.pk}", **as_pat)
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert AuditEvent.objects.filter(
        action="participant.viewed", object_id=str(jordan.pk), details__seen="record"
    ).exists()
    for headers in (bearer(olive, lakeside), bearer(quinn, harbor)):
        hidden = client.get(f"{URL}/{jordan.pk}", **headers)
        missing = client.get(f"{URL}/{uuid.uuid4()}", **headers)
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json()


def test_create_with_defaults_and_validation(client, as_pat, pat):
    response = client.post(
        URL,
        {"given_name": "Ana", "pathways": ["moud"], "may_text": True},
        content_type="application/json",
        **as_pat,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["record_number"] == 1001
    assert body["peers"][0]["peer"] == str(pat.pk)
    bad = client.post(
        URL,
        {"given_name": "", "pathways": ["willpower"]},
        content_type="application/json",
        **as_pat,
    )
    assert bad.status_code == 422
    fields = {d["field"] for d in bad.json()["error"]["details"]}
    assert {"given_name", "pathways"} <= fields


def _counts():
    return (
        Participant.objects.count(),
        CaseloadAssignment.objects.count(),
        AuditEvent.objects.filter(action__in=["participant.enrolled", "caseload.assigned"]).count(),
    )


def test_a_peer_cannot_enroll_onto_someone_elses_caseload(client, as_pat, pat, quinn, sam):
    """Issue 14: a peer naming another primary peer was answered 404 while the participant was
    created on that caseload. Now: 403 saying what was refused, and nothing written."""
    before = _counts()
    for other in (quinn, sam):
        response = client.post(
            URL,
            {"given_name": "Ana", "primary_peer": str(other.pk)},
            content_type="application/json",
            **as_pat,
        )
        assert response.status_code == 403, response.content
        error = response.json()["error"]
        assert error["code"] == "forbidden"
        assert "supervisors and organization admins" in error["message"]
        assert "primary peer" in error["message"]
    assert _counts() == before
    # Naming themselves (or no one) still enrolls onto their own caseload.
    for body in ({"given_name": "Bo", "primary_peer": str(pat.pk)}, {"given_name": "Cy"}):
        response = client.post(URL, body, content_type="application/json", **as_pat)
        assert response.status_code == 201, response.content
        assert [p["peer"] for p in response.json()["peers"]] == [str(pat.pk)]


def test_a_supervisor_enrolls_onto_a_peers_caseload(client, sam, harbor, quinn):
    response = client.post(
        URL,
        {"given_name": "Lu", "primary_peer": str(quinn.pk)},
        content_type="application/json",
        **bearer(sam, harbor),
    )
    assert response.status_code == 201, response.content
    assert [p["peer"] for p in response.json()["peers"]] == [str(quinn.pk)]


def test_create_warns_of_a_likely_duplicate(client, as_pat, jordan):
    payload = {"given_name": "Jordyn", "family_name": "Rivers", "phone": "555-0101"}
    response = client.post(URL, payload, content_type="application/json", **as_pat)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "possible_duplicate"
    assert error["details"][0]["record_number"] == jordan.record_number
    confirmed = client.post(
        URL, {**payload, "confirm_not_duplicate": True}, content_type="application/json", **as_pat
    )
    assert confirmed.status_code == 201


def test_patch_with_the_version_read_and_409_when_stale(client, as_pat, jordan):
    url = f"{URL}/{jordan.pk}"
    ok = client.patch(
        url, {"version": 1, "pronouns": "they/them"}, content_type="application/json", **as_pat
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(
        url, {"version": 1, "pronouns": "he/him"}, content_type="application/json", **as_pat
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"
    assert stale.json()["error"]["current_version"] == 2
    jordan.refresh_from_db()
    assert jordan.pronouns == "they/them"


def test_patch_by_a_reader_who_may_not_edit_is_403(client, quinn, harbor, jordan):
    harbor.participants_open_to_team = True
    harbor.save()
    response = client.patch(
        f"{URL}/{jordan.pk}",
        {"version": 1, "pronouns": "x"},
        content_type="application/json",
        **bearer(quinn, harbor),
    )
    assert response.status_code == 403


def test_discharge(client, as_pat, jordan):
    response = client.post(
        f"{URL}/{jordan.pk}/discharge",
        {"discharged_on": date.today().isoformat(), "reason": "goals_met"},
        content_type="application/json",
        **as_pat,
    )
    assert response.status_code == 200
    assert response.json()["discharge_reason"] == "goals_met"


def test_participant_accounts_cannot_use_the_staff_api(client, riley, harbor, jordan):
    assert client.get(URL, **bearer(riley, harbor)).status_code == 403


def test_list_query_count_is_flat(client, sam, harbor, django_assert_max_num_queries):
    from beacon.participants.tests.factories import AssignmentFactory, ParticipantFactory

    headers = bearer(sam, harbor)
    for _ in range(40):
        AssignmentFactory(participant=ParticipantFactory(organization=harbor), peer=sam)
    with django_assert_max_num_queries(12):
        response = client.get(URL, {"limit": 200}, **headers)
    assert len(response.json()["items"]) == 40
    assert Participant.objects.count() == 40


def test_a_participant_role_member_gets_404_for_a_record_like_any_outsider(
    client, riley, harbor, jordan
):
    """A participant's record is outside a participant-role member's scope: 404, exactly as
    for an id that exists nowhere (like the page and every other record hanging off it)."""
    headers = bearer(riley, harbor)
    for method, suffix, body in (
        ("get", "", None),
        ("patch", "", {"version": 1}),
        ("post", "/discharge", {"discharged_on": "2026-01-05", "reason": "completed"}),
    ):
        send = getattr(client, method)
        kwargs = {"content_type": "application/json", "data": body} if body else {}
        hidden = send(f"{URL}/{jordan.pk}{suffix}", **kwargs, **headers)
        missing = send(f"{URL}/{uuid.uuid4()}{suffix}", **kwargs, **headers)
        assert hidden.status_code == missing.status_code == 404, (method, suffix)
        assert hidden.json() == missing.json()
    assert client.get(URL, **headers).status_code == 403  # the caseload list is for staff
