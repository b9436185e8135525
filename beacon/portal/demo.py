"""The demo participant's own Beacon: participant@harbor.demo is Riley Shore's record at Harbor,
on Pat's caseload (docs/portal.md). Called by beacon/ops/demo.py after the caseloads."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from beacon.consents.demo import demo_own_consents_create
from beacon.messaging.demo import demo_messages_create
from beacon.organizations.models import Membership
from beacon.organizations.services import organization_update_settings
from beacon.participants.models import Participant
from beacon.participants.services import participant_account_link, participant_enroll
from beacon.plans.demo import demo_own_plan_create

DEMO_ORGANIZATION_PHONE = "555-0100"


def demo_portal_create(
    *, participant: Membership, peer: Membership, supervisor: Membership
) -> Participant:
    """Riley's record, enrolled three months ago on the peer's caseload and linked to the demo
    participant's sign-in; the organization's phone participants see beside 988."""
    organization = supervisor.organization
    organization_update_settings(
        organization=organization, actor=supervisor.user, phone=DEMO_ORGANIZATION_PHONE
    )
    given, _, family = participant.user.name.partition(" ")
    record = participant_enroll(
        member=supervisor,
        primary_peer=peer.user,
        given_name=given,
        family_name=family,
        preferred_name="",
        pronouns="they/them",
        phone="555-0142",
        email=participant.user.email,
        may_text=True,
        date_of_birth=date(1991, 6, 3),
        enrolled_on=timezone.localdate() - timedelta(days=90),
        pathways=["12_step", "moud"],
    )
    record = participant_account_link(participant=record, account=participant.user, actor=peer.user)
    # Eight weeks of check-ins, a recovery date and a request to reach out (beacon/checkins).
    from beacon.checkins.demo import demo_check_ins_create

    participant.refresh_from_db()
    demo_check_ins_create(member=participant, record=record)
    demo_messages_create(record=record, participant=participant, peer=peer)
    # Their plan and wellness plan (some steps done, some things they did from their phone),
    # and two consents naming recipients (docs/portal.md).
    own = Membership.objects.select_related("organization", "user").get(
        user=participant.user, organization=organization
    )
    demo_own_plan_create(peer=peer, participant=record, participant_member=own)
    demo_own_consents_create(peer=peer, participant=record)
    return record
