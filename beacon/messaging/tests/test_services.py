"""Writing messages: who may, what is recorded, who is told and how (docs/portal.md)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.core.tests.worker import run_worker
from beacon.messaging.models import MAX_BODY, Message
from beacon.messaging.permissions import can_answer_messages
from beacon.messaging.services import message_answer, message_write, messages_mark_read
from beacon.notifications.models import Notification
from beacon.organizations.models import Role
from beacon.organizations.tests.factories import MembershipFactory
from beacon.participants.tests.factories import AssignmentFactory
from conftest import member_of

pytestmark = pytest.mark.django_db

SECRET = "I used again on Friday and I'm scared"


def test_a_participant_writes_to_their_peer_who_is_told_in_beacon_only(
    django_capture_on_commit_callbacks, riley, riley_record, pat, quinn, sam
):
    with django_capture_on_commit_callbacks(execute=True):
        message = message_write(member=member_of(riley), participant=riley_record, body=SECRET)
    assert message.from_participant and message.author == riley and message.body == SECRET
    notified = Notification.objects.get()
    assert notified.recipient == pat  # their peer, not the rest of the team
    assert notified.kind == "message"
    assert notified.url == f"/participants/{riley_record.pk}/messages/"
    assert "Riley Shore" in notified.title
    assert "scared" not in notified.title
    run_worker()
    assert mail.outbox == []  # staff are told in Beacon, not by email


def test_every_message_is_in_the_audit_trail_without_its_words(riley, riley_record, pat):
    message_write(member=member_of(riley), participant=riley_record, body=SECRET)
    message_answer(member=member_of(pat), participant=riley_record, body="Call me: 555-0100")
    events = list(AuditEvent.objects.filter(action="message.sent").order_by("id"))
    assert [e.details["from"] for e in events] == ["participant", "staff"]
    assert [e.actor_id for e in events] == [riley.pk, pat.pk]
    assert all(e.details["participant"] == str(riley_record.pk) for e in events)
    for event in events:
        assert "scared" not in str(event.details) and "555-0100" not in str(event.details)


def test_the_participant_is_emailed_that_there_is_a_message_never_its_words(
    django_capture_on_commit_callbacks, riley, riley_record, pat, harbor
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message_answer(member=member_of(pat), participant=riley_record, body="Your test result")
    assert len(callbacks) == 1  # queued once the answer is saved
    for callback in callbacks:
        callback()
    run_worker()
    (email,) = mail.outbox
    assert email.to == [riley_record.email or riley.email]
    assert email.subject == "You have a new message in Beacon"
    text = email.subject + email.body
    assert "test result" not in text
    assert harbor.name not in text  # they did not say the organization's name may be used
    assert "/my/messages/" in email.body


def test_the_organizations_name_only_where_the_participant_allows_it(
    django_capture_on_commit_callbacks, riley, riley_record, pat, harbor
):
    riley_record.may_use_org_name = True
    riley_record.save(update_fields=["may_use_org_name"])
    with django_capture_on_commit_callbacks(execute=True):
        message_answer(member=member_of(pat), participant=riley_record, body="Hello")
    run_worker()
    assert harbor.name in mail.outbox[0].body
    assert "Hello" not in mail.outbox[0].body


def test_who_answers(harbor, riley_record, pat, quinn, sam, ada, olive, casey):
    assert can_answer_messages(member_of(pat), riley_record)  # their peer
    assert not can_answer_messages(member_of(quinn), riley_record)  # another caseload
    assert can_answer_messages(member_of(sam), riley_record)  # the team, by default
    assert can_answer_messages(member_of(ada), riley_record)
    assert not can_answer_messages(member_of(olive), riley_record)  # another organization
    # A secondary peer answers when the primary is away.
    AssignmentFactory(participant=riley_record, peer=quinn, assigned_by=sam, role="secondary")
    assert can_answer_messages(member_of(quinn), riley_record)
    # An organization may keep supervisors and admins out of the conversation.
    harbor.messages_team_answers = False
    harbor.save(update_fields=["messages_team_answers"])
    riley_record.organization.refresh_from_db()
    sam_member = member_of(sam)
    assert not can_answer_messages(sam_member, riley_record)
    with pytest.raises(PermissionDenied):
        message_answer(member=sam_member, participant=riley_record, body="Hi")


def test_open_records_do_not_open_the_conversation(harbor, riley_record, quinn):
    harbor.participants_open_to_team = True
    harbor.save(update_fields=["participants_open_to_team"])
    member = member_of(quinn)
    assert not can_answer_messages(member, riley_record)
    with pytest.raises(PermissionDenied):
        message_answer(member=member, participant=riley_record, body="Hi")


def test_only_the_participant_writes_as_themselves(riley, riley_record, jordan, pat):
    with pytest.raises(PermissionDenied):
        message_write(member=member_of(riley), participant=jordan, body="Hi")
    with pytest.raises(PermissionDenied):
        message_write(member=member_of(pat), participant=riley_record, body="Hi")
    assert not Message.objects.exists()


def test_after_discharge_nobody_writes(riley, riley_record, pat):
    riley_record.discharged_on = timezone.localdate() - datetime.timedelta(days=1)
    riley_record.discharge_reason = "completed"
    riley_record.save(update_fields=["discharged_on", "discharge_reason"])
    with pytest.raises(PermissionDenied):
        message_write(member=member_of(riley), participant=riley_record, body="Hi")
    with pytest.raises(ValidationError) as refused:
        message_answer(member=member_of(pat), participant=riley_record, body="Hi")
    assert "closed" in str(refused.value)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("", "Write a message first"),
        ("   ", "Write a message first"),
        ("x" * (MAX_BODY + 1), "at most"),
    ],
)
def test_empty_or_too_long_is_refused_plainly(riley, riley_record, body, words):
    with pytest.raises(ValidationError) as refused:
        message_write(member=member_of(riley), participant=riley_record, body=body)
    assert words in str(refused.value)
    assert not Message.objects.exists()


def test_when_messages_are_off_nobody_writes(harbor, riley, riley_record, pat):
    harbor.messages_enabled = False
    harbor.save(update_fields=["messages_enabled"])
    riley_record.organization.refresh_from_db()
    for write, member in ((message_write, member_of(riley)), (message_answer, member_of(pat))):
        with pytest.raises(ValidationError) as refused:
            write(member=member, participant=riley_record, body="Hi")
        assert "turned off" in str(refused.value)


def test_with_no_peer_the_team_is_told(harbor, riley, riley_record, pat, sam, ada):
    riley_record.assignments.update(ended_at=timezone.now())
    message_write(member=member_of(riley), participant=riley_record, body="Anyone there?")
    assert {n.recipient for n in Notification.objects.all()} == {sam, ada}


def test_each_side_reads_what_the_other_wrote(riley, riley_record, pat):
    message_write(member=member_of(riley), participant=riley_record, body="Hi")
    message_answer(member=member_of(pat), participant=riley_record, body="Hello")
    assert messages_mark_read(participant=riley_record, by_participant=True) == 1
    mine, theirs = Message.objects.order_by("created_at")
    assert mine.read_at is None and theirs.read_at is not None
    assert messages_mark_read(participant=riley_record, by_participant=False) == 1
    assert messages_mark_read(participant=riley_record, by_participant=False) == 0


def test_a_participant_role_member_of_another_organization_is_not_the_participant(
    lakeside, riley, riley_record
):
    elsewhere = MembershipFactory(user=riley, organization=lakeside, role=Role.PARTICIPANT)
    with pytest.raises(PermissionDenied):
        message_write(member=elsewhere, participant=riley_record, body="Hi")
