"""Who may do what with meetings (docs/public-site.md, "Meetings").

* Everyone, signed in or not, finds listed meetings (not those removed from their feed).
* An organization's admins manage its meetings: feeds, imports, meetings entered by hand.
  Another organization's meeting answers 404 on those pages, like a missing one.
* Staff who can see a participant may share a meeting with them (like sharing a directory
  service: beacon/referrals resource_share).
"""

from __future__ import annotations

from django.db.models import QuerySet

from beacon.meetings.models import Meeting, MeetingFeed
from beacon.organizations.models import Membership, Role
from beacon.participants.models import Participant
from beacon.participants.permissions import STAFF, participants_visible_to


def _staff(member: Membership | None) -> bool:
    return member is not None and member.is_active and member.role in STAFF


def can_manage_meetings(member: Membership | None) -> bool:
    return member is not None and member.is_active and member.role == Role.ORG_ADMIN


def listed_meetings() -> QuerySet[Meeting]:
    """Every meeting the public may find."""
    return Meeting.objects.filter(removed_at__isnull=True)


def meetings_managed_by(member: Membership | None) -> QuerySet[Meeting]:
    if not can_manage_meetings(member):
        return Meeting.objects.none()
    return Meeting.objects.filter(organization_id=member.organization_id)


def feeds_managed_by(member: Membership | None) -> QuerySet[MeetingFeed]:
    if not can_manage_meetings(member):
        return MeetingFeed.objects.none()
    return MeetingFeed.objects.filter(organization_id=member.organization_id)


def can_share_with(member: Membership | None, participant: Participant) -> bool:
    """Staff who can see the participant may share a meeting with them."""
    if not _staff(member) or participant.organization_id != member.organization_id:
        return False
    return participants_visible_to(member).filter(pk=participant.pk).exists()


def share_candidates(member: Membership | None) -> QuerySet[Participant]:
    """The participants a staff member may pick to share a meeting with (enrolled, visible)."""
    if not _staff(member):
        return Participant.objects.none()
    return participants_visible_to(member).filter(organization_id=member.organization_id)
