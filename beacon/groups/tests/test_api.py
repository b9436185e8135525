"""/api/v1/groups, /api/v1/groups/{id}/sessions and /api/v1/sessions/{id}/attendance."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.groups import services
from beacon.groups.models import Group
from beacon.groups.tests.conftest import past_session
from beacon.participants.tests.factories import AssignmentFactory, ParticipantFactory
from conftest import member_of

pytestmark = pytest.mark.django_db


def new_group(**fields):
    data = {
        "name": "SMART skills",
        "kind": "skills",
        "weekdays": [2],
        "start_time": "17:00",
        "duration_minutes": 60,
        "starts_on": (timezone.localdate() - datetime.timedelta(days=21)).isoformat(),
        "location": "Room 4",
    }
    data.update(fields)
    return data


def test_create_list_and_read_a_group(api, pat, jordan):
    response = api(pat).post("/api/v1/groups", new_group(participants=[str(jordan.pk)]))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["facilitators"] == [{"id": str(pat.pk), "name": "Pat Peer"}]
    assert body["weekdays"] == [2] and body["version"] == 1
    group = Group.objects.get(pk=body["id"])
    assert group.enrollments.filter(participant=jordan).exists()
    assert [g["name"] for g in api(pat).get("/api/v1/groups").json()] == ["SMART skills"]
    assert api(pat).get(f"/api/v1/groups/{group.pk}").json()["location"] == "Room 4"


def test_create_with_bad_schedule_is_422_with_fields(api, pat):
    response = api(pat).post("/api/v1/groups", new_group(weekdays=[], video_url="x"))
    assert response.status_code == 422
    fields = {d["field"] for d in response.json()["error"]["details"]}
    assert {"weekdays", "video_url"} <= fields
    assert not Group.objects.exists()


def test_sessions_of_a_group_with_status(api, group, pat):
    upcoming = group.sessions.filter(starts_at__gt=timezone.now()).first()
    services.session_cancel(member=member_of(pat), session=upcoming, reason="Holiday")
    response = api(pat).get(f"/api/v1/groups/{group.pk}/sessions")
    assert response.status_code == 200
    sessions = response.json()
    first_day = timezone.localdate() - datetime.timedelta(days=30)
    expected = [s for s in group.sessions.all() if timezone.localdate(s.starts_at) >= first_day]
    assert len(sessions) == len(expected) == 28 + 1 + 8 * 7
    cancelled = next(s for s in sessions if s["id"] == str(upcoming.pk))
    assert cancelled["status"] == "cancelled" and cancelled["cancel_reason"] == "Holiday"
    later = (timezone.localdate() + datetime.timedelta(weeks=20)).isoformat()
    far = api(pat).get(f"/api/v1/groups/{group.pk}/sessions", {"end": later}).json()
    assert (
        far[-1]["starts_at"][:10]
        >= (timezone.localdate() + datetime.timedelta(weeks=19)).isoformat()
    )


def test_move_and_cancel_one_session(api, group, pat):
    first, second = group.sessions.filter(starts_at__gt=timezone.now())[:2]
    url = f"/api/v1/groups/{group.pk}/sessions"
    new_start = (first.starts_at + datetime.timedelta(hours=1)).isoformat()
    moved = api(pat).patch(f"{url}/{first.pk}", {"starts_at": new_start})
    assert moved.status_code == 200 and moved.json()["moved"] is True
    cancelled = api(pat).patch(f"{url}/{second.pk}", {"cancel_reason": "Snow"})
    assert cancelled.json()["status"] == "cancelled"
    blank = api(pat).patch(f"{url}/{first.pk}", {"cancel_reason": ""})
    assert blank.status_code == 422


def test_change_the_schedule_with_version(api, group, pat):
    url = f"/api/v1/groups/{group.pk}"
    response = api(pat).patch(url, {"version": 1, "start_time": "19:00"})
    assert response.status_code == 200 and response.json()["version"] == 2
    stale = api(pat).patch(url, {"version": 1, "name": "Other"})
    assert stale.status_code == 409


def test_record_and_read_attendance_with_claim_lines(api, session, pat, jordan, casey):
    url = f"/api/v1/sessions/{session.pk}/attendance"
    response = api(pat).put(
        url,
        {
            "present": [str(jordan.pk)],
            "walk_ins": [{"name": "Sky"}],
            "anonymous_count": 1,
            "duration_minutes": 90,
            "topics": ["sleep"],
            "notes": "Calm.",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    attendees = {a["name"]: a for a in body["attendees"]}
    assert attendees["Jordan Rivers"]["present"] and not attendees["Casey Lake"]["present"]
    assert attendees["Sky"]["present"] and not attendees["Sky"]["enrolled"]
    assert body["session"]["status"] == "held" and body["anonymous_count"] == 1
    billing = body["billing"]
    assert billing["code"] == "H0038" and billing["modifier"] == "HQ"
    assert billing["units_per_participant"] == 6 and billing["total_units"] == 6
    assert [line["participant"] for line in billing["lines"]] == [str(jordan.pk)]
    assert billing["lines"][0]["rendering_peer"] == "Pat Peer"
    again = api(pat).get(url).json()
    assert again["topics"] == ["sleep"] and again["notes"] == "Calm."
    viewed = AuditEvent.objects.filter(action="participant.viewed", actor=pat)
    assert {e.object_id for e in viewed} >= {str(jordan.pk), str(casey.pk)}


def test_attendance_put_refuses_unknown_keys(api, session, pat, morgan):
    url = f"/api/v1/sessions/{session.pk}/attendance"
    response = api(pat).put(url, {"present": [str(morgan.pk)]})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "present"


def test_a_peer_who_does_not_facilitate_reads_names_they_may_see_and_cannot_record(
    api, session, quinn, jordan, casey
):
    url = f"/api/v1/sessions/{session.pk}/attendance"
    body = api(quinn).get(url).json()
    names = {a["name"] for a in body["attendees"]}
    assert names == {"Casey Lake", None}
    assert str(jordan.pk) not in str(body)
    assert api(quinn).put(url, {"present": []}).status_code == 403


def test_attendance_never_names_by_id_someone_the_caller_may_not_see(
    api, session, pat, quinn, jordan, casey
):
    """Quinn (no facilitator) sees Jordan neither by name nor by record id: not in the
    attendees, not in the claim lines (which keep only the record number)."""
    services.attendance_record(
        member=member_of(pat), session=session, present=[str(jordan.pk), str(casey.pk)]
    )
    answer = api(quinn).get(f"/api/v1/sessions/{session.pk}/attendance")
    assert answer.status_code == 200
    assert str(jordan.pk) not in answer.content.decode()
    lines = {line["record_number"]: line for line in answer.json()["billing"]["lines"]}
    assert lines[jordan.record_number]["participant"] is None
    assert lines[casey.record_number]["participant"] == str(casey.pk)
    seen_by_pat = api(pat).get(f"/api/v1/sessions/{session.pk}/attendance").json()
    assert {line["participant"] for line in seen_by_pat["billing"]["lines"]} == {
        str(jordan.pk),
        str(casey.pk),
    }


def test_participant_role_members_get_403_from_the_groups_api(api, session, riley):
    caller = api(riley)
    for path in (
        "/api/v1/groups",
        f"/api/v1/groups/{session.group_id}",
        f"/api/v1/groups/{session.group_id}/sessions",
        f"/api/v1/sessions/{session.pk}/attendance",
    ):
        assert caller.get(path).status_code == 403, path
    assert (
        caller.put(f"/api/v1/sessions/{session.pk}/attendance", {"present": []}).status_code == 403
    )


def test_olive_gets_404_on_harbor_groups_sessions_and_attendance(api, group, olive):
    session = past_session(group)
    caller = api(olive)
    assert caller.get(f"/api/v1/groups/{group.pk}").status_code == 404
    assert caller.patch(f"/api/v1/groups/{group.pk}", {"version": 1}).status_code == 404
    assert caller.get(f"/api/v1/groups/{group.pk}/sessions").status_code == 404
    patch = caller.patch(f"/api/v1/groups/{group.pk}/sessions/{session.pk}", {"cancel_reason": "x"})
    assert patch.status_code == 404
    assert caller.get(f"/api/v1/sessions/{session.pk}/attendance").status_code == 404
    put = caller.put(f"/api/v1/sessions/{session.pk}/attendance", {"present": []})
    assert put.status_code == 404
    assert caller.get("/api/v1/groups").json() == []


def test_attendance_answer_queries_do_not_grow(api, session, pat, harbor):
    caller = api(pat)
    url = f"/api/v1/sessions/{session.pk}/attendance"
    caller.get(url)
    with CaptureQueriesContext(connection) as few:
        caller.get(url)
    for _ in range(6):
        someone = ParticipantFactory(organization=harbor, created_by=pat)
        AssignmentFactory(participant=someone, peer=pat, assigned_by=pat)
        services.group_enroll(member=member_of(pat), group=session.group, participant=someone)
    with CaptureQueriesContext(connection) as many:
        caller.get(url)
    assert len(many) == len(few)
