"""API: the organization's consents (issue 15), mounted at /api/v1/consents.

The same list as the page /consents/: supervisors and organization admins see every consent of
their organization, peers their caseload's; those ending within 30 days first, then active,
then expired, then revoked. Listing them is recorded as a read of each participant listed.
"""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from beacon.api.pagination import CURSOR_HELP, Cursor, PageSize, cursor_page
from beacon.api.schemas import Error
from beacon.consents import selectors
from beacon.consents.api import ConsentOut
from beacon.core.search import api_search_text
from beacon.participants.selectors import participant_get_for_member
from beacon.participants.services import participant_viewed

router = Router(tags=["consents"])

RANKS = {0: selectors.EXPIRING, 1: selectors.ACTIVE, 2: selectors.EXPIRED, 3: selectors.REVOKED}


class ConsentListQuery(Schema):
    status: str = Field(
        "",
        pattern="^(|expiring|active|expired|revoked)$",
        max_length=8,
        description="expiring (ends within 30 days), active (expiring ones too), expired, revoked.",
    )
    participant: UUID | None = Field(None, description="Only this participant's consents.")
    participant_name: api_search_text() = Field(
        "", description="Words of the participant's name, or their record number."
    )
    recipient: api_search_text() = Field("", description="Words of a recipient's name.")
    before: Cursor | None = Field(None, description=CURSOR_HELP)
    limit: PageSize = Field(selectors.PAGE_SIZE, description="How many a page (50 unless said).")


class ConsentListItem(ConsentOut):
    participant_name: str
    record_number: int
    attention: str = Field(
        ..., description="expiring, active, expired or revoked: the list's order."
    )

    @staticmethod
    def resolve_participant_name(obj) -> str:
        return obj.participant.display_name

    @staticmethod
    def resolve_record_number(obj) -> int:
        return obj.participant.record_number

    @staticmethod
    def resolve_attention(obj) -> str:
        return RANKS[obj.list_rank]


class ConsentListPage(Schema):
    items: list[ConsentListItem]
    next: str | None = Field(None, description="URL of the next page, if any.")


@router.get(
    "",
    response={200: ConsentListPage, 403: Error, 404: Error, 422: Error},
    summary="The organization's consents, those ending soon first",
)
def list_organization_consents(request, q: Query[ConsentListQuery]):
    member = getattr(request, "member", None)
    if member is None or not member.is_staff_role:
        raise PermissionDenied
    participant = None
    if q.participant is not None:
        # 404 for a participant the caller cannot see, as everywhere.
        participant = participant_get_for_member(member=member, pk=q.participant)
    consents = selectors.consent_list_for_organization(
        member=member,
        filters=selectors.ConsentListFilters(
            status=q.status, participant=q.participant_name, recipient=q.recipient
        ),
        today=timezone.localdate(),
    )
    if participant is not None:
        consents = consents.filter(participant=participant)
    page = cursor_page(request, consents, before=q.before, limit=q.limit)
    for participant in {c.participant_id: c.participant for c in page["items"]}.values():
        participant_viewed(member=member, participant=participant, seen="consent_list")
    return page
