"""Reads of the conversation between a participant and the people who answer for their peer
(docs/portal.md, "Messages"). Staff load a thread through the participant's record
(permissions); the participant's own thread starts from their own record
(beacon.participants.selectors.own_record), which their pages and API have already loaded."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from beacon.core.access import load_visible
from beacon.messaging.models import Message
from beacon.messaging.permissions import can_answer_messages, message_threads_visible_to
from beacon.organizations.models import Membership
from beacon.participants.models import Participant

# The page shows the newest this many messages (the API pages through all of them).
THREAD_ROWS = 100


@dataclass(frozen=True)
class Thread:
    participant: Participant
    messages: list[Message]  # oldest first, the newest at the bottom
    earlier: int  # how many older messages are not shown


def thread_participant_get(*, member: Membership, pk) -> Participant:
    """The participant whose messages a staff member opens: 404 when they do not see the
    participant (like any record of theirs), 403 when they see them but do not answer their
    messages (permissions.can_answer_messages)."""
    return load_visible(
        member=member,
        visible=message_threads_visible_to(member).select_related("organization"),
        pk=pk,
        for_write=True,
        can_write=can_answer_messages,
    )


def messages_of(*, participant: Participant) -> QuerySet[Message]:
    """The whole thread, newest first (the API's order), with each author's name."""
    return (
        Message.objects.filter(participant=participant)
        .select_related("author")
        .order_by("-created_at", "-id")
    )


def first_name(name: str) -> str:
    return (name or "").split(" ", 1)[0]


def thread(
    *, participant: Participant, for_participant: bool = False, rows: int = THREAD_ROWS
) -> Thread:
    """The newest `rows` messages, oldest first, and how many earlier ones there are: two
    queries however long the thread. Each message's `who` names its author for the reader:
    the participant calls staff by their first name; staff see full names."""
    newest = list(messages_of(participant=participant)[: rows + 1])
    for message in newest:
        if message.from_participant:
            message.who = participant.display_name
        elif for_participant:
            message.who = first_name(message.author.name) or _("Your peer")
        else:
            message.who = message.author.name or message.author.email
    earlier = 0
    if len(newest) > rows:
        newest = newest[:rows]
        earlier = Message.objects.filter(participant=participant).count() - rows
    newest.reverse()
    return Thread(participant=participant, messages=newest, earlier=earlier)


def unread_for_participant(*, participant: Participant) -> int:
    """Answers the participant has not opened yet."""
    return Message.objects.filter(
        participant=participant, from_participant=False, read_at__isnull=True
    ).count()
