"""Who may see and act on referrals and disclosures (docs/permissions.md).

Two sides see a referral:
  * the sending organization's staff, exactly when they can see its participant
    (participants_visible_to);
  * the receiving organization's staff (another organization on this Beacon that runs the
    service), who see only what was shared with them (the referral's snapshot), never the
    record. A referral to a service the sending organization runs itself has no receiving
    side: it is seen exactly like the rest of the participant's record.
Everyone else: 404, the same as for a referral that does not exist. A disclosure is part of
the participant's record: visible exactly when the participant is, on the sending side.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from beacon.organizations.models import Membership
from beacon.participants.models import Participant
from beacon.participants.permissions import (
    STAFF,
    participants_visible_to,
    visible_participant_q,
)
from beacon.referrals.models import (
    OUTCOME_STATUSES,
    Disclosure,
    Referral,
    ReferralStatus,
)


def _staff(member: Membership | None) -> bool:
    return member is not None and member.is_active and member.role in STAFF


def _received(member: Membership) -> Q:
    return Q(receiving_organization_id=member.organization_id) & ~Q(
        organization_id=member.organization_id
    )


def referrals_visible_to(member: Membership | None) -> QuerySet[Referral]:
    if not _staff(member):
        return Referral.objects.none()
    return Referral.objects.filter(
        Q(visible_participant_q(member), organization_id=member.organization_id) | _received(member)
    )


def referrals_sent_visible_to(member: Membership | None) -> QuerySet[Referral]:
    if not _staff(member):
        return Referral.objects.none()
    return Referral.objects.filter(
        visible_participant_q(member), organization_id=member.organization_id
    )


def referrals_received_by(member: Membership | None) -> QuerySet[Referral]:
    """Referrals other organizations on this Beacon sent to the member's (the inbox)."""
    if not _staff(member):
        return Referral.objects.none()
    return Referral.objects.filter(_received(member))


def disclosures_visible_to(member: Membership | None) -> QuerySet[Disclosure]:
    if not _staff(member):
        return Disclosure.objects.none()
    return Disclosure.objects.filter(
        visible_participant_q(member), organization_id=member.organization_id
    )


def is_sender(member: Membership | None, referral: Referral) -> bool:
    return member is not None and referral.organization_id == member.organization_id


def is_receiver(member: Membership | None, referral: Referral) -> bool:
    return (
        member is not None
        and receiver_on_beacon(referral)
        and referral.receiving_organization_id == member.organization_id
    )


def receiver_on_beacon(referral: Referral) -> bool:
    """The recipient is another organization on this Beacon: it answers for itself."""
    return (
        referral.receiving_organization_id is not None
        and referral.receiving_organization_id != referral.organization_id
    )


def can_refer(member: Membership | None, participant: Participant) -> bool:
    """Staff who can see the participant may refer them (like logging an encounter)."""
    if not _staff(member) or participant.organization_id != member.organization_id:
        return False
    return participants_visible_to(member).filter(pk=participant.pk).exists()


def statuses_allowed(member: Membership | None, referral: Referral) -> list[str]:
    """The statuses this member may move the referral to now.

    Accepting and declining belong to the receiving organization when it is on this Beacon;
    otherwise the sending peer writes down what the recipient said. Either side may record
    scheduled, connected or not connected (the peer often hears it from the participant first).
    Once there is an outcome (connected, not connected, declined) the loop is closed.
    """
    if not _staff(member) or referral.status in OUTCOME_STATUSES:
        return []
    sender = is_sender(member, referral)
    receiver = is_receiver(member, referral)
    if not (sender or receiver):
        return []
    on_beacon = receiver_on_beacon(referral)
    allowed: list[str] = []
    if referral.status == ReferralStatus.SENT and (receiver or not on_beacon):
        allowed += [ReferralStatus.ACCEPTED, ReferralStatus.DECLINED]
    if referral.status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED):
        allowed.append(ReferralStatus.SCHEDULED)
    allowed += [ReferralStatus.CONNECTED, ReferralStatus.NOT_CONNECTED]
    return allowed


def can_update_referral(member: Membership | None, referral: Referral) -> bool:
    return bool(statuses_allowed(member, referral))
