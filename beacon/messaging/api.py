"""API: a participant's messages, for the staff who answer them, mounted under
/api/v1/participants (docs/portal.md, "Messages"). A participant the caller does not see
answers 404, as a missing one; one they see but do not answer for, 403."""

from __future__ import annotations

from uuid import UUID

from ninja import Query, Router, Status

from beacon.api.pagination import cursor_page
from beacon.api.schemas import Error
from beacon.messaging import selectors, services
from beacon.messaging.schemas import MessageIn, MessageOut, MessagePage, MessageQuery
from beacon.participants.services import participant_viewed

router = Router(tags=["messages"])


@router.get(
    "/{participant_id}/messages",
    response={200: MessagePage, 403: Error, 404: Error, 422: Error},
    summary="A participant's conversation with their peer, newest first",
)
def list_messages(request, participant_id: UUID, query: Query[MessageQuery]):
    """Reading the conversation marks the participant's messages read."""
    participant = selectors.thread_participant_get(member=request.member, pk=participant_id)
    page = cursor_page(
        request,
        selectors.messages_of(participant=participant),
        before=query.before,
        limit=query.limit,
    )
    services.messages_mark_read(participant=participant, by_participant=False)
    participant_viewed(member=request.member, participant=participant, seen="messages")
    return page


@router.post(
    "/{participant_id}/messages",
    response={201: MessageOut, 403: Error, 404: Error, 422: Error},
    summary="Answer the participant (they are emailed that there is a message, not its words)",
)
def answer(request, participant_id: UUID, payload: MessageIn):
    participant = selectors.thread_participant_get(member=request.member, pk=participant_id)
    message = services.message_answer(
        member=request.member,
        participant=participant,
        body=payload.body,
        build_url=request.build_absolute_uri,
    )
    return Status(201, message)
