"""Who may see and change supervision records (docs/supervision.md, docs/permissions.md).

* Supervision sessions: the organization's supervisors and admins see and record them all;
  a peer sees the sessions they attended, never their private notes. Everyone else: 404.
* Note review: supervisors and admins of the organization see the queue, comment and co-sign
  (never their own notes). The encounter's peer reads the comments and may answer in the
  thread. The note itself stays governed by the encounter's own rules.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from beacon.encounters.models import Encounter
from beacon.encounters.permissions import encounters_visible_to
from beacon.organizations.models import Membership, Role
from beacon.supervision.models import SupervisionSession

SUPERVISES = frozenset({Role.SUPERVISOR, Role.ORG_ADMIN})


def _active(member: Membership | None) -> bool:
    return member is not None and member.is_active


def supervises(member: Membership | None) -> bool:
    return _active(member) and member.role in SUPERVISES


def sessions_visible_to(member: Membership | None) -> QuerySet[SupervisionSession]:
    """Supervisors and admins: every session of the organization; peers: the ones they
    attended. Removed sessions: nobody."""
    if not _active(member):
        return SupervisionSession.objects.none()
    qs = SupervisionSession.objects.filter(
        organization_id=member.organization_id, removed_at__isnull=True
    )
    if member.role in SUPERVISES:
        return qs
    if member.role == Role.PEER:
        return qs.filter(peers=member.user_id)
    return SupervisionSession.objects.none()


def can_record_session(member: Membership | None) -> bool:
    return supervises(member)


def can_change_session(member: Membership | None, session: SupervisionSession) -> bool:
    """Any supervisor or admin of the organization (supervision is often shared)."""
    return supervises(member) and session.organization_id == member.organization_id


def can_read_private_notes(member: Membership | None, session: SupervisionSession) -> bool:
    return can_change_session(member, session)


def reviewable_encounters_for(member: Membership | None) -> QuerySet[Encounter]:
    """Encounters whose review page this member may open: supervisors and admins, every
    encounter of the organization; a peer, the ones they hold or logged (to read comments)."""
    if not _active(member):
        return Encounter.objects.none()
    visible = encounters_visible_to(member)
    if member.role in SUPERVISES:
        return visible
    if member.role == Role.PEER:
        return visible.filter(Q(peer_id=member.user_id) | Q(created_by_id=member.user_id))
    return Encounter.objects.none()


def is_note_author(member: Membership | None, encounter: Encounter) -> bool:
    return member is not None and member.user_id in (encounter.peer_id, encounter.created_by_id)


def can_cosign(member: Membership | None, encounter: Encounter) -> bool:
    """Supervisors and admins of the organization, for someone else's note."""
    return (
        supervises(member)
        and encounter.organization_id == member.organization_id
        and not is_note_author(member, encounter)
    )


def can_comment(member: Membership | None, encounter: Encounter) -> bool:
    """Supervisors and admins of the organization, and the note's own peer (to answer)."""
    if not _active(member) or encounter.organization_id != member.organization_id:
        return False
    return member.role in SUPERVISES or (
        member.role == Role.PEER and is_note_author(member, encounter)
    )
