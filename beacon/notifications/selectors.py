"""Reads about notifications: each person's own."""

from __future__ import annotations

from django.db.models import BooleanField, Case, Exists, OuterRef, QuerySet, Value, When

from beacon.core.access import load_visible
from beacon.notifications.models import Notification
from beacon.notifications.permissions import can_mark_notification_read, notifications_visible_to
from beacon.organizations.models import Membership
from beacon.participants.permissions import participants_visible_to

MAX_PAGE = 200


def notification_list(*, member: Membership, unread_only: bool = False) -> QuerySet[Notification]:
    """The member's notifications, unread first, newest first. `participant_visible` says
    whether the member may still see the participant it is about (so a name is shown only
    then)."""
    qs = notifications_visible_to(member)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return (
        qs.select_related("participant")
        .annotate(
            is_unread=Case(
                When(read_at__isnull=True, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            participant_visible=Exists(
                participants_visible_to(member).filter(pk=OuterRef("participant_id"))
            ),
        )
        .order_by("-is_unread", "-created_at", "-id")
    )


def notification_get_for_member(*, member: Membership, pk, for_write: bool = False) -> Notification:
    return load_visible(
        member=member,
        visible=notifications_visible_to(member),
        pk=pk,
        for_write=for_write,
        can_write=can_mark_notification_read,
    )


def unread_count(user, *, organization=None) -> int:
    """How many unread notifications a person has (in one organization, when given): the
    number on the navigation's badge."""
    if user is None or not user.is_authenticated:
        return 0
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if organization is not None:
        qs = qs.filter(organization=organization)
    return qs.count()
