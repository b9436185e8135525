"""Experience hours for certification: the encounters a peer held, by their duration.

Registered as the "encounters" hours source (beacon.workforce.hours) in EncountersConfig.ready().
An item says what kind of support it was and how, never who it was with: the hours log is handed
to a certification board.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from beacon.encounters.models import Encounter, EncounterKind, Modality
from beacon.workforce.hours import Category, HoursItem

SOURCE = "encounters"


def encounter_hours_items(user, start: date | None, end: date | None) -> list[HoursItem]:
    """The encounters `user` held (the encounter's peer), dated start..end in the current time
    zone, with a duration. One query."""
    encounters = Encounter.objects.filter(peer_id=user.pk, duration_minutes__gt=0)
    if start is not None:
        encounters = encounters.filter(occurred_at__date__gte=start)
    if end is not None:
        encounters = encounters.filter(occurred_at__date__lte=end)
    kinds = dict(EncounterKind.choices)
    modalities = dict(Modality.choices)
    items = []
    for pk, occurred_at, minutes, kind, modality in encounters.values_list(
        "pk", "occurred_at", "duration_minutes", "kind", "modality"
    ).order_by("occurred_at"):
        how = str(modalities.get(modality, modality)).lower()
        description = _("%(kind)s (%(how)s)") % {"kind": kinds.get(kind, kind), "how": how}
        items.append(
            HoursItem(
                on=timezone.localdate(occurred_at),
                minutes=minutes,
                category=Category.EXPERIENCE,
                description=description,
                source=SOURCE,
                url=reverse("encounters:detail", args=[pk]),
            )
        )
    return items
