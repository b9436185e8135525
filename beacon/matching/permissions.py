"""Who may do what with matching (docs/matching.md, docs/permissions.md).

* A peer's profile: the peer, always (all of it, shared or not); the organization's
  supervisors and admins, the parts the peer shared for matching. Anyone else: 404.
* The queue, suggestions, proposals and matching itself: the organization's supervisors and
  organization admins (they manage caseloads). Peers and participants: 403.
* The organization's weights: its admins change them; supervisors read them.
* A participant's preferences: with the participant's record (participants_visible_to),
  changed by those who may change the record, and by the participant in their own Beacon.
"""

from __future__ import annotations

from django.db.models import QuerySet

from beacon.accounts.models import User
from beacon.matching.models import Proposal
from beacon.organizations.models import Membership, Role
from beacon.participants.permissions import can_manage_caseloads

MATCHERS = (Role.SUPERVISOR, Role.ORG_ADMIN)
PROFILE_ROLES = (Role.PEER, Role.SUPERVISOR)  # the people a participant can be matched with


def _active(member: Membership | None) -> bool:
    return member is not None and member.is_active


def can_match(member: Membership | None) -> bool:
    """See the queue and suggestions, propose and make matches."""
    return can_manage_caseloads(member)


def can_change_weights(member: Membership | None) -> bool:
    return _active(member) and member.role == Role.ORG_ADMIN


def sees_whole_profiles(member: Membership | None, user: User) -> bool:
    """The whole profile, private parts included: only the peer themselves."""
    return _active(member) and member.user_id == user.pk


def profile_owners_visible_to(member: Membership | None) -> QuerySet[User]:
    """The people whose matching profile this member may open: themselves (staff), and for
    supervisors and admins every peer and supervisor of their organization."""
    if not _active(member) or not member.is_staff_role:
        return User.objects.none()
    if member.role in MATCHERS:
        return User.objects.filter(
            memberships__organization_id=member.organization_id,
            memberships__role__in=[*PROFILE_ROLES, Role.ORG_ADMIN],
        ).distinct()
    return User.objects.filter(pk=member.user_id)


def can_edit_profile(member: Membership | None, user: User) -> bool:
    return sees_whole_profiles(member, user) and member.is_staff_role


def proposals_visible_to(member: Membership | None) -> QuerySet[Proposal]:
    if not can_match(member):
        return Proposal.objects.none()
    return Proposal.objects.filter(organization_id=member.organization_id)


def can_decide_proposal(member: Membership | None, proposal: Proposal) -> bool:
    return can_match(member) and proposal.organization_id == member.organization_id
