"""Who may see which report (docs/reports.md, docs/permissions.md).

* The organization's outcomes (aggregates of its own records): its supervisors and admins.
* Community work: every staff member logs their own; a peer sees their own entries, supervisors
  and admins the organization's; an entry is removed by its peer or a supervisor or admin.
* A network's figures: its viewers (NetworkViewer) and platform admins, and nobody else. A
  network viewer holds no membership through it, so no organization page or participant's
  record is ever in their reach (every such page is gated on `request.member`).
"""

from __future__ import annotations

from django.db.models import QuerySet

from beacon.organizations.models import Membership, Role
from beacon.reports.models import CommunityActivity, Network

OUTCOME_ROLES = (Role.SUPERVISOR, Role.ORG_ADMIN)


def can_view_outcomes(member: Membership | None) -> bool:
    return member is not None and member.is_active and member.role in OUTCOME_ROLES


def can_log_community_work(member: Membership | None) -> bool:
    return member is not None and member.is_active and member.is_staff_role


def community_activities_visible_to(member: Membership | None) -> QuerySet[CommunityActivity]:
    if not can_log_community_work(member):
        return CommunityActivity.objects.none()
    rows = CommunityActivity.objects.filter(organization_id=member.organization_id)
    if member.role in OUTCOME_ROLES:
        return rows
    return rows.filter(peer_id=member.user_id)


def can_remove_community_activity(member: Membership | None, activity: CommunityActivity) -> bool:
    return can_log_community_work(member) and (
        activity.peer_id == member.user_id or member.role in OUTCOME_ROLES
    )


def networks_visible_to(user) -> QuerySet[Network]:
    """Every network for a platform admin; a network viewer's own networks; none otherwise."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Network.objects.none()
    if user.is_platform_admin:
        return Network.objects.all()
    return Network.objects.filter(viewers__user_id=user.pk)


def sees_networks(user) -> bool:
    return networks_visible_to(user).exists()


def can_open_reports(request) -> bool:
    """The /reports/ pages at all: staff of an organization, platform admins, network viewers."""
    member = getattr(request, "member", None)
    if can_log_community_work(member):
        return True
    user = request.user
    return bool(user.is_authenticated and (user.is_platform_admin or sees_networks(user)))
