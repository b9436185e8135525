"""Group attendance on the participant's timeline: one entry per session they came to."""

from __future__ import annotations

from datetime import datetime

from beacon.groups.models import Attendance
from beacon.participants.models import Participant
from beacon.participants.selectors import TimelineEntry

TEMPLATE = "groups/partials/_timeline_entry.html"


def attendance_timeline_entries(
    participant: Participant, before: datetime | None, limit: int
) -> list[TimelineEntry]:
    """One query."""
    rows = Attendance.objects.filter(
        participant=participant, present=True, session__cancelled_at__isnull=True
    ).select_related("session", "session__group")
    if before:
        rows = rows.filter(session__starts_at__lt=before)
    return [
        TimelineEntry(a.session.starts_at, "group_attendance", a, TEMPLATE)
        for a in rows.order_by("-session__starts_at", "pk")[: limit + 1]
    ]
