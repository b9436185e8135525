"""The API's shapes of a message, shared by the staff API (beacon/messaging/api.py) and the
participant's own (/api/v1/me/messages, beacon/portal/api.py)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Schema
from pydantic import Field

from beacon.api.pagination import CURSOR_HELP, DEFAULT_PAGE, Cursor, PageSize
from beacon.api.schemas import Text
from beacon.messaging.models import MAX_BODY


class MessageIn(Schema):
    body: Text(MAX_BODY, min_length=1) = Field(..., description="Text only.")


class MessageQuery(Schema):
    before: Cursor | None = Field(None, description=CURSOR_HELP)
    limit: PageSize = DEFAULT_PAGE


class MessageOut(Schema):
    """A message as staff see it."""

    id: UUID
    participant: UUID = Field(..., alias="participant_id")
    from_participant: bool = Field(..., description="True: the participant wrote it.")
    author: UUID = Field(..., alias="author_id", description="The user who wrote it.")
    author_name: str
    body: str
    created_at: datetime
    read_at: datetime | None = Field(None, description="When the other side first opened it.")

    @staticmethod
    def resolve_author_name(obj) -> str:
        return obj.author.name or obj.author.email


class MessagePage(Schema):
    items: list[MessageOut]
    next: str | None = Field(None, description="URL of the next (older) page, if any.")


class MyMessageOut(Schema):
    """A message as the participant sees it in their own Beacon."""

    id: UUID
    from_me: bool = Field(..., alias="from_participant", description="True: you wrote it.")
    who: str = Field(..., description="'You', or your peer's (or their team's) first name.")
    body: str
    created_at: datetime
    read_at: datetime | None = Field(None, description="When the other side first opened it.")

    @staticmethod
    def resolve_who(obj) -> str:
        if obj.from_participant:
            return "You"
        return (obj.author.name or "").split(" ", 1)[0] or "Your peer"


class MyMessagePage(Schema):
    items: list[MyMessageOut]
    next: str | None = Field(None, description="URL of the next (older) page, if any.")
