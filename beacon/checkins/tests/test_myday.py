"""Requests to reach out on the peer's My day (beacon.myday's list "outreach"): there at once,
gone once answered, one query however many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beacon.checkins import services
from beacon.checkins.models import OutreachRequest
from beacon.myday.selectors import outreach_open, scope_for
from beacon.participants.tests.factories import AssignmentFactory, ParticipantFactory
from conftest import member_of

pytestmark = pytest.mark.django_db


def _ask(participant):
    return OutreachRequest.objects.create(
        organization_id=participant.organization_id, participant=participant, source="check_in"
    )


def test_the_request_is_on_the_peers_my_day_at_once_and_answered_from_there(
    client_for, riley, riley_record, pat, quinn, sam
):
    services.outreach_request_make(member=member_of(riley), participant=riley_record)
    html = client_for(pat).get("/").content.decode()
    section = html.split('id="myday-outreach"', 1)[1].split("</section>", 1)[0]
    assert "Asked you to reach out (1)" in html
    assert "Riley Shore" in section and "Asked just now" in section
    assert "I need to talk to someone now" in section
    assert f"/check-ins/participant/{riley_record.pk}/" in section
    # Not on another peer's day; on the supervisor's, with the primary peer.
    assert (
        "Riley Shore"
        not in client_for(quinn)
        .get("/")
        .content.decode()
        .split('id="myday-outreach"', 1)[1]
        .split("</section>", 1)[0]
    )
    sam_day = client_for(sam).get("/").content.decode()
    assert "Primary peer: Pat Peer" in sam_day.split('id="myday-outreach"', 1)[1]
    # "See all", then answered from My day: back to My day, and gone.
    assert "Riley Shore" in client_for(pat).get("/my-day/outreach/").content.decode()
    request = OutreachRequest.objects.get()
    done = client_for(pat).post(
        f"/check-ins/outreach/{request.pk}/answer/", {"back": "myday"}, follow=True
    )
    assert done.redirect_chain[-1][0] == "/"
    assert "Asked you to reach out (0)" in done.content.decode()
    assert "Nobody is waiting for you to reach out." in done.content.decode()


def test_the_list_is_one_query_however_many_and_oldest_first(pat, harbor, sam):
    people = []
    for i in range(30):
        participant = ParticipantFactory(organization=harbor, given_name=f"P{i:02d}")
        AssignmentFactory(participant=participant, peer=pat, assigned_by=pat)
        people.append(participant)
    for participant in people[:3]:
        _ask(participant)
    scope = scope_for(member_of(pat))
    with CaptureQueriesContext(connection) as few:
        outreach_open(scope=scope, limit=20)
    for participant in people[3:]:
        _ask(participant)
    with CaptureQueriesContext(connection) as many:
        section = outreach_open(scope=scope, limit=20)
    assert len(few) == len(many) == 1
    assert section.total == 30 and len(section.rows) == 20
    assert [r.participant.given_name for r in section.rows[:3]] == ["P00", "P01", "P02"]
    whole = outreach_open(scope=scope_for(member_of(sam)), limit=5, offset=25)
    assert whole.total == 30 and len(whole.rows) == 5
