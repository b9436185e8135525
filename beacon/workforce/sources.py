"""Education hours for certification: the trainings a person recorded, one item per domain.

Registered as the "trainings" hours source in WorkforceConfig.ready().
"""

from __future__ import annotations

import uuid
from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from beacon.workforce.hours import Category, HoursItem
from beacon.workforce.models import EducationDomain, Training

SOURCE = "trainings"
_PLACEHOLDER = uuid.UUID(int=0)


def training_hours_items(user, start: date | None, end: date | None) -> list[HoursItem]:
    """One query: the user's trainings dated start..end, split by domain."""
    trainings = Training.objects.filter(user_id=user.pk)
    if start is not None:
        trainings = trainings.filter(completed_on__gte=start)
    if end is not None:
        trainings = trainings.filter(completed_on__lte=end)
    labels = dict(EducationDomain.choices)
    url = reverse("workforce:training_edit", args=[_PLACEHOLDER])
    items = []
    for pk, on, course, provider, by_domain in trainings.values_list(
        "pk", "completed_on", "course", "provider", "minutes_by_domain"
    ):
        for domain in EducationDomain.values:
            minutes = int((by_domain or {}).get(domain) or 0)
            if minutes <= 0:
                continue
            items.append(
                HoursItem(
                    on=on,
                    minutes=minutes,
                    category=Category.EDUCATION,
                    description=_("Training: %(course)s, %(provider)s (%(domain)s)")
                    % {"course": course, "provider": provider, "domain": labels[domain]},
                    source=SOURCE,
                    domain=domain,
                    url=url.replace(str(_PLACEHOLDER), str(pk)),
                )
            )
    return items
