"""Reads about crisis flags: one flag with what was done, the open flags of a day, the badge."""

from __future__ import annotations

import datetime

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from beacon.core.access import load_visible
from beacon.crisis.models import CrisisAction, CrisisFlag, CrisisStatus
from beacon.crisis.permissions import can_follow_up_crisis_flag, crisis_flags_visible_to
from beacon.organizations.models import Membership

MAX_PAGE = 200


def crisis_flag_get_for_member(*, member: Membership, pk, for_write: bool = False) -> CrisisFlag:
    """One flag the member may see (404 otherwise); for writing, 403 unless they follow flags
    through (supervisors and admins)."""
    return load_visible(
        member=member,
        visible=crisis_flags_visible_to(member).select_related(
            "encounter", "participant", "raised_by", "acknowledged_by", "resolved_by"
        ),
        pk=pk,
        for_write=for_write,
        can_write=can_follow_up_crisis_flag,
    )


def crisis_flag_for_encounter(*, member: Membership, encounter) -> CrisisFlag | None:
    """The flag of an encounter already loaded through its access check (None if never
    flagged)."""
    return (
        crisis_flags_visible_to(member)
        .select_related("acknowledged_by", "resolved_by")
        .filter(encounter_id=encounter.pk)
        .first()
    )


def crisis_actions(*, flag: CrisisFlag) -> list[CrisisAction]:
    return list(flag.actions.select_related("recorded_by"))


def crisis_flag_list(*, member: Membership, unresolved_only: bool = True) -> QuerySet[CrisisFlag]:
    """The flags the member may see, those still open first, then the oldest first (the one
    waiting longest is the most urgent)."""
    qs = crisis_flags_visible_to(member).select_related("participant", "raised_by")
    if unresolved_only:
        qs = qs.exclude(status=CrisisStatus.RESOLVED)
    waiting = Case(
        When(status=CrisisStatus.OPEN, then=Value(0)),
        When(status=CrisisStatus.ACKNOWLEDGED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.order_by(waiting, "created_at", "id")


def minutes_since(moment: datetime.datetime, now: datetime.datetime | None = None) -> int:
    return max(0, int(((now or timezone.now()) - moment).total_seconds() // 60))
