"""Who may see, log and correct encounters (docs/permissions.md).

An encounter is visible exactly when its participant is: the participant's rules (caseload,
organization, the organization's "open to the team" setting) decide.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from beacon.encounters.models import Encounter
from beacon.organizations.models import Membership, Role
from beacon.participants.permissions import is_assigned, participants_visible_to

SEES_WHOLE_ORGANIZATION = frozenset({Role.ORG_ADMIN, Role.SUPERVISOR})


def _active(member: Membership | None) -> bool:
    return member is not None and member.is_active


def encounters_visible_to(member: Membership | None) -> QuerySet[Encounter]:
    """Encounters whose participant the member may see.

    A correlated EXISTS rather than a join, so an encounter never appears twice (a participant
    with several peers) and the caseload rule stays written in one place.
    """
    if not _active(member):
        return Encounter.objects.none()
    visible_participants = participants_visible_to(member).filter(pk=OuterRef("participant_id"))
    return Encounter.objects.filter(organization_id=member.organization_id).filter(
        Exists(visible_participants)
    )


def can_log_encounter(member: Membership | None, participant) -> bool:
    """Supervisors and organization admins; the peers on the participant's caseload; every peer
    where the organization opened participants to the whole team."""
    if not _active(member) or participant.organization_id != member.organization_id:
        return False
    if member.role in SEES_WHOLE_ORGANIZATION:
        return True
    if member.role != Role.PEER:
        return False
    return member.organization.participants_open_to_team or is_assigned(member, participant)


def can_correct_encounter(member: Membership | None, encounter: Encounter) -> bool:
    """Its author (whoever logged it or held the encounter), or a supervisor or organization
    admin of the organization. Other peers may read it but not change it."""
    if not _active(member) or encounter.organization_id != member.organization_id:
        return False
    if member.role in SEES_WHOLE_ORGANIZATION:
        return True
    return member.role == Role.PEER and member.user_id in (
        encounter.created_by_id,
        encounter.peer_id,
    )
