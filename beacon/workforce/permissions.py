"""Who may see and change workforce records (docs/permissions.md, docs/workforce.md).

Hours, trainings and credentials belong to the person they describe. They see their own; the
supervisors and organization admins of the organization that records them see them too (they
sign off hours for boards). Other peers never do. Wellbeing check-ins are stricter: only their
author, and the organization's supervisors for the check-ins the author chose to share.
Participants see none of it. Everything outside the member's organization is 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from beacon.organizations.models import STAFF_ROLES, Membership, Role
from beacon.workforce.models import (
    CredentialDefinition,
    PeerCredential,
    Training,
    WellbeingCheckIn,
)

SEES_TEAM = frozenset({Role.ORG_ADMIN, Role.SUPERVISOR})


def is_staff_member(member: Membership | None) -> bool:
    return member is not None and member.is_active and member.role in STAFF_ROLES


def sees_team(member: Membership | None) -> bool:
    """Supervisors and organization admins read their organization's staff hours."""
    return is_staff_member(member) and member.role in SEES_TEAM


def people_visible_to(member: Membership | None) -> QuerySet[Membership]:
    """The staff memberships whose hours, credentials and trainings the member may read: their
    own; every active staff member of the organization for supervisors and admins."""
    if not is_staff_member(member):
        return Membership.objects.none()
    qs = Membership.objects.filter(
        organization_id=member.organization_id, role__in=STAFF_ROLES, is_active=True
    )
    if not sees_team(member):
        qs = qs.filter(user_id=member.user_id)
    return qs


def _own_or_team(member: Membership | None, qs: QuerySet) -> QuerySet:
    if not is_staff_member(member):
        return qs.none()
    qs = qs.filter(organization_id=member.organization_id)
    if not sees_team(member):
        qs = qs.filter(user_id=member.user_id)
    return qs


def trainings_visible_to(member: Membership | None) -> QuerySet[Training]:
    return _own_or_team(member, Training.objects.all())


def can_edit_training(member: Membership | None, training: Training) -> bool:
    """Each peer keeps their own training record; supervisors and admins read it."""
    return (
        is_staff_member(member)
        and training.organization_id == member.organization_id
        and training.user_id == member.user_id
    )


def credentials_visible_to(member: Membership | None) -> QuerySet[PeerCredential]:
    return _own_or_team(member, PeerCredential.objects.all())


def can_edit_credential(member: Membership | None, credential: PeerCredential) -> bool:
    """The person themselves, or a supervisor or admin of the organization (who may record a
    certification for them)."""
    if not is_staff_member(member) or credential.organization_id != member.organization_id:
        return False
    return credential.user_id == member.user_id or sees_team(member)


def can_add_credential_for(member: Membership | None, person: Membership) -> bool:
    if not is_staff_member(member) or person.organization_id != member.organization_id:
        return False
    return person.user_id == member.user_id or sees_team(member)


def definitions_visible_to(member: Membership | None) -> QuerySet[CredentialDefinition]:
    """The standard definitions and the organization's own, for its staff."""
    if not is_staff_member(member):
        return CredentialDefinition.objects.none()
    return CredentialDefinition.objects.filter(
        Q(organization__isnull=True) | Q(organization_id=member.organization_id)
    )


def can_manage_definitions(member: Membership | None) -> bool:
    return is_staff_member(member) and member.role == Role.ORG_ADMIN


def can_edit_definition(member: Membership | None, definition: CredentialDefinition) -> bool:
    """Organization admins, for their organization's own definitions. The standard ones are
    read-only for everyone: copy one to change it."""
    return can_manage_definitions(member) and definition.organization_id == member.organization_id


def checkins_visible_to(member: Membership | None) -> QuerySet[WellbeingCheckIn]:
    """A person's own check-ins; a supervisor also sees the ones shared in the organization.
    Organization admins see only their own (sharing is with supervisors)."""
    if not is_staff_member(member):
        return WellbeingCheckIn.objects.none()
    condition = Q(user_id=member.user_id)
    if member.role == Role.SUPERVISOR:
        condition |= Q(shared=True)
    return WellbeingCheckIn.objects.filter(organization_id=member.organization_id).filter(condition)


def can_edit_checkin(member: Membership | None, checkin: WellbeingCheckIn) -> bool:
    return (
        is_staff_member(member)
        and checkin.organization_id == member.organization_id
        and checkin.user_id == member.user_id
    )
