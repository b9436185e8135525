"""What a participant did in their own Beacon, on their timeline (docs/portal.md): their
check-ins, and their requests to talk to someone now. One query each."""

from __future__ import annotations

from datetime import datetime

from beacon.checkins.models import CheckIn, OutreachRequest, OutreachSource
from beacon.participants.models import Participant
from beacon.participants.selectors import TimelineEntry

CHECK_IN = "checkins/partials/_timeline_check_in.html"
TALK_NOW = "checkins/partials/_timeline_talk_now.html"


def check_in_timeline_entries(
    participant: Participant, before: datetime | None, limit: int
) -> list[TimelineEntry]:
    """Each check-in (asking for outreach or not), and each "I need to talk to someone now"
    (a request without a check-in): two queries, at most limit + 1 rows each."""
    check_ins = CheckIn.objects.filter(participant=participant)
    talk_now = OutreachRequest.objects.filter(
        participant=participant, source=OutreachSource.HELP_NOW
    ).select_related("answered_by")
    if before:
        check_ins = check_ins.filter(created_at__lt=before)
        talk_now = talk_now.filter(created_at__lt=before)
    return [
        TimelineEntry(c.created_at, "check_in", c, CHECK_IN)
        for c in check_ins.order_by("-created_at", "pk")[: limit + 1]
    ] + [
        TimelineEntry(r.created_at, "talk_now", r, TALK_NOW)
        for r in talk_now.order_by("-created_at", "pk")[: limit + 1]
    ]
