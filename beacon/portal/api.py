"""API: the participant's own Beacon, /api/v1/me/... (docs/portal.md). Every operation starts
from their own record (beacon.participants.selectors.own_record): staff get 403, and nothing
of anyone else's record is reachable."""

from __future__ import annotations

from ninja import Query, Router, Status

from beacon.api.pagination import cursor_page
from beacon.api.schemas import Error
from beacon.messaging import selectors as messaging
from beacon.messaging import services as messaging_services
from beacon.messaging.schemas import MessageIn, MessageQuery, MyMessageOut, MyMessagePage
from beacon.participants.selectors import own_record

router = Router(tags=["me"])


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
