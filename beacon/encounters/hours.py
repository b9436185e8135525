"""Experience hours for certification: the encounters a peer held, by their duration.

Registered as the "encounters" hours source (beacon.workforce.hours) in EncountersConfig.ready().
An item says what kind of support it was and how, never who it was with: the hours log is handed
to a certification board.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from beacon.encounters.models import Encounter, EncounterKind, Modality
from beacon.workforce.hours import Category, HoursItem

SOURCE = "encounters"
_PLACEHOLDER = uuid.UUID(int=0)


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
    # reverse() and the translation once, not once per encounter (a year is thousands of them).
    url = reverse("encounters:detail", args=[_PLACEHOLDER])
    descriptions: dict[tuple[str, str], str] = {}
    items = []
    for pk, occurred_at, minutes, kind, modality in encounters.values_list(
        "pk", "occurred_at", "duration_minutes", "kind", "modality"
    ).order_by("occurred_at"):
        description = descriptions.get((kind, modality))
        if description is None:
            how = str(modalities.get(modality, modality)).lower()
            description = _("%(kind)s (%(how)s)") % {"kind": kinds.get(kind, kind), "how": how}
            descriptions[(kind, modality)] = description
        items.append(
            HoursItem(
                on=timezone.localdate(occurred_at),
                minutes=minutes,
                category=Category.EXPERIENCE,
                description=description,
                source=SOURCE,
                url=url.replace(str(_PLACEHOLDER), str(pk)),
            )
        )
    return items
