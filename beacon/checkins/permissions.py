"""Who may see a participant's check-ins and requests to reach out (docs/portal.md).

The participant: their own, through their own record (beacon.participants.selectors.own_record);
they write them while `can_act_as_self` holds. Staff: exactly those of the participants they may
see (participants_visible_to): supervisors and organization admins the organization's, peers
their caseload's (or everyone's where the organization opened participants to the team).
Everyone else: 404. Marking a request answered: staff who see the participant (the peer who
reached out, or whoever on the team did).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from beacon.checkins.models import CheckIn, OutreachRequest
from beacon.organizations.models import Membership
from beacon.participants.permissions import STAFF, participants_visible_to


def _active_staff(member: Membership | None) -> bool:
    return member is not None and member.is_active and member.role in STAFF


def check_ins_visible_to(member: Membership | None) -> QuerySet[CheckIn]:
    """Check-ins of the participants the member may see (staff only)."""
    if not _active_staff(member):
        return CheckIn.objects.none()
    visible = participants_visible_to(member).filter(pk=OuterRef("participant_id"))
    return CheckIn.objects.filter(organization_id=member.organization_id).filter(Exists(visible))


def outreach_visible_to(member: Membership | None) -> QuerySet[OutreachRequest]:
    """Requests to reach out from the participants the member may see (staff only)."""
    if not _active_staff(member):
        return OutreachRequest.objects.none()
    visible = participants_visible_to(member).filter(pk=OuterRef("participant_id"))
    return OutreachRequest.objects.filter(organization_id=member.organization_id).filter(
        Exists(visible)
    )


def can_answer_outreach(member: Membership | None, request: OutreachRequest) -> bool:
    """Staff who see the participant."""
    return (
        _active_staff(member)
        and request.organization_id == member.organization_id
        and participants_visible_to(member).filter(pk=request.participant_id).exists()
    )
