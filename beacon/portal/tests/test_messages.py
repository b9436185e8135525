"""/my/messages/: the participant's conversation with their peer (docs/portal.md)."""

import datetime

import pytest
from django.utils import timezone

from beacon.messaging.models import MAX_BODY, Message
from beacon.messaging.services import message_answer
from beacon.notifications.models import Notification
from conftest import member_of

pytestmark = pytest.mark.django_db


def test_the_participant_reads_and_writes_newest_at_the_bottom(
    client_for, riley, riley_record, pat, harbor
):
    message_answer(member=member_of(pat), participant=riley_record, body="How did Thursday go?")
    client = client_for(riley)
    page = client.get("/my/messages/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Messages with Pat" in html
    assert "How did Thursday go?" in html
    assert "Pat Peer" not in html  # their peer by first name
    assert harbor.messages_office_hours in html
    assert Message.objects.get().read_at is not None
    sent = client.post("/my/messages/", {"body": "It went well!"})
    assert sent.status_code == 302 and sent.url == "/my/messages/"
    html = client.get("/my/messages/").content.decode()
    assert html.index("How did Thursday go?") < html.index("It went well!")
    assert Notification.objects.filter(recipient=pat, kind="message").exists()


def test_the_menu_leads_there(client_for, riley, riley_record):
    html = client_for(riley).get("/my/").content.decode()
    assert 'href="/my/messages/"' in html
    assert 'href="/my/details/"' in html


def test_a_bad_message_keeps_what_was_typed(client_for, riley, riley_record):
    typed = "y" * (MAX_BODY + 5)
    page = client_for(riley).post("/my/messages/", {"body": typed})
    assert page.status_code == 400
    assert typed in page.content.decode()
    assert "at most" in page.content.decode()
    assert not Message.objects.exists()


def test_when_messages_are_off_it_says_so_with_the_phone_and_988(
    client_for, riley, riley_record, harbor
):
    harbor.messages_enabled = False
    harbor.phone = "555-0100"
    harbor.save(update_fields=["messages_enabled", "phone"])
    client = client_for(riley)
    html = client.get("/my/messages/").content.decode()
    assert "does not use messages" in html
    assert 'href="tel:555-0100"' in html
    assert 'href="tel:988"' in html
    assert "<textarea" not in html
    client.post("/my/messages/", {"body": "Hello?"})
    assert not Message.objects.exists()


def test_after_discharge_they_read_but_do_not_write(client_for, riley, riley_record, pat):
    message_answer(member=member_of(pat), participant=riley_record, body="All the best, Riley.")
    riley_record.discharged_on = timezone.localdate() - datetime.timedelta(days=3)
    riley_record.discharge_reason = "completed"
    riley_record.save(update_fields=["discharged_on", "discharge_reason"])
    client = client_for(riley)
    html = client.get("/my/messages/").content.decode()
    assert "All the best, Riley." in html
    assert "<textarea" not in html
    assert client.post("/my/messages/", {"body": "Thanks"}).status_code == 403
    assert Message.objects.count() == 1


def test_staff_are_turned_away(client_for, pat, ada, riley_record):
    assert client_for(pat).get("/my/messages/").status_code == 403
    assert client_for(ada).post("/my/messages/", {"body": "x"}).status_code == 403
    assert not Message.objects.exists()


def test_home_says_when_the_peer_answered(client_for, riley, riley_record, pat, harbor):
    client = client_for(riley)
    assert "Write to your peer any time." in client.get("/my/").content.decode()
    message_answer(member=member_of(pat), participant=riley_record, body="Hi")
    html = client.get("/my/").content.decode()
    assert "You have 1 new message from your peer." in html
    assert 'href="/my/messages/"' in html
    assert "Hi" not in html.split("my-messages", 1)[1].split("</section>", 1)[0]
    harbor.messages_enabled = False
    harbor.save(update_fields=["messages_enabled"])
    assert "Open messages" not in client.get("/my/").content.decode()
