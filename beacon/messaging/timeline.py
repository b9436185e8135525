"""The participant's messages to their peer, on their timeline (never what they say: the
conversation is read on its own page). One query."""

from __future__ import annotations

from datetime import datetime

from beacon.messaging.models import Message
from beacon.participants.models import Participant
from beacon.participants.selectors import TimelineEntry

TEMPLATE = "messaging/partials/_timeline_message.html"


def message_timeline_entries(
    participant: Participant, before: datetime | None, limit: int
) -> list[TimelineEntry]:
    rows = Message.objects.filter(participant=participant, from_participant=True).only(
        "pk", "participant_id", "created_at"
    )
    if before:
        rows = rows.filter(created_at__lt=before)
    return [
        TimelineEntry(m.created_at, "message", m, TEMPLATE)
        for m in rows.order_by("-created_at", "-id")[: limit + 1]
    ]
