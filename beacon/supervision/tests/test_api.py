"""/api/v1/supervision-sessions and /api/v1/reviews."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.encounters.services import encounter_correct
from beacon.encounters.tests.factories import log
from beacon.supervision.models import NoteCosign, SupervisionSession
from beacon.supervision.tests.factories import record
from conftest import member_of, walk_pages

pytestmark = pytest.mark.django_db
SESSIONS = "/api/v1/supervision-sessions"
REVIEWS = "/api/v1/reviews"


def body(*peers, **fields):
    data = {
        "peers": [str(p.pk) for p in peers],
        "held_on": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
        "duration_minutes": 50,
        "kind": "individual" if len(peers) == 1 else "group",
        "modality": "phone",
        "topics": ["self_care"],
        "private_notes": "Only for supervisors.",
        "next_steps": "Take the Friday off.",
    }
    data.update(fields)
    return data


def test_sessions_crud(api, sam, pat, quinn):
    caller = api(sam)
    response = caller.post(SESSIONS, body(pat))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["supervisor"]["name"] == "Sam Supervisor"
    assert [p["name"] for p in data["peers"]] == ["Pat Peer"]
    assert data["private_notes"] == "Only for supervisors." and data["version"] == 1
    url = f"{SESSIONS}/{data['id']}"
    assert caller.get(url).json()["next_steps"] == "Take the Friday off."
    assert [s["id"] for s in caller.get(SESSIONS).json()["items"]] == [data["id"]]
    assert caller.get(SESSIONS, {"peer": str(quinn.pk)}).json()["items"] == []
    changed = caller.patch(
        url, {"version": 1, "peers": [str(pat.pk), str(quinn.pk)], "kind": "group"}
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = caller.patch(url, {"version": 1, "duration_minutes": 10})
    assert stale.status_code == 409
    assert stale.json()["error"]["current_version"] == 2
    assert caller.delete(url).status_code == 204
    assert caller.get(url).status_code == 404
    assert SupervisionSession.objects.get().removed_at is not None


def test_session_validation_is_422_with_fields(api, sam, pat, quinn):
    response = api(sam).post(SESSIONS, body(pat, quinn, kind="individual"))
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "kind"
    response = api(sam).post(SESSIONS, body(pat, duration_minutes=0))
    assert response.status_code == 422


def test_peer_gets_no_private_notes_and_cannot_write(api, sam, pat, quinn):
    session = record(sam, [pat])
    data = api(pat).get(f"{SESSIONS}/{session.pk}").json()
    assert "private_notes" not in data and data["next_steps"]
    assert all("private_notes" not in s for s in api(pat).get(SESSIONS).json()["items"])
    assert api(pat).post(SESSIONS, body(quinn)).status_code == 403
    assert api(pat).patch(f"{SESSIONS}/{session.pk}", {"version": 1}).status_code == 403
    assert api(quinn).get(f"{SESSIONS}/{session.pk}").status_code == 404
    assert api(quinn).get(SESSIONS).json()["items"] == []


def test_olive_gets_404_everywhere(api, sam, pat, olive, jordan):
    session = record(sam, [pat])
    note = log(pat, jordan)
    caller = api(olive)
    assert caller.get(f"{SESSIONS}/{session.pk}").status_code == 404
    assert caller.patch(f"{SESSIONS}/{session.pk}", {"version": 1}).status_code == 404
    assert caller.delete(f"{SESSIONS}/{session.pk}").status_code == 404
    assert caller.get(SESSIONS).json()["items"] == []
    assert caller.get(f"{REVIEWS}/{note.pk}").status_code == 404
    assert caller.post(f"{REVIEWS}/{note.pk}/comments", {"body": "x"}).status_code == 404
    assert caller.post(f"{REVIEWS}/{note.pk}/cosign", {"version": 1}).status_code == 404
    assert caller.get(REVIEWS).json() == {"items": [], "total": 0}


def test_queue_comment_and_cosign(api, harbor, sam, pat, jordan):
    harbor.note_review_first_count = 1
    harbor.save()
    first = log(pat, jordan, note="My first note.")
    log(pat, jordan, note="My second note.")
    caller = api(sam)
    queue = caller.get(REVIEWS).json()
    assert queue["total"] == 1
    (item,) = queue["items"]
    assert item["encounter"] == str(first.pk) and item["reasons"] == [
        "One of the peer's first notes"
    ]
    assert "participant" not in item and "note" not in item
    detail = caller.get(f"{REVIEWS}/{first.pk}").json()
    assert detail["note"] == "My first note." and detail["needs_review"]
    assert AuditEvent.objects.filter(
        action="participant.viewed", details__seen="note_review"
    ).exists()
    commented = caller.post(f"{REVIEWS}/{first.pk}/comments", {"body": "Clear and kind."})
    assert commented.status_code == 201
    assert [c["body"] for c in commented.json()["comments"]] == ["Clear and kind."]
    signed = caller.post(f"{REVIEWS}/{first.pk}/cosign", {"version": 1})
    assert signed.status_code == 201 and signed.json()["cosigned"]
    assert caller.get(REVIEWS).json()["total"] == 0
    again = caller.post(f"{REVIEWS}/{first.pk}/cosign", {"version": 1})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_cosigned"


def test_cosign_of_a_changed_note_is_409(api, sam, pat, jordan):
    note = log(pat, jordan)
    encounter_correct(member=member_of(pat), encounter=note, expected_version=1, note="Fixed.")
    response = api(sam).post(f"{REVIEWS}/{note.pk}/cosign", {"version": 1})
    assert response.status_code == 409
    assert response.json()["error"]["current_version"] == 2
    assert not NoteCosign.objects.exists()


def test_peer_reads_comments_but_has_no_queue(api, sam, pat, jordan):
    note = log(pat, jordan)
    api(sam).post(f"{REVIEWS}/{note.pk}/comments", {"body": "Nice."})
    assert api(pat).get(REVIEWS).status_code == 403
    data = api(pat).get(f"{REVIEWS}/{note.pk}").json()
    assert [c["body"] for c in data["comments"]] == ["Nice."]
    assert api(pat).post(f"{REVIEWS}/{note.pk}/cosign", {"version": 1}).status_code == 403


def test_lists_do_not_grow(api, harbor, sam, pat, quinn, jordan):
    harbor.note_review_crisis = True
    harbor.save()
    caller = api(sam)

    def grow(n):
        for _ in range(n):
            log(pat, jordan, crisis_flag=True)
            record(sam, [pat, quinn], kind="group")

    def count(path):
        with CaptureQueriesContext(connection) as queries:
            assert caller.get(path).status_code == 200
        return len(queries)

    grow(2)
    count(REVIEWS)  # the token's first use of the day is recorded once
    small = [count(REVIEWS), count(SESSIONS)]
    grow(10)
    assert [count(REVIEWS), count(SESSIONS)] == small


def test_sessions_walk_every_session_once_by_cursor(api, sam, pat, quinn):
    today = timezone.localdate()
    # Several on one day (ties on held_on, broken by created_at then id), newest day first.
    made = [
        record(sam, [pat] if n % 2 else [pat, quinn], held_on=today - datetime.timedelta(days=d))
        for n, d in enumerate([3, 3, 3, 10, 10, 40, 1])
    ]
    ids, queries = walk_pages(api(sam).get, f"{SESSIONS}?limit=2")
    in_order = SupervisionSession.objects.order_by("-held_on", "-created_at", "pk")
    assert ids == [str(pk) for pk in in_order.values_list("pk", flat=True)]
    assert sorted(ids) == sorted(str(s.pk) for s in made) and len(queries) == 4
    assert len(set(queries[1:])) == 1  # every page after the first (the token's day) costs the same
    # A peer's pages hold only the sessions they attended.
    ids, _ = walk_pages(api(quinn).get, f"{SESSIONS}?limit=1")
    assert sorted(ids) == sorted(str(s.pk) for s in made if quinn in s.peers.all())
    assert api(sam).get(f"{SESSIONS}?before=nonsense").status_code == 422


def test_participant_role_members_get_403_from_supervision_and_note_review(
    api, sam, pat, riley, jordan
):
    session = record(sam, [pat])
    encounter = log(pat, jordan)
    caller = api(riley)
    for path in (
        SESSIONS,
        f"{SESSIONS}/{session.pk}",
        f"{SESSIONS}/{uuid.uuid4()}",
        f"/api/v1/reviews/{encounter.pk}",
    ):
        assert caller.get(path).status_code == 403, path
    assert caller.patch(f"{SESSIONS}/{session.pk}", {"version": 1}).status_code == 403
    assert caller.delete(f"{SESSIONS}/{session.pk}").status_code == 403
    comment = caller.post(f"/api/v1/reviews/{encounter.pk}/comments", {"body": "Hello"})
    assert comment.status_code == 403
