"""What a participant did to their own plan from their own Beacon (/my/plan/), on their
timeline: steps ticked, progress notes, suggestions. One query."""

from __future__ import annotations

from datetime import datetime

from beacon.participants.models import Participant
from beacon.participants.selectors import TimelineEntry
from beacon.plans.models import PlanUpdate

TEMPLATE = "plans/partials/_timeline_update.html"


def plan_update_timeline_entries(
    participant: Participant, before: datetime | None, limit: int
) -> list[TimelineEntry]:
    rows = PlanUpdate.objects.filter(participant=participant).select_related("step", "goal")
    if before:
        rows = rows.filter(created_at__lt=before)
    return [
        TimelineEntry(u.created_at, "plan_update", u, TEMPLATE)
        for u in rows.order_by("-created_at", "pk")[: limit + 1]
    ]
