"""Who sees a crisis flag and who follows it through (docs/crisis.md, docs/permissions.md).

A flag is visible exactly when its encounter is: to whoever may see the participant (the
caseload's peers, the organization's supervisors and admins, every peer where participants are
open to the team). Following it through (acknowledging, recording what was done, resolving) is
for the organization's supervisors and admins; the peer who raised it reads what they did.
"""

from __future__ import annotations

from django.db.models import QuerySet

from beacon.crisis.models import CrisisFlag
from beacon.organizations.models import Membership, Role
from beacon.participants.permissions import visible_participant_q

FOLLOWS_THROUGH = frozenset({Role.SUPERVISOR, Role.ORG_ADMIN})


def crisis_flags_visible_to(member: Membership | None) -> QuerySet[CrisisFlag]:
    if member is None or not member.is_active:
        return CrisisFlag.objects.none()
    return CrisisFlag.objects.filter(organization_id=member.organization_id).filter(
        visible_participant_q(member)
    )


def can_follow_up_crisis_flag(member: Membership | None, flag: CrisisFlag) -> bool:
    """Supervisors and organization admins of the flag's organization."""
    return (
        member is not None
        and member.is_active
        and member.role in FOLLOWS_THROUGH
        and flag.organization_id == member.organization_id
    )
