"""API: /api/v1/participants/{id}/messages (staff) and /api/v1/me/messages (the participant)."""

import pytest

from beacon.messaging.models import MAX_BODY, Message
from beacon.messaging.services import message_answer, message_write
from conftest import member_of

pytestmark = pytest.mark.django_db


def staff_url(participant):
    return f"/api/v1/participants/{participant.pk}/messages"


def test_the_peer_reads_and_answers_through_the_api(api, riley, riley_record, pat):
    message_write(member=member_of(riley), participant=riley_record, body="Hi Pat")
    caller = api(pat)
    listed = caller.get(staff_url(riley_record))
    assert listed.status_code == 200
    (item,) = listed.json()["items"]
    assert item["body"] == "Hi Pat" and item["from_participant"] is True
    assert item["author_name"] == "Riley Participant"
    assert Message.objects.get().read_at is not None
    answered = caller.post(staff_url(riley_record), {"body": "Hi Riley"})
    assert answered.status_code == 201
    assert answered.json()["from_participant"] is False
    assert answered.json()["author"] == str(pat.pk)


def test_the_staff_api_pages_newest_first_with_the_shared_cursor(api, riley_record, pat):
    member = member_of(pat)
    for n in range(5):
        message_answer(member=member, participant=riley_record, body=f"m{n}")
    caller = api(pat)
    first = caller.get(staff_url(riley_record), {"limit": 2}).json()
    assert [m["body"] for m in first["items"]] == ["m4", "m3"]
    second = caller.get(first["next"]).json()
    assert [m["body"] for m in second["items"]] == ["m2", "m1"]
    assert caller.get(staff_url(riley_record), {"before": "nonsense"}).status_code == 422


def test_the_staff_api_refuses_like_the_page(api, riley_record, quinn, olive, harbor):
    assert api(quinn).get(staff_url(riley_record)).status_code == 404
    assert api(olive).post(staff_url(riley_record), {"body": "x"}).status_code == 404
    harbor.participants_open_to_team = True
    harbor.save(update_fields=["participants_open_to_team"])
    assert api(quinn).get(staff_url(riley_record)).status_code == 403
    assert not Message.objects.exists()


def test_the_participant_reads_and_writes_their_own(api, riley, riley_record, pat):
    message_answer(member=member_of(pat), participant=riley_record, body="Thursday at 6")
    caller = api(riley)
    listed = caller.get("/api/v1/me/messages")
    assert listed.status_code == 200
    (item,) = listed.json()["items"]
    assert item == {
        "id": item["id"],
        "from_me": False,
        "who": "Pat",
        "body": "Thursday at 6",
        "created_at": item["created_at"],
        "read_at": None,
    }
    assert Message.objects.get().read_at is not None  # read now
    written = caller.post("/api/v1/me/messages", {"body": "See you there"})
    assert written.status_code == 201
    assert written.json()["from_me"] is True and written.json()["who"] == "You"
    assert Message.objects.filter(from_participant=True, author=riley).count() == 1


def test_the_participant_api_refuses_bad_and_foreign(api, riley, riley_record, pat, harbor):
    caller = api(riley)
    too_long = caller.post("/api/v1/me/messages", {"body": "z" * (MAX_BODY + 1)})
    assert too_long.status_code == 422
    assert caller.post("/api/v1/me/messages", {"body": ""}).status_code == 422
    assert api(pat).get("/api/v1/me/messages").status_code == 403
    assert api(pat).post("/api/v1/me/messages", {"body": "x"}).status_code == 403
    assert caller.get(staff_url(riley_record)).status_code == 404
    harbor.messages_enabled = False
    harbor.save(update_fields=["messages_enabled"])
    off = caller.post("/api/v1/me/messages", {"body": "Hello?"})
    assert off.status_code == 422
    assert "turned off" in off.json()["error"]["details"][0]["message"]
    assert not Message.objects.exists()
