"""Community work as experience hours toward a credential (registered in ReportsConfig.ready()
under workforce's COMMUNITY_WORK_SOURCE; a credential whose definition says community work does
not count leaves these items out, beacon/workforce/selectors.py credential_progress)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from beacon.reports.models import ActivityKind, CommunityActivity
from beacon.workforce.hours import COMMUNITY_WORK_SOURCE, Category, HoursItem


def community_hours_items(user, start: date | None, end: date | None) -> list[HoursItem]:
    """The community work `user` logged, dated start..end. One query."""
    rows = CommunityActivity.objects.filter(peer_id=user.pk)
    if start is not None:
        rows = rows.filter(on__gte=start)
    if end is not None:
        rows = rows.filter(on__lte=end)
    kinds = dict(ActivityKind.choices)
    return [
        HoursItem(
            on=on,
            minutes=minutes,
            category=Category.EXPERIENCE,
            description=_("Community work: %(kind)s") % {"kind": kinds.get(kind, kind)},
            source=COMMUNITY_WORK_SOURCE,
        )
        for on, minutes, kind in rows.values_list("on", "minutes", "kind").order_by("on")
    ]
