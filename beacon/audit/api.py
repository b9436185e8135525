"""API: the organization's audit trail, for organization admins."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Query, Router, Schema
from pydantic import Field, field_validator

from beacon.api.pagination import DEFAULT_PAGE, PageSize, cursor_page
from beacon.api.schemas import DB_BIGINT_MAX, Error, Integer, ModelText, utc
from beacon.audit.describe import participant_visible
from beacon.audit.models import AuditEvent
from beacon.audit.selectors import (
    ACTOR_MAX_CHARS,
    AuditFilters,
    audit_events_described,
    audit_events_filtered,
    note_participant_looked_up,
)
from beacon.core.search import api_search_text
from beacon.organizations.permissions import is_org_admin

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    occurred_at: datetime
    actor: UUID | None = Field(None, alias="actor_id")
    actor_email: str
    organization: UUID | None = Field(None, alias="organization_id")
    action: str
    object_type: str
    object_id: str
    ip_address: str | None
    details: dict
    description: str = Field("", description="The entry in a plain sentence, with names.")
    participant_name: str | None = Field(
        None, description="The participant the entry is about, when you may see them."
    )


class AuditEventPage(Schema):
    items: list[AuditEventOut]
    next: str | None = Field(None, description="URL of the next (older) page, if any.")


ActorText = api_search_text(max_chars=ACTOR_MAX_CHARS)


class AuditQuery(Schema):
    actor: ActorText = Field(
        "", description="Email of the person (or part of it), at most 254 characters."
    )
    action: ModelText(AuditEvent, "action") = Field(
        "", description="Exact action, e.g. auth.login_failed."
    )
    kind: str = Field(
        "",
        max_length=32,
        pattern="^[a-z_]*$",
        description="Kind of action: the part of its name before the dot, e.g. consent.",
    )
    participant: UUID | None = Field(
        None, description="Entries filed under this participant or naming them."
    )
    since: datetime | None = Field(
        None, description="From this time (inclusive; ISO 8601, UTC unless an offset is given)."
    )
    until: datetime | None = Field(None, description="Until this time (exclusive).")
    before: Integer(ge=0, le=DB_BIGINT_MAX) | None = Field(
        None, description="Only entries older than this id (paging)."
    )
    limit: PageSize = DEFAULT_PAGE

    @field_validator("since", "until")
    @classmethod
    def _utc_unless_stated(cls, value: datetime | None) -> datetime | None:
        """The trail is kept in UTC: a time without an offset is read as UTC."""
        return utc(value)


@router.get(
    "",
    response={200: AuditEventPage, 403: Error, 404: Error, 422: Error},
    summary="The organization's audit trail",
)
def list_audit_events(request, q: Query[AuditQuery]):
    member = getattr(request, "member", None)
    if not is_org_admin(member):
        raise PermissionDenied
    if q.participant is not None and not participant_visible(member=member, pk=str(q.participant)):
        # A participant outside the organization answers like one that does not exist.
        raise Http404
    filters = AuditFilters(
        actor=q.actor,
        action=q.action,
        kind=q.kind,
        participant=str(q.participant) if q.participant else "",
        since=q.since,
        until=q.until,
    )
    page = cursor_page(
        request,
        audit_events_filtered(member=member, filters=filters),
        before=q.before,
        limit=q.limit,
    )
    note_participant_looked_up(member=member, filters=filters)
    items = []
    for event, said in audit_events_described(member=member, events=page["items"]):
        # Read by AuditEventOut like the stored fields; nothing is saved (append-only).
        event.description = said.text
        event.participant_name = said.participant.name if said.participant else None
        items.append(event)
    return {"items": items, "next": page["next"]}
