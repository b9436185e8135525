"""The peer's view of a participant's own Beacon: invited, signed in (and when last), or off."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from beacon.organizations.models import Membership, Role
from beacon.participants.models import Participant
from beacon.participants.permissions import READ_ONLY_DAYS_AFTER_DISCHARGE, read_only_cutoff
from beacon.portal.models import InvitationKind, PortalInvitation

# States, in the words the page uses for them (templates/portal/invite/invitations.html).
NOT_INVITED = "not_invited"
INVITED = "invited"
JOINED = "joined"  # linked, on
OFF = "off"  # linked, turned off (by a peer, or closed after discharge)


@dataclass(frozen=True)
class PortalStatus:
    state: str
    open_invitation: PortalInvitation | None
    last_sign_in: datetime.datetime | None
    account_email: str
    read_only_until: datetime.date | None  # discharged, still readable until then
    closed_after_discharge: bool
    invitations: list[PortalInvitation]  # the latest few, newest first
    can_resend: bool  # there was an email invitation to send again


def portal_status(*, participant: Participant, history: int = 5) -> PortalStatus:
    """Where the participant's own Beacon stands, for the peer: the participant was loaded
    through participants' load_visible by the caller (the page's access check)."""
    invitations = list(
        PortalInvitation.objects.filter(participant=participant).order_by("-created_at")[:history]
    )
    open_invitation = next((i for i in invitations if i.is_open), None)
    membership = None
    if participant.account_id is not None:
        membership = (
            Membership.objects.select_related("user")
            .filter(
                user_id=participant.account_id,
                organization_id=participant.organization_id,
                role=Role.PARTICIPANT,
            )
            .first()
        )
    closed = participant.discharged_on is not None and participant.discharged_on <= (
        read_only_cutoff()
    )
    if membership is not None:
        state = JOINED if membership.is_active and not closed else OFF
    else:
        state = INVITED if open_invitation else NOT_INVITED
    read_only_until = None
    if participant.discharged_on is not None and not closed:
        read_only_until = participant.discharged_on + datetime.timedelta(
            days=READ_ONLY_DAYS_AFTER_DISCHARGE
        )
    return PortalStatus(
        state=state,
        open_invitation=open_invitation,
        last_sign_in=membership.user.last_login if membership else None,
        account_email=membership.user.email if membership else "",
        read_only_until=read_only_until,
        closed_after_discharge=closed,
        invitations=invitations,
        can_resend=any(i.kind == InvitationKind.EMAIL for i in invitations)
        or PortalInvitation.objects.filter(
            participant=participant, kind=InvitationKind.EMAIL
        ).exists(),
    )
