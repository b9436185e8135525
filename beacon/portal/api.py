"""API: the participant's own Beacon, /api/v1/me/... (docs/portal.md). Every operation starts
from the caller's own record (participants.selectors.own_record): 403 for staff and for a
participant with no open record, and nothing that does not hang off that record."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ninja import Query, Router, Schema, Status
from pydantic import Field

from beacon.api.pagination import CURSOR_HELP, DEFAULT_PAGE, Cursor, PageSize, cursor_page
from beacon.api.schemas import Error, Integer, Text
from beacon.checkins import selectors as checkins_selectors
from beacon.checkins import services as checkins_services
from beacon.checkins.models import CRAVINGS_MAX, MOOD_MAX, MOOD_MIN, NOTE_MAX
from beacon.messaging import selectors as messaging
from beacon.messaging import services as messaging_services
from beacon.messaging.schemas import MessageIn, MessageQuery, MyMessageOut, MyMessagePage
from beacon.participants.selectors import own_record

router = Router(tags=["me"])


# Check-ins -----------------------------------------------------------------------------------


class CheckInIn(Schema):
    mood: Integer(ge=0, le=100) | None = Field(
        None, description=f"How today is going, {MOOD_MIN} to {MOOD_MAX}. Required."
    )
    cravings: Integer(ge=0, le=100) | None = Field(
        None, description=f"Cravings, 0 (none) to {CRAVINGS_MAX}; null when not given."
    )
    # Longer than allowed is refused by the service with its own message (the field named).
    note: Text(NOTE_MAX * 5) = Field("", description=f"One line, at most {NOTE_MAX} characters.")
    wants_outreach: bool = Field(False, description="I'd like my peer to reach out.")


class CheckInOut(Schema):
    id: UUID
    day: date
    mood: int
    cravings: int | None
    note: str
    wants_outreach: bool
    created_at: datetime
    updated_at: datetime


class CheckInSaved(CheckInOut):
    updated: bool = Field(
        description="True when it updated today's check-in (one a day: the latest counts)."
    )
    outreach_request: UUID | None = Field(
        None, description="The open request to reach out, when one was asked for."
    )


class CheckInPage(Schema):
    items: list[CheckInOut]
    next: str | None = Field(None, description="The next page's URL (null on the last page).")


class CheckInQuery(Schema):
    limit: PageSize = DEFAULT_PAGE
    before: Cursor | None = Field(None, description=CURSOR_HELP)


@router.get(
    "/check-ins",
    response={200: CheckInPage, 403: Error, 422: Error},
    summary="Your check-ins, newest first",
)
def list_check_ins(request, q: Query[CheckInQuery]):
    record = own_record(member=request.member)
    return cursor_page(
        request,
        checkins_selectors.own_check_ins(participant=record),
        before=q.before,
        limit=q.limit,
    )


@router.post(
    "/check-ins",
    response={201: CheckInSaved, 200: CheckInSaved, 403: Error, 422: Error},
    summary="Check in (one a day: a second one the same day updates it)",
)
def create_check_in(request, payload: CheckInIn):
    """201 with a new check-in, 200 when it updated today's. With `wants_outreach`, the
    participant's peers see the request on their My day at once and are notified."""
    record = own_record(member=request.member, for_write=True)
    result = checkins_services.check_in_record(
        member=request.member,
        participant=record,
        mood=payload.mood,
        cravings=payload.cravings,
        note=payload.note,
        wants_outreach=payload.wants_outreach,
        build_url=request.build_absolute_uri,
    )
    check_in = result.check_in
    check_in.updated = not result.created
    check_in.outreach_request = result.outreach.pk if result.outreach else None
    return Status(201 if result.created else 200, check_in)


# Messages ------------------------------------------------------------------------------------


@router.get(
    "/messages",
    response={200: MyMessagePage, 403: Error, 422: Error},
    summary="Your messages with your peer, newest first",
)
def my_messages(request, query: Query[MessageQuery]):
    """Reading them marks your peer's answers read."""
    record = own_record(member=getattr(request, "member", None))
    page = cursor_page(
        request, messaging.messages_of(participant=record), before=query.before, limit=query.limit
    )
    messaging_services.messages_mark_read(participant=record, by_participant=True)
    return page


@router.post(
    "/messages",
    response={201: MyMessageOut, 403: Error, 422: Error},
    summary="Write to your peer",
)
def my_message_write(request, payload: MessageIn):
    """Text only. When your organization has turned messages off: 422."""
    record = own_record(member=getattr(request, "member", None), for_write=True)
    message = messaging_services.message_write(
        member=request.member, participant=record, body=payload.body
    )
    return Status(201, message)
