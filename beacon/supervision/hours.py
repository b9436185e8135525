"""Supervision hours for certification (beacon.workforce.hours): each session a peer attended
counts its duration as supervision hours. No participant is named, nor the other peers of a
group; the supervisor is, as boards ask who supervised."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from beacon.supervision.models import SupervisionSession
from beacon.workforce.hours import Category, HoursItem


def supervision_hours(user, start: date | None, end: date | None) -> list[HoursItem]:
    """One query, across every organization the person attended supervision in."""
    qs = SupervisionSession.objects.filter(peers=user, removed_at__isnull=True)
    if start is not None:
        qs = qs.filter(held_on__gte=start)
    if end is not None:
        qs = qs.filter(held_on__lte=end)
    return [
        HoursItem(
            on=session.held_on,
            minutes=session.duration_minutes,
            category=Category.SUPERVISION,
            description=_("%(kind)s supervision (%(how)s) with %(supervisor)s")
            % {
                "kind": session.get_kind_display(),
                "how": session.get_modality_display().lower(),
                "supervisor": session.supervisor.name or session.supervisor.email,
            },
            source="supervision",
            url=reverse("supervision:session_detail", args=[session.pk]),
        )
        for session in qs.select_related("supervisor").order_by("held_on", "pk")
    ]
