from __future__ import annotations

from django.db.models import QuerySet

from beacon.core.access import load_visible
from beacon.organizations.models import Invitation, Membership, Organization
from beacon.organizations.permissions import (
    can_manage_membership,
    can_revoke_invitation,
    invitations_visible_to,
    memberships_visible_to,
)
from beacon.organizations.slugs import slug_from_name


class _SlugsInUse:
    """The slugs organizations have, asked one at a time (`"harbor" in _SlugsInUse()`)."""

    def __contains__(self, slug: object) -> bool:
        return Organization.objects.filter(slug=slug).exists()


def organization_slug_for(name: str) -> str:
    """A public address for a new organization called `name` that no organization has yet."""
    return slug_from_name(name, _SlugsInUse())


def memberships_of_user(user) -> QuerySet[Membership]:
    """A person's active memberships, for switching between organizations."""
    return (
        Membership.objects.filter(user=user, is_active=True, organization__is_active=True)
        .select_related("organization")
        .order_by("organization__name")
    )


def membership_active(*, user, organization_id) -> Membership | None:
    return memberships_of_user(user).filter(organization_id=organization_id).first()


def current_membership(user, memberships: list[Membership] | None = None) -> Membership | None:
    """The membership a person works in: the organization they last chose, else their first."""
    if memberships is None:
        memberships = list(memberships_of_user(user))
    for membership in memberships:
        if membership.organization_id == user.last_organization_id:
            return membership
    return memberships[0] if memberships else None


def membership_list(*, member: Membership, role: str = "", active: bool | None = None):
    qs = memberships_visible_to(member).select_related("user").order_by("user__name", "user__email")
    if role:
        qs = qs.filter(role=role)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs


def membership_get_for_member(*, member: Membership, pk, for_write: bool = False) -> Membership:
    return load_visible(
        member=member,
        visible=memberships_visible_to(member).select_related("user", "organization"),
        pk=pk,
        for_write=for_write,
        can_write=can_manage_membership,
    )


def invitation_list_open(*, member: Membership) -> QuerySet[Invitation]:
    from django.utils import timezone

    return (
        invitations_visible_to(member)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("invited_by")
    )


def invitation_get_for_member(*, member: Membership, pk, for_write: bool = False) -> Invitation:
    return load_visible(
        member=member,
        visible=invitations_visible_to(member),
        pk=pk,
        for_write=for_write,
        can_write=can_revoke_invitation,
    )


def organization_list_for_platform():
    from django.db.models import Count, Q

    from beacon.organizations.models import Organization

    return Organization.objects.annotate(
        member_count=Count("memberships", filter=Q(memberships__is_active=True))
    ).order_by("name")
