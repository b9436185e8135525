"""The demo participant's own consents (participant@harbor.demo, Riley Shore): two signed
consents naming recipients, to read in plain words and take back from the phone (/my/consents/).
Recorded through the service, as the peer would."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from beacon.consents.models import Consent
from beacon.consents.services import consent_record
from beacon.organizations.models import Membership
from beacon.participants.models import Participant


def demo_own_consents_create(*, peer: Membership, participant: Participant) -> list[Consent]:
    signed_on = max(participant.enrolled_on, timezone.localdate() - timedelta(days=80))
    return [
        consent_record(
            member=peer,
            participant=participant,
            kind="specific_recipient",
            recipients=[
                {"name": "Mercy Community Health", "description": "Primary care clinic"},
                {"name": "Bayside Housing Collaborative", "description": "Housing program"},
            ],
            purpose="Coordinate my medical care and my housing application.",
            information_description=(
                "My attendance in peer support, my recovery plan goals about health and home, "
                "and referrals made for me. No counseling notes."
            ),
            expiry_kind="date",
            expires_on=signed_on + timedelta(days=365),
            signed_name=participant.legal_name,
            signed_on=signed_on,
            signature_method="in_person",
        ),
        consent_record(
            member=peer,
            participant=participant,
            kind="specific_recipient",
            recipients=[
                {"name": "Dana Whitfield", "description": "Probation officer, Harbor County"},
            ],
            purpose="Show my probation officer that I take part in peer support.",
            information_description="Dates I met with my peer and went to groups.",
            expiry_kind="event",
            expiry_event="When my probation ends",
            signed_name=participant.legal_name,
            signed_on=signed_on,
            signature_method="in_person",
        ),
    ]
