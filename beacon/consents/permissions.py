"""Who may see, record and revoke consents (docs/permissions.md).

A consent is visible exactly when its participant is (participants_visible_to): supervisors and
organization admins see the whole organization's, peers their caseload's (or everyone's where
the organization opened participants to the team). Everyone else: 404.
"""

from __future__ import annotations

from django.db.models import QuerySet

from beacon.consents.models import Consent
from beacon.organizations.models import Membership
from beacon.participants.models import Participant
from beacon.participants.permissions import (
    STAFF,
    can_act_as_self,
    own_record_q,
    participants_visible_to,
    visible_participant_q,
)


def _active_staff(member: Membership | None) -> bool:
    return member is not None and member.is_active and member.role in STAFF


def consents_visible_to(member: Membership | None) -> QuerySet[Consent]:
    if not _active_staff(member):
        return Consent.objects.none()
    return Consent.objects.filter(
        visible_participant_q(member), organization_id=member.organization_id
    )


def can_record_consent(member: Membership | None, participant: Participant) -> bool:
    """Staff who can see the participant: organization admins, supervisors, the peers on the
    participant's caseload, and any peer where the organization opened participants to the team.
    Recording a consent is the participant's decision written down, not a change to their
    record, so it needs no more than seeing them."""
    if not _active_staff(member) or participant.organization_id != member.organization_id:
        return False
    return participants_visible_to(member).filter(pk=participant.pk).exists()


def can_revoke_consent(member: Membership | None, consent: Consent) -> bool:
    """Anyone who may record a consent for the participant may write down its revocation: a
    participant must be able to take consent back with whichever staff member they reach."""
    return can_record_consent(member, consent.participant)


# The participant's own Beacon (/my/consents/, /api/v1/me/consents): their own consents only.


def own_consents(member: Membership | None) -> QuerySet[Consent]:
    if member is None:
        return Consent.objects.none()
    return Consent.objects.filter(own_record_q(member), organization_id=member.organization_id)


def can_revoke_own_consent(member: Membership | None, consent: Consent) -> bool:
    """The participant takes their own consent back, whole or for one recipient, from their
    phone: while enrolled (after discharge their Beacon is read-only; staff record it then)."""
    return can_act_as_self(member, consent.participant)
