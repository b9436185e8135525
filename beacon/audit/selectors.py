from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from beacon.audit import reads
from beacon.audit.describe import (
    PARTICIPANT,
    Description,
    describe_events,
    participant_visible,
)
from beacon.audit.models import AuditEvent
from beacon.audit.permissions import audit_events_visible_to
from beacon.core.search import normalize

# A CSV export holds at most this many entries (newest first); narrow the filters for more.
EXPORT_MAX = 10_000
# The person filter: part of an email address (254 characters at most).
ACTOR_MAX_CHARS = 254


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""  # a name or an email, or part of one
    action: str = ""
    kind: str = ""  # the part of an action before the dot: "consent", "auth"...
    participant: str = ""  # a participant's id: entries filed under them or naming them
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
    limit = max(1, min(limit, EXPORT_MAX))
    qs = audit_events_filtered(member=member, filters=filters)
    if before:
        qs = qs.filter(id__lt=before)
    events = list(qs[: limit + 1])
    more = len(events) > limit
    events = events[:limit]
    return AuditPage(events=events, next_before=events[-1].id if more and events else None)


def audit_events_filtered(*, member, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The organization's trail as filtered, newest first (the API pages it by id)."""
    qs = audit_events_visible_to(member)
    # Free text matched in SQL: normalized like every search (beacon.core.search).
    actor = normalize(filters.actor[:ACTOR_MAX_CHARS])
    if actor:
        qs = qs.filter(Q(actor_email__icontains=actor) | Q(actor__name__icontains=actor))
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.kind:
        qs = qs.filter(action__startswith=f"{filters.kind}.")
    if filters.participant:
        qs = qs.filter(
            Q(object_type=PARTICIPANT, object_id=filters.participant)
            | Q(details__participant=filters.participant)
        )
    if filters.since:
        qs = qs.filter(occurred_at__gte=filters.since)
    if filters.until:
        qs = qs.filter(occurred_at__lt=filters.until)
    return qs.select_related("actor").order_by("-id")


def audit_events_for_export(*, member, filters: AuditFilters) -> list[AuditEvent]:
    """The filtered entries for a CSV export, newest first, at most EXPORT_MAX."""
    page = audit_event_page(member=member, filters=filters, limit=EXPORT_MAX)
    return page.events


def audit_events_described(
    *, member, events: list[AuditEvent]
) -> list[tuple[AuditEvent, Description]]:
    """Each entry with its sentence; every name loaded for the list at once, only those the
    member may see (beacon/audit/describe.py)."""
    return describe_events(member=member, events=events)


def note_participant_looked_up(*, member, filters: AuditFilters) -> None:
    """The trail filtered to one participant is a look at them, like their access log: noted as
    a read (written when the answer shows something, beacon/audit/reads.py). The unfiltered
    trail names participants in passing and is not: each look would add a page of entries
    about itself (docs/audit.md)."""
    if filters.participant and participant_visible(member=member, pk=filters.participant):
        reads.note(member=member, participants=[filters.participant], seen="audit_trail")
