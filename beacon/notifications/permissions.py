"""Who sees which notifications: each person only their own, in the organization they are
working in (a notification points at that organization's records)."""

from __future__ import annotations

from django.db.models import QuerySet

from beacon.notifications.models import Notification
from beacon.organizations.models import Membership


def notifications_visible_to(member: Membership | None) -> QuerySet[Notification]:
    if member is None or not member.is_active:
        return Notification.objects.none()
    return Notification.objects.filter(
        recipient_id=member.user_id, organization_id=member.organization_id
    )


def can_mark_notification_read(member: Membership | None, notification: Notification) -> bool:
    return member is not None and notification.recipient_id == member.user_id
