from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from beacon.audit.models import AuditEvent
from beacon.audit.permissions import audit_events_visible_to
from beacon.core.search import normalize

MAX_PAGE = 200
# The person filter: part of an email address (254 characters at most).
ACTOR_MAX_CHARS = 254


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""  # an email, or part of one
    action: str = ""
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    next_before: int | None


def audit_event_page(
    *, member, filters: AuditFilters, before: int | None = None, limit: int = 50
) -> AuditPage:
    """One page of the organization's trail, newest first, filtered.

    Paged by position (`before` = the last id seen), which stays fast however long the trail.
    """
    limit = max(1, min(limit, MAX_PAGE))
    qs = audit_events_visible_to(member)
    # Free text matched in SQL: normalized like every search (beacon.core.search).
    actor = normalize(filters.actor[:ACTOR_MAX_CHARS])
    if actor:
        qs = qs.filter(actor_email__icontains=actor)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.since:
        qs = qs.filter(occurred_at__gte=filters.since)
    if filters.until:
        qs = qs.filter(occurred_at__lt=filters.until)
    if before:
        qs = qs.filter(id__lt=before)
    events = list(qs.order_by("-id")[: limit + 1])
    more = len(events) > limit
    events = events[:limit]
    return AuditPage(events=events, next_before=events[-1].id if more and events else None)
