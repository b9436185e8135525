"""My day: unread messages from participants (beacon.messaging, docs/myday.md)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beacon.messaging.services import message_write, messages_mark_read
from beacon.myday.selectors import my_day, my_day_list
from beacon.organizations.models import Role
from beacon.organizations.tests.factories import MembershipFactory
from beacon.participants.tests.factories import AssignmentFactory, ParticipantFactory
from conftest import member_of

pytestmark = pytest.mark.django_db


def _linked(harbor, peer, given, email):
    """A participant on `peer`'s caseload with their own Beacon."""
    membership = MembershipFactory(
        organization=harbor, role=Role.PARTICIPANT, user__email=email, user__name=given
    )
    record = ParticipantFactory(
        organization=harbor, given_name=given, family_name="Tester", account=membership.user
    )
    AssignmentFactory(participant=record, peer=peer, assigned_by=peer)
    return member_of(membership.user), record


def _write(member, record, n=1):
    for i in range(n):
        message_write(member=member, participant=record, body=f"message {i}")


def test_a_peer_sees_their_caseloads_unread_messages(harbor, pat, quinn, sam):
    riley, riley_record = _linked(harbor, pat, "Riley", "r@example.test")
    casey, casey_record = _linked(harbor, quinn, "Casey", "c@example.test")
    _write(riley, riley_record, 2)
    _write(casey, casey_record)
    day = my_day(member=member_of(pat))
    (row,) = day.unread_messages.rows
    assert row.participant.pk == riley_record.pk and row.count == 2
    assert day.unread_messages.total == 1
    # Supervisors and admins answer too (the organization's default): the whole organization.
    assert {r.participant.pk for r in my_day(member=member_of(sam)).unread_messages.rows} == {
        riley_record.pk,
        casey_record.pk,
    }
    messages_mark_read(participant=riley_record, by_participant=False)
    assert my_day(member=member_of(pat)).unread_messages.total == 0


def test_not_for_supervisors_where_the_team_does_not_answer(harbor, pat, sam):
    riley, riley_record = _linked(harbor, pat, "Riley", "r@example.test")
    _write(riley, riley_record)
    harbor.messages_team_answers = False
    harbor.save(update_fields=["messages_team_answers"])
    assert my_day(member=member_of(sam)).unread_messages.total == 0
    assert my_day(member=member_of(pat)).unread_messages.total == 1


def test_the_page_links_to_the_conversation_and_see_all(client_for, harbor, pat):
    riley, riley_record = _linked(harbor, pat, "Riley", "r@example.test")
    _write(riley, riley_record, 3)
    html = client_for(pat).get("/").content.decode()
    assert "Unread messages from participants (1)" in html
    assert f'href="/participants/{riley_record.pk}/messages/"' in html
    assert "3 unread messages" in html
    listed = client_for(pat).get("/my-day/messages/")
    assert listed.status_code == 200
    assert f'href="/participants/{riley_record.pk}/messages/"' in listed.content.decode()
    assert my_day_list(member=member_of(pat), name="unread_messages").unread_messages.total == 1


def test_the_list_costs_one_query_however_many_write(client_for, harbor, pat):
    client = client_for(pat)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    member, record = _linked(harbor, pat, "P0", "p0@example.test")
    _write(member, record)
    small = count()
    for n in range(1, 8):
        member, record = _linked(harbor, pat, f"P{n}", f"p{n}@example.test")
        _write(member, record, 2)
    assert count() == small
