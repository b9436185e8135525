"""Demo referrals: a few weeks of a peer's referrals through the closed loop.

Harbor's peers refer participants to services in the demo directory (with a consent naming each
recipient, as 42 CFR Part 2 requires of Harbor), to an outside clinic by name, and to Lakeside,
which is on the same Beacon and answers from its own inbox. Outcomes cover every status; two
referrals wait past their follow-up date so My day has something to show. Everything goes
through the same services the pages use, so the disclosures and audit entries are real.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from beacon.consents.services import consent_record
from beacon.directory.models import Service
from beacon.findhelp.services import directory_entry_create
from beacon.organizations.models import Membership
from beacon.participants.models import Participant
from beacon.referrals.models import Referral, ReferralEvent, ReferralStatus
from beacon.referrals.services import SendReferral, referral_status_change

REASONS = {
    "moud": "Wants to start buprenorphine and asked for a clinic close to the bus line.",
    "housing": "Staying with a cousin until the end of the month; looking for recovery housing.",
    "food": "Asked for a food pantry open on weekends.",
    "mercy": "Needs a primary care visit; has not seen a doctor in two years.",
    "lakeside": "Moving to Lakeside's area next month and wants a peer there.",
}


def _consent_naming(
    member: Membership, participant: Participant, recipient: str, today, *, directory=None
) -> None:
    """A consent naming `recipient`: typed by hand, or chosen from the directory (`directory`,
    a directory organization), as the "record the consent now" page does."""
    consent_record(
        member=member,
        participant=participant,
        kind="specific_recipient",
        recipients=[
            {
                "name": recipient,
                "description": "Referral recipient",
                "directory_organization": directory,
            }
        ],
        purpose="Make and follow up a referral for services the participant asked for.",
        information_description="Name, contact details and the reason for the referral.",
        expiry_kind="date",
        expires_on=today + datetime.timedelta(days=180),
        signed_name=participant.legal_name,
        signed_on=today,
    )


def _send(member, participant, *, reason, today, rng, **fields) -> Referral:
    return SendReferral(
        member=member,
        participant=participant,
        reason=reason,
        shared_items=["name_contact", "reason"],
        urgency=rng.choice(["routine", "routine", "soon", "urgent"]),
        warm_handoff=rng.random() < 0.4,
        **fields,
    ).execute()


def _move(member, referral: Referral, status: str, note: str = "") -> Referral:
    return referral_status_change(
        member=member,
        referral=referral,
        status=status,
        note=note,
        expected_version=referral.version,
    )


def _backdate(referral: Referral, days_ago: int, today) -> None:
    """Demo only: place a referral `days_ago` in the past, follow-up date included."""
    sent_at = timezone.now() - datetime.timedelta(days=days_ago)
    Referral.objects.filter(pk=referral.pk).update(
        created_at=sent_at,
        status_changed_at=sent_at,
        follow_up_due_on=today - datetime.timedelta(days=max(days_ago - 7, 1)),
    )
    ReferralEvent.objects.filter(referral=referral, status=ReferralStatus.SENT).update(at=sent_at)


def demo_referrals_create(
    *, peers: list[Membership], receiving_admin: Membership, seed: int = 21
) -> int:
    """Referrals from the first organization's peers; returns how many were sent."""
    rng = random.Random(seed)  # noqa: S311 - seeded demo data, not security
    today = timezone.localdate()
    organization = peers[0].organization
    lakeside_entry = directory_entry_create(
        curator=receiving_admin.organization,
        organization_name=receiving_admin.organization.name,
        service_name="Peer recovery support",
        description="One-on-one peer support, recovery coaching and all-recovery meetings.",
        phone="508-555-0140",
        city="Worcester",
        state="MA",
        postal_code="01604",
    )
    lakeside_entry.organization.beacon_organization = receiving_admin.organization
    lakeside_entry.organization.save(update_fields=["beacon_organization"])

    def service_for(words: str) -> Service | None:
        return (
            Service.objects.filter(name__icontains=words)
            .exclude(curator=receiving_admin.organization)
            .select_related("organization")
            .order_by("name")
            .first()
        )

    targets = [
        ("moud", service_for("buprenorphine") or service_for("MOUD")),
        ("housing", service_for("housing")),
        ("food", service_for("pantry") or service_for("food")),
    ]
    sent = 0
    for index, peer in enumerate(peers):
        participants = list(
            Participant.objects.filter(
                assignments__peer=peer.user,
                assignments__ended_at__isnull=True,
                organization=organization,
                discharged_on__isnull=True,
                merged_into__isnull=True,
            ).order_by("record_number")[:5]
        )
        if len(participants) < 5:
            continue
        first, second, third, fourth, fifth = participants
        # A directory service: accepted, scheduled, then connected.
        kind, service = targets[index % len(targets)]
        if service is not None:
            _consent_naming(
                peer, first, service.organization.name, today, directory=service.organization
            )
            referral = _send(
                peer, first, reason=REASONS[kind], to_service=service, today=today, rng=rng
            )
            referral = _move(peer, referral, ReferralStatus.ACCEPTED, "Intake said yes by phone.")
            referral = _move(peer, referral, ReferralStatus.SCHEDULED, "Intake on Thursday.")
            _move(peer, referral, ReferralStatus.CONNECTED, "Went to the first appointment.")
            sent += 1
        # A second service, still waiting past its follow-up date.
        kind, service = targets[(index + 1) % len(targets)]
        if service is not None:
            _consent_naming(
                peer, second, service.organization.name, today, directory=service.organization
            )
            referral = _send(
                peer, second, reason=REASONS[kind], to_service=service, today=today, rng=rng
            )
            _backdate(referral, 12 + index, today)
            sent += 1
        # An outside clinic named by hand, under the Mercy consent many participants signed.
        _consent_naming(peer, third, "Mercy Community Health", today)
        referral = _send(
            peer,
            third,
            reason=REASONS["mercy"],
            external_name="Mercy Community Health",
            external_contact="Front desk 508-555-0199",
            today=today,
            rng=rng,
        )
        _move(
            peer,
            referral,
            ReferralStatus.NOT_CONNECTED,
            "No appointments until next quarter; looking at another clinic.",
        )
        sent += 1
        # Lakeside is on this Beacon: it sees the referral in its inbox.
        _consent_naming(
            peer,
            fourth,
            receiving_admin.organization.name,
            today,
            directory=lakeside_entry.organization,
        )
        referral = _send(
            peer,
            fourth,
            reason=REASONS["lakeside"],
            to_service=lakeside_entry,
            today=today,
            rng=rng,
        )
        if index == 0:
            _move(receiving_admin, referral, ReferralStatus.ACCEPTED, "We will call this week.")
        sent += 1
        # A referral the recipient declined.
        kind, service = targets[(index + 2) % len(targets)]
        if service is not None:
            _consent_naming(
                peer, fifth, service.organization.name, today, directory=service.organization
            )
            referral = _send(
                peer, fifth, reason=REASONS[kind], to_service=service, today=today, rng=rng
            )
            _move(peer, referral, ReferralStatus.DECLINED, "Waitlist is closed this month.")
            sent += 1
    return sent
