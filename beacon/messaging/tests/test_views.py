"""The staff side: /participants/<id>/messages/, from the participant's page and My day."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beacon.audit.models import AuditEvent
from beacon.messaging.models import MAX_BODY, Message
from beacon.messaging.services import message_answer, message_write
from beacon.participants.tests.factories import AssignmentFactory
from conftest import member_of

pytestmark = pytest.mark.django_db


def url(participant):
    return f"/participants/{participant.pk}/messages/"


def test_the_peer_reads_and_answers_from_the_participants_page(
    client_for, riley, riley_record, pat
):
    message_write(member=member_of(riley), participant=riley_record, body="Can we meet Tuesday?")
    client = client_for(pat)
    detail = client.get(f"/participants/{riley_record.pk}/").content.decode()
    assert f'href="{url(riley_record)}"' in detail
    assert "Messages (1 new)" in detail
    page = client.get(url(riley_record)).content.decode()
    assert "Can we meet Tuesday?" in page
    assert "new" in page  # shown as new once
    assert Message.objects.get().read_at is not None
    answered = client.post(url(riley_record), {"body": "Tuesday at 2 works."})
    assert answered.status_code == 302 and answered.url == url(riley_record)
    page = client.get(url(riley_record)).content.decode()
    assert page.index("Can we meet Tuesday?") < page.index("Tuesday at 2 works.")  # newest last
    assert (
        "Messages (1 new)" not in client.get(f"/participants/{riley_record.pk}/").content.decode()
    )
    # Opening the thread is a read of the record, named as such.
    assert AuditEvent.objects.filter(
        action="participant.viewed", actor=pat, details__seen="messages"
    ).exists()


def test_a_bad_answer_keeps_what_was_typed(client_for, riley_record, pat):
    typed = "x" * (MAX_BODY + 1)
    page = client_for(pat).post(url(riley_record), {"body": typed})
    assert page.status_code == 400
    html = page.content.decode()
    assert typed in html
    assert "at most" in html
    empty = client_for(pat).post(url(riley_record), {"body": "  "})
    assert "Write a message first." in empty.content.decode()
    assert not Message.objects.exists()


def test_outside_the_caseload_or_organization_it_is_not_there(
    client_for, riley_record, quinn, olive, riley, harbor
):
    assert client_for(quinn).get(url(riley_record)).status_code == 404
    assert client_for(olive).get(url(riley_record)).status_code == 404
    assert client_for(riley).get(url(riley_record)).status_code == 404
    harbor.participants_open_to_team = True
    harbor.save(update_fields=["participants_open_to_team"])
    # Quinn now sees Riley's record, but the conversation is not hers: 403, and no link.
    quinn_client = client_for(quinn)
    assert quinn_client.get(url(riley_record)).status_code == 403
    assert (
        url(riley_record)
        not in quinn_client.get(f"/participants/{riley_record.pk}/").content.decode()
    )


def test_the_secondary_peer_and_the_team_answer_when_the_peer_is_away(
    client_for, riley_record, quinn, sam, harbor
):
    assert (
        client_for(sam).post(url(riley_record), {"body": "Pat is away; I'm Sam."}).status_code
        == 302
    )
    AssignmentFactory(participant=riley_record, peer=quinn, assigned_by=sam, role="secondary")
    assert client_for(quinn).post(url(riley_record), {"body": "Quinn here."}).status_code == 302
    harbor.messages_team_answers = False
    harbor.save(update_fields=["messages_team_answers"])
    assert client_for(sam).get(url(riley_record)).status_code == 403


def test_the_page_costs_the_same_however_long_the_thread(client_for, riley, riley_record, pat):
    client = client_for(pat)
    message_write(member=member_of(riley), participant=riley_record, body="one")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(riley_record)).status_code == 200
        return len(queries)

    small = count()
    for n in range(30):
        message_write(member=member_of(riley), participant=riley_record, body=f"m{n}")
        message_answer(member=member_of(pat), participant=riley_record, body=f"a{n}")
    assert count() == small
