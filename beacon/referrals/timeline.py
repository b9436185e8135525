"""Referrals on the participant's timeline: one entry when a referral is made and one per
later change of its status (accepted, scheduled, connected...)."""

from __future__ import annotations

from datetime import datetime

from beacon.participants.models import Participant
from beacon.participants.selectors import TimelineEntry
from beacon.referrals.models import ReferralEvent

TEMPLATE = "referrals/partials/_timeline_entry.html"


def referral_timeline_entries(
    participant: Participant, before: datetime | None, limit: int
) -> list[TimelineEntry]:
    events = ReferralEvent.objects.filter(referral__participant=participant).select_related(
        "referral", "by"
    )
    if before:
        events = events.filter(at__lt=before)
    return [
        TimelineEntry(event.at, "referral", event, TEMPLATE)
        for event in events.order_by("-at")[: limit + 1]
    ]
