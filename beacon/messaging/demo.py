"""Demo messages between participant@harbor.demo (Riley Shore) and their peer Pat
(docs/portal.md). Called by beacon/portal/demo.py once Riley's record is linked."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from beacon.messaging.models import Message
from beacon.messaging.services import message_answer, message_write, messages_mark_read
from beacon.organizations.models import Membership
from beacon.participants.models import Participant

# (days ago, hour, from the participant, text). The last one waits, unread, on Pat's My day.
CONVERSATION = (
    (6, 19, True, "Hi Pat, it's Riley. Is the Thursday group still at 6?"),
    (6, 20, False, "Hi Riley! Yes, Thursday at 6 in the big room. See you there."),
    (3, 9, True, "Thursday was good. Could we talk about the job fair next week?"),
    (3, 11, False, "Glad it went well. Yes: let's plan it when we meet on Monday."),
    (0, 8, True, "Running 10 minutes late for our meeting today, sorry!"),
)


def demo_messages_create(
    *, record: Participant, participant: Membership, peer: Membership
) -> list[Message]:
    """The conversation, through the services (audited, notified), then dated back."""
    now = timezone.now()
    written = []
    for days, hour, from_participant, text in CONVERSATION:
        if from_participant:
            message = message_write(member=participant, participant=record, body=text)
        else:
            message = message_answer(member=peer, participant=record, body=text)
        when = (now - timedelta(days=days)).replace(hour=hour, minute=5, second=0)
        when = min(when, now - timedelta(minutes=20))
        Message.objects.filter(pk=message.pk).update(created_at=when)
        written.append(message)
        if not from_participant:
            # Each side read what came before its answer.
            messages_mark_read(participant=record, by_participant=False)
        elif days:
            messages_mark_read(participant=record, by_participant=True)
    return written
