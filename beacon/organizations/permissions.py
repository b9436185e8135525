"""Who may see and change organizations, memberships and invitations (docs/permissions.md)."""

from __future__ import annotations

from django.db.models import QuerySet

from beacon.organizations.models import Invitation, Membership, Organization, Role


def is_org_admin(member: Membership | None) -> bool:
    return member is not None and member.is_active and member.role == Role.ORG_ADMIN


def memberships_visible_to(member: Membership | None) -> QuerySet[Membership]:
    """Organization admins see their organization's members; everyone else only themselves."""
    if member is None:
        return Membership.objects.none()
    qs = Membership.objects.filter(organization_id=member.organization_id)
    if is_org_admin(member):
        return qs
    return qs.filter(pk=member.pk)


def can_manage_membership(member: Membership | None, target: Membership) -> bool:
    """Admins manage other people's memberships in their organization, never their own (so an
    organization cannot lose its last admin by accident)."""
    return (
        is_org_admin(member)
        and target.organization_id == member.organization_id
        and target.pk != member.pk
    )


def invitations_visible_to(member: Membership | None) -> QuerySet[Invitation]:
    if not is_org_admin(member):
        return Invitation.objects.none()
    return Invitation.objects.filter(organization_id=member.organization_id)


def can_revoke_invitation(member: Membership | None, invitation: Invitation) -> bool:
    return is_org_admin(member) and invitation.is_open


def can_edit_organization(member: Membership | None, organization: Organization) -> bool:
    return is_org_admin(member) and member.organization_id == organization.pk
