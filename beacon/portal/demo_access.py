"""The demo participant's access log and resources (docs/portal.md, "In the demo"): Riley
Shore's record was opened by Pat (their peer) and Sam (the supervisor), something was
disclosed from it with their consent, Pat shared two directory services with them and wrote a
summary of their last time together, and a referral to Mercy is scheduled: their home shows the
appointment. Called by beacon/ops/demo.py after the directory."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from beacon.consents.services import consent_record
from beacon.directory.models import Service
from beacon.encounters.services import encounter_log
from beacon.organizations.models import Membership
from beacon.participants.models import Participant
from beacon.participants.services import participant_viewed
from beacon.referrals.models import ReferralStatus
from beacon.referrals.services import (
    SendReferral,
    disclosure_record,
    referral_status_change,
    resource_share,
)

MERCY = "Mercy Community Health"


def _services_with_an_address(count: int) -> list[Service]:
    return list(
        Service.objects.filter(
            merged_into__isnull=True,
            service_at_locations__location__addresses__isnull=False,
        )
        .distinct()
        .order_by("name", "pk")[:count]
    )


def demo_access_create(
    *, participant: Membership, peer: Membership, supervisor: Membership
) -> Participant:
    record = Participant.objects.get(
        account=participant.user, organization=participant.organization
    )
    today = timezone.localdate()
    consent = consent_record(
        member=peer,
        participant=record,
        kind="specific_recipient",
        recipients=[{"name": MERCY, "description": "Primary care clinic"}],
        purpose="Coordinate medical care and MOUD appointments.",
        information_description="Name, phone and the reason for a referral; no notes.",
        expiry_kind="date",
        expires_on=today + timedelta(days=365),
        signed_name=record.legal_name,
        signed_on=today - timedelta(days=30),
    )
    with transaction.atomic():
        disclosure_record(
            member=peer,
            participant=record,
            recipient_name=MERCY,
            recipient_organization=MERCY,
            items=["identity", "reason"],
            description="your name, your phone number and the reason for the referral",
            purpose="to set up a first appointment",
            consent=consent,
        )
    encounter_log(
        member=peer,
        participant=record,
        occurred_at=timezone.now() - timedelta(days=3),
        duration_minutes=45,
        modality="in_person",
        setting="community",
        kind="one_on_one",
        note="Talked through the week; housing application still pending.",
        participant_summary=(
            "Good to see you. Next step: call the housing office on Monday; I will check in "
            "with you on Wednesday."
        ),
    )
    _appointment_create(peer=peer, record=record, today=today)
    for service in _services_with_an_address(2):
        resource_share(
            member=peer,
            participant=record,
            service=service,
            note="Worth a call this week." if not record.shared_resources.exists() else "",
        )
    # Reads, as the trail writes them when a page shows the record.
    participant_viewed(member=peer, participant=record, seen="plan")
    participant_viewed(member=supervisor, participant=record, seen="record")
    participant_viewed(member=peer, participant=record, seen="timeline")
    return record


def _appointment_create(*, peer: Membership, record: Participant, today) -> None:
    """A referral to Mercy (under the consent naming it), scheduled for a morning next week."""
    referral = SendReferral(
        member=peer,
        participant=record,
        reason="Primary care check-up and a talk about MOUD.",
        external_name=MERCY,
        external_contact="(508) 555-0142",
        shared_items=["name_contact", "reason"],
    ).execute()
    for status in (ReferralStatus.ACCEPTED, ReferralStatus.SCHEDULED):
        day = today + timedelta(days=6)
        referral = referral_status_change(
            member=peer,
            referral=referral,
            status=status,
            expected_version=referral.version,
            **(
                {
                    "appointment_at": timezone.make_aware(datetime.combine(day, time(10, 0))),
                    "appointment_place": "12 Main Street, first floor",
                }
                if status == ReferralStatus.SCHEDULED
                else {}
            ),
        )
