"""Who may read and answer a participant's messages (docs/portal.md, "Messages").

The conversation is private between the participant and the people who answer for their
peer. Staff reach it through the participant's record (participants_visible_to: 404 outside
the caseload or organization, like any record of the participant); among those who see the
record, answering is for:
  * the participant's peers: primary and secondary, the secondary being who answers when the
    primary is away;
  * the organization's supervisors and organization admins, when the organization's setting
    `messages_team_answers` is on (the default): the team that answers when the peer is away.
A peer who sees the participant only because the organization opened records to the whole
team does not read their messages (403), nor does anyone when the setting leaves them out.
The participant themselves reaches only their own thread, from their own Beacon
(beacon.participants.permissions.own_records, can_act_as_self).
"""

from __future__ import annotations

from django.db.models import QuerySet

from beacon.organizations.models import Membership, Role
from beacon.participants.models import Participant
from beacon.participants.permissions import (
    SEES_WHOLE_ORGANIZATION,
    is_assigned,
    participants_visible_to,
)


def message_threads_visible_to(member: Membership | None) -> QuerySet[Participant]:
    """The participants whose thread a staff member may ask for: exactly those they see."""
    return participants_visible_to(member)


def can_answer_messages(member: Membership | None, participant: Participant) -> bool:
    """May this staff member read and answer the participant's messages?"""
    if member is None or not member.is_active or not member.is_staff_role:
        return False
    if participant.organization_id != member.organization_id:
        return False
    if member.role in SEES_WHOLE_ORGANIZATION:
        return bool(member.organization.messages_team_answers)
    return member.role == Role.PEER and is_assigned(member, participant)
