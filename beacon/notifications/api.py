"""API: the caller's own notifications."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Query, Router, Schema
from pydantic import Field

from beacon.api.schemas import Error
from beacon.notifications import selectors, services

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: UUID
    kind: str
    title: str
    url: str
    participant: UUID | None = Field(None, alias="participant_id")
    encounter: UUID | None = Field(None, alias="encounter_id")
    created_at: datetime
    read_at: datetime | None


class NotificationQuery(Schema):
    unread: bool = Field(False, description="Only the unread ones.")
    limit: int = Field(50, ge=1, le=selectors.MAX_PAGE)


@router.get("", response=list[NotificationOut], summary="Your notifications, unread first")
def list_notifications(request, q: Query[NotificationQuery]):
    return list(selectors.notification_list(member=request.member, unread_only=q.unread)[: q.limit])


@router.post(
    "/{notification_id}/read",
    response={200: NotificationOut, 404: Error},
    summary="Mark one of your notifications read",
)
def read_notification(request, notification_id: UUID):
    notification = selectors.notification_get_for_member(
        member=request.member, pk=notification_id, for_write=True
    )
    return services.notification_mark_read(member=request.member, notification=notification)
