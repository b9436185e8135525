"""The participant's own Beacon as an API (/api/v1/me/...): the same as their /my/ pages, for
an app. Every operation starts from their own record (participants.selectors.own_record: 403
for anyone who is not a participant linked to a record) and shows nothing that does not hang
off it (docs/portal.md)."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from beacon.api.errors import ApiError
from beacon.api.pagination import (
    CURSOR_HELP,
    DEFAULT_PAGE,
    BadCursor,
    Cursor,
    PageSize,
    cursor_page,
    next_url,
)
from beacon.api.schemas import Error
from beacon.participants.selectors import own_record
from beacon.portal import selectors_access

router = Router(tags=["me"])


def _bad_cursor() -> ApiError:
    return ApiError(
        422,
        "invalid",
        _("Some values are missing or not valid."),
        [{"field": "before", "message": _("Use the `next` link of an earlier page.")}],
    )


class PageQuery(Schema):
    before: Cursor | None = Field(None, description=CURSOR_HELP)
    limit: PageSize = DEFAULT_PAGE


# Who saw my record ------------------------------------------------------------------------------


class PersonOut(Schema):
    name: str
    role: str = Field(..., description="Their role in the organization, in words; may be empty.")
    organization: str


class AccessEntryOut(Schema):
    at: datetime
    kind: str = Field(..., description="opened, changed or disclosed")
    sentence: str = Field(..., description="What happened, in a plain sentence.")
    part: str = Field(..., description="Which part of the record, in words.")
    person: PersonOut | None = Field(None, description="Who; null when Beacon did it itself.")


class AccessPageOut(Schema):
    items: list[AccessEntryOut]
    next: str | None = Field(None, description="URL of the next (older) page, if any.")


@router.get(
    "/record-access",
    response={200: AccessPageOut, 403: Error, 422: Error},
    summary="Who opened or changed my record, and what was disclosed from it, newest first",
)
def record_access(request, query: Query[PageQuery]):
    record = own_record(member=request.member)
    try:
        page = selectors_access.record_access_page(
            record=record, cursor=query.before, limit=query.limit
        )
    except BadCursor:
        raise _bad_cursor() from None
    return {"items": page.entries, "next": next_url(request, page.next_cursor)}


# Times together -----------------------------------------------------------------------------------


class EncounterOut(Schema):
    occurred_at: datetime
    kind: str = Field(..., description="one_on_one, check_in, warm_handoff, crisis_support...")
    kind_words: str = Field(..., description="The kind in plain words.")
    minutes: int
    summary: str = Field(
        "", description="What the peer wrote for you about it; empty when nothing was written."
    )


class EncounterPageOut(Schema):
    items: list[EncounterOut]
    next: str | None = Field(None, description="URL of the next (older) page, if any.")


@router.get(
    "/encounters",
    response={200: EncounterPageOut, 403: Error, 422: Error},
    summary="My times together with staff: date, kind, length and the summary shared with me",
)
def encounters(request, query: Query[PageQuery]):
    record = own_record(member=request.member)
    rows = selectors_access.encounters_for_you(record=record)
    page = cursor_page(request, rows, before=query.before, limit=query.limit)
    page["items"] = [
        {
            "occurred_at": e.occurred_at,
            "kind": e.kind,
            "kind_words": str(selectors_access.KIND_WORDS.get(e.kind) or e.get_kind_display()),
            "minutes": e.duration_minutes,
            "summary": e.participant_summary,
        }
        for e in page["items"]
    ]
    return page
