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
from beacon.participants.permissions import (
    can_act_as_self,
    can_edit_participant,
    own_record_q,
    participants_visible_to,
)
from beacon.plans.models import ActionStep, Goal, PlanUpdate, RecoveryPlan, WellnessPlan


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


def plan_updates_visible_to(member: Membership | None) -> QuerySet[PlanUpdate]:
    """What participants did to their own plans, seen by whoever sees their plans."""
    if not _active(member):
        return PlanUpdate.objects.none()
    return _of_visible_participants(member, PlanUpdate.objects.all())


def can_handle_plan_update(member: Membership | None, update: PlanUpdate) -> bool:
    """Mark a participant's update seen or answered: whoever may change their plans."""
    return can_write_plans_for(member, update.participant)


# The participant's own Beacon (/my/plan/, /api/v1/me/plan): their own plans, nobody else's.


def own_plans(member: Membership | None) -> QuerySet[RecoveryPlan]:
    return RecoveryPlan.objects.filter(own_record_q(member))


def own_wellness_plans(member: Membership | None) -> QuerySet[WellnessPlan]:
    return WellnessPlan.objects.filter(own_record_q(member))


def own_goals(member: Membership | None) -> QuerySet[Goal]:
    return Goal.objects.filter(own_record_q(member, "plan__participant"))


def own_steps(member: Membership | None) -> QuerySet[ActionStep]:
    return ActionStep.objects.filter(own_record_q(member, "goal__plan__participant"))


def can_change_own_plan(member: Membership | None, plan: RecoveryPlan) -> bool:
    """Tick a step, note progress, suggest a change: the participant themselves, while
    enrolled (read-only after discharge)."""
    return can_act_as_self(member, plan.participant)


def can_change_own_goal(member: Membership | None, goal: Goal) -> bool:
    return can_change_own_plan(member, goal.plan)


def can_change_own_step(member: Membership | None, step: ActionStep) -> bool:
    return can_change_own_plan(member, step.goal.plan)
