"""Who may see and change participants and caseloads (docs/permissions.md).

Everything else about a participant (consents, encounters, plans...) is visible exactly when
the participant is: other apps build their `*_visible_to` on `participants_visible_to`.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, Q, QuerySet
from django.utils import timezone

from beacon.organizations.models import Membership, Role
from beacon.participants.models import CaseloadAssignment, Participant

SEES_WHOLE_ORGANIZATION = frozenset({Role.ORG_ADMIN, Role.SUPERVISOR})
STAFF = frozenset({Role.ORG_ADMIN, Role.SUPERVISOR, Role.PEER})
# After discharge a participant keeps reading their own Beacon (their plan, their consents) for
# this long; then their account is turned off (docs/portal.md).
READ_ONLY_DAYS_AFTER_DISCHARGE = 90


def _active(member: Membership | None) -> bool:
    return member is not None and member.is_active


def on_caseload(member: Membership, participant_ref) -> Exists:
    """A subquery: is this member currently assigned (primary or secondary) to the participant?"""
    return Exists(
        CaseloadAssignment.objects.filter(
            participant=participant_ref, peer_id=member.user_id, ended_at__isnull=True
        )
    )


def caseload_participant_ids(member: Membership) -> QuerySet:
    """A subquery of the ids of the current (not merged) participants of the member's
    organization this member is currently assigned to.

    Filters use it as `pk__in=...` rather than a correlated EXISTS per participant: the
    database then starts from the peer's few current assignments (index assignment_peer_current)
    instead of probing every participant the organization ever had (bench/RESULTS.md). The
    organization is checked here, on each assigned participant, for the same reason: beside
    `organization_id = ...` on the outer query, SQLite lists the whole organization's
    participants through its index before it looks at the caseload.
    """
    return CaseloadAssignment.objects.filter(
        peer_id=member.user_id,
        ended_at__isnull=True,
        participant__organization_id=member.organization_id,
        participant__merged_into__isnull=True,
    ).values("participant_id")


def participants_visible_to(member: Membership | None) -> QuerySet[Participant]:
    """Supervisors and organization admins: the whole organization. Peers: their own caseload,
    or the whole organization where it opened participants to the team. Anyone else: nobody."""
    if not _active(member) or member.role not in STAFF:
        return Participant.objects.none()
    if member.role in SEES_WHOLE_ORGANIZATION or member.organization.participants_open_to_team:
        return Participant.objects.current().filter(organization_id=member.organization_id)
    return Participant.objects.filter(pk__in=caseload_participant_ids(member))


def visible_participant_q(member: Membership | None, field: str = "participant") -> Q:
    """A filter for records whose participant (through `field`) the member may see: exactly
    participants_visible_to(member), written so the database checks each record's participant
    instead of first listing the participants. Other apps' `*_visible_to` use it.

    `field__in=participants_visible_to(member)` listed every participant of the organization
    for supervisors and admins before one consent of one participant was found (3.1 ms of CPU
    per query on SQLite at 2,500 participants, against 0.7 ms); here it is a join on the
    record's participant, and for a peer the list of their few current assignments."""
    if not _active(member) or member.role not in STAFF:
        return Q(pk__in=[])
    if member.role in SEES_WHOLE_ORGANIZATION or member.organization.participants_open_to_team:
        return Q(
            **{
                f"{field}__organization_id": member.organization_id,
                f"{field}__merged_into__isnull": True,
            }
        )
    return Q(**{f"{field}__in": caseload_participant_ids(member)})


def is_assigned(member: Membership | None, participant: Participant) -> bool:
    if not _active(member):
        return False
    current = getattr(participant, "current_assignments", None)
    if current is not None:  # loaded with the participant (selectors.current_assignments)
        return any(a.peer_id == member.user_id for a in current)
    return CaseloadAssignment.objects.filter(
        participant=participant, peer_id=member.user_id, ended_at__isnull=True
    ).exists()


def can_edit_participant(member: Membership | None, participant: Participant) -> bool:
    """Change the record itself (contact details, discharge): supervisors and admins, and the
    peers on the participant's caseload."""
    if not _active(member) or participant.organization_id != member.organization_id:
        return False
    if member.role in SEES_WHOLE_ORGANIZATION:
        return True
    return member.role == Role.PEER and is_assigned(member, participant)


def can_enroll_participants(member: Membership | None) -> bool:
    return _active(member) and member.role in STAFF


def can_manage_caseloads(member: Membership | None) -> bool:
    """Assign and transfer peers."""
    return _active(member) and member.role in SEES_WHOLE_ORGANIZATION


def can_merge_participants(member: Membership | None) -> bool:
    return _active(member) and member.role in SEES_WHOLE_ORGANIZATION


def can_see_access_log(member: Membership | None) -> bool:
    return _active(member) and member.role == Role.ORG_ADMIN


def caseload_peers(member: Membership | None) -> QuerySet[Membership]:
    """The people a participant can be assigned to: the organization's active peers and
    supervisors."""
    if not _active(member):
        return Membership.objects.none()
    return (
        Membership.objects.filter(
            organization_id=member.organization_id,
            is_active=True,
            role__in=[Role.PEER, Role.SUPERVISOR],
        )
        .select_related("user")
        .order_by("user__name")
    )


# The participant's own Beacon (/my/, /api/v1/me/): a participant-role member sees their own
# record and nothing else. A person who is a participant in two organizations has two records,
# one per organization, each linked to the same account: the membership they act in picks one,
# and the other is never mixed in.


def own_records(member: Membership | None) -> QuerySet[Participant]:
    """The participant record that is this member themselves: a participant-role membership,
    the record of its organization linked to their account, not merged into another. After
    discharge it stays theirs to read for READ_ONLY_DAYS_AFTER_DISCHARGE days. Anyone else:
    nothing (staff see participants through participants_visible_to, never as themselves)."""
    if not _active(member) or member.role != Role.PARTICIPANT:
        return Participant.objects.none()
    return Participant.objects.filter(
        organization_id=member.organization_id,
        account_id=member.user_id,
        merged_into__isnull=True,
    ).filter(Q(discharged_on__isnull=True) | Q(discharged_on__gt=read_only_cutoff()))


def read_only_cutoff(today: datetime.date | None = None) -> datetime.date:
    """Discharged on or before this date: their Beacon is off."""
    return (today or timezone.localdate()) - datetime.timedelta(days=READ_ONLY_DAYS_AFTER_DISCHARGE)


def own_record_q(member: Membership | None, field: str = "participant") -> Q:
    """A filter for records whose participant (through `field`) is this member themselves:
    own_records(member), for other apps' `*_of_own` querysets."""
    return Q(**{f"{field}__in": own_records(member).values("pk")})


def can_act_as_self(member: Membership | None, participant: Participant) -> bool:
    """May the participant change what is theirs (tick a step, check in, write to their peer,
    revoke a consent)? While enrolled; after discharge their Beacon is read-only."""
    return (
        _active(member)
        and member.role == Role.PARTICIPANT
        and participant.account_id == member.user_id
        and participant.organization_id == member.organization_id
        and participant.merged_into_id is None
        and participant.discharged_on is None
    )
