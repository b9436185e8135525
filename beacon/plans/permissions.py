"""Who may see and change recovery plans and wellness plans (docs/permissions.md).

Both are visible exactly when their participant is (participants_visible_to), and changeable by
those who may change the participant's record (can_edit_participant): the peers on the
caseload, supervisors and organization admins. A peer who sees a participant only through the
organization's "open to the team" setting reads the plans but cannot change them.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from beacon.organizations.models import Membership
from beacon.participants.models import Participant
from beacon.participants.permissions import can_edit_participant, participants_visible_to
from beacon.plans.models import RecoveryPlan, WellnessPlan


def _active(member: Membership | None) -> bool:
    return member is not None and member.is_active


def _of_visible_participants(member: Membership, qs: QuerySet) -> QuerySet:
    # A correlated EXISTS, as for encounters: the participant rule stays written in one place.
    visible = participants_visible_to(member).filter(pk=OuterRef("participant_id"))
    return qs.filter(organization_id=member.organization_id).filter(Exists(visible))


def plans_visible_to(member: Membership | None) -> QuerySet[RecoveryPlan]:
    """Recovery plans of the participants the member may see."""
    if not _active(member):
        return RecoveryPlan.objects.none()
    return _of_visible_participants(member, RecoveryPlan.objects.all())


def wellness_plans_visible_to(member: Membership | None) -> QuerySet[WellnessPlan]:
    """Wellness plans of the participants the member may see."""
    if not _active(member):
        return WellnessPlan.objects.none()
    return _of_visible_participants(member, WellnessPlan.objects.all())


def can_write_plans_for(member: Membership | None, participant: Participant) -> bool:
    """Start or change a participant's plans: whoever may edit the participant's record."""
    return can_edit_participant(member, participant)


def can_edit_plan(member: Membership | None, plan: RecoveryPlan) -> bool:
    return can_write_plans_for(member, plan.participant)


def can_edit_wellness_plan(member: Membership | None, wellness_plan: WellnessPlan) -> bool:
    return can_write_plans_for(member, wellness_plan.participant)
