"""Certification hours from group sessions (beacon.workforce.hours): each session held (not
cancelled, attendance recorded) gives each of its facilitators experience hours of its length.
The description names the group, never a participant: the log goes to a certification board."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from beacon.groups.models import GroupSession
from beacon.workforce.hours import Category, HoursItem


def group_hours_items(
    user, start: datetime.date | None, end: datetime.date | None
) -> list[HoursItem]:
    """One query."""
    sessions = GroupSession.objects.filter(
        facilitators=user, cancelled_at__isnull=True, attendance_recorded_at__isnull=False
    )
    if start is not None:
        sessions = sessions.filter(
            starts_at__gte=timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
        )
    if end is not None:
        sessions = sessions.filter(
            starts_at__lt=timezone.make_aware(
                datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
            )
        )
    return [
        HoursItem(
            on=timezone.localdate(session.starts_at),
            minutes=session.duration_minutes,
            category=Category.EXPERIENCE,
            description=_("Group session: %(group)s") % {"group": session.group.name},
            source="groups",
            url=reverse("groups:session", args=[session.pk]),
        )
        for session in sessions.select_related("group").order_by("starts_at", "pk")
    ]
