"""SendReferral: consent enforcement under 42 CFR Part 2, disclosures with the 2.32 notice,
and the closed loop's statuses."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.consents import services as consent_services
from beacon.consents.models import ConsentKind, ExpiryKind
from beacon.core.concurrency import StaleVersion
from beacon.notifications.models import Notification
from beacon.referrals import services
from beacon.referrals.models import Disclosure, Referral, ReferralEvent, ReferralStatus
from beacon.referrals.notice import PART2_NOTICE
from beacon.referrals.tests.conftest import MERCY
from conftest import member_of

NOTICE_START = (
    "This record which has been disclosed to you is protected by Federal confidentiality rules "
    "(42 CFR part 2)."
)


# Consent enforcement


def test_no_consent_is_refused_naming_the_missing_consent(send, pat, jordan, mercy_service):
    with pytest.raises(services.ConsentRequired) as refused:
        send(pat, jordan, to_service=mercy_service)
    assert refused.value.message == (
        "No active consent lets Harbor Recovery Community share Jordan Rivers's information "
        "with Mercy MOUD clinic. Record a specific-recipient consent naming Mercy Community "
        "Health, chosen from the directory, first. It covers every service Mercy Community "
        "Health runs."
    )
    assert refused.value.recipient == MERCY
    assert refused.value.directory_organization == mercy_service.organization
    assert refused.value.code == "consent_required"
    assert not Referral.objects.exists() and not Disclosure.objects.exists()


def test_check_alone_refuses_without_writing(pat, jordan, mercy_service):
    action = services.SendReferral(
        member=member_of(pat),
        participant=jordan,
        to_service=mercy_service,
        reason="Housing",
        shared_items=["name_contact"],
    )
    with pytest.raises(services.ConsentRequired):
        action.check()
    assert not Referral.objects.exists()


def test_active_specific_consent_allows_it_and_records_the_disclosure(
    send, consent_for, pat, jordan, mercy_service
):
    consent = consent_for(jordan, [MERCY])
    referral = send(pat, jordan, to_service=mercy_service, warm_handoff=True)

    assert referral.consent == consent
    assert referral.status == ReferralStatus.SENT
    assert referral.receiving_organization is None
    assert referral.shared_snapshot["name"] == "Jordan Rivers"
    assert referral.shared_snapshot["phone"] == "555-0101"
    disclosure = Disclosure.objects.get()
    assert disclosure.participant == jordan
    assert disclosure.referral == referral
    assert disclosure.consent == consent
    assert disclosure.recipient_organization == MERCY
    assert disclosure.made_by == pat
    assert disclosure.under_part2
    assert disclosure.notice_text.startswith(NOTICE_START)
    assert PART2_NOTICE in disclosure.notice_text
    assert "42 CFR 2.31" in disclosure.notice_text
    # 2.32(b): the consent's scope goes with it.
    assert "purpose: To coordinate care with the clinic;" in disclosure.notice_text
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"referral.sent", "disclosure.recorded"} <= actions
    assert [e.status for e in ReferralEvent.objects.filter(referral=referral)] == ["sent"]


def test_recipient_names_match_ignoring_case_and_spacing(
    send, consent_for, pat, jordan, mercy_service
):
    consent_for(jordan, ["  mercy   COMMUNITY health "])
    assert send(pat, jordan, to_service=mercy_service).consent is not None


def test_the_service_name_itself_may_be_the_named_recipient(
    send, consent_for, pat, jordan, mercy_service
):
    consent_for(jordan, ["Mercy MOUD clinic"])
    assert send(pat, jordan, to_service=mercy_service).consent is not None


def test_a_consent_naming_someone_else_does_not_cover_it(
    send, consent_for, pat, jordan, mercy_service
):
    consent_for(jordan, ["Dr. Lee"])
    with pytest.raises(services.ConsentRequired):
        send(pat, jordan, to_service=mercy_service)


def test_revoked_recipient_is_refused(send, consent_for, pat, jordan, mercy_service):
    consent = consent_for(jordan, [MERCY, "Dr. Lee"])
    recipient = consent.recipients.get(name=MERCY)
    consent_services.consent_recipient_revoke(
        member=member_of(pat), consent=consent, recipient=recipient
    )
    with pytest.raises(services.ConsentRequired):
        send(pat, jordan, to_service=mercy_service)


def test_revoked_consent_is_refused(send, consent_for, pat, jordan, mercy_service):
    consent = consent_for(jordan, [MERCY])
    consent_services.consent_revoke(member=member_of(pat), consent=consent)
    with pytest.raises(services.ConsentRequired):
        send(pat, jordan, to_service=mercy_service)


def test_expired_consent_is_refused(send, consent_for, expired_kwargs, pat, jordan, mercy_service):
    consent_for(jordan, [MERCY], **expired_kwargs)
    with pytest.raises(services.ConsentRequired):
        send(pat, jordan, to_service=mercy_service)


def test_consent_ended_with_services_is_refused(send, consent_for, pat, jordan, mercy_service):
    consent_for(
        jordan,
        [MERCY],
        kind=ConsentKind.TPO,
        expiry_kind=ExpiryKind.END_OF_TREATMENT,
        expires_on=None,
        ended_at=timezone.now(),
    )
    with pytest.raises(services.ConsentRequired):
        send(pat, jordan, to_service=mercy_service)


def test_tpo_consent_covers_only_the_recipients_it_names(
    send, consent_for, pat, harbor, jordan, mercy_service
):
    # The default TPO consent names the organization itself: no one outside it.
    consent_for(
        jordan, [harbor.name], kind=ConsentKind.TPO, expiry_kind=ExpiryKind.NONE, expires_on=None
    )
    with pytest.raises(services.ConsentRequired):
        send(pat, jordan, to_service=mercy_service)
    tpo = consent_for(
        jordan, [MERCY], kind=ConsentKind.TPO, expiry_kind=ExpiryKind.NONE, expires_on=None
    )
    assert send(pat, jordan, to_service=mercy_service).consent == tpo


def test_the_default_tpo_consent_never_covers_a_recipient_typed_by_hand(
    send, default_tpo, consent_for, pat, harbor, jordan
):
    """Issue 14: a typed organization that reads as the sender's own name is still someone
    outside it; the consent naming the organization itself covers no one outside."""
    default_tpo(jordan)
    for typed in (harbor.name, "  harbor   RECOVERY community "):
        with pytest.raises(services.ConsentRequired) as refused:
            send(pat, jordan, external_name="Dr. Outside Person", external_organization=typed)
        # The advice names someone a consent can cover, and says why this is outside.
        assert "naming Dr. Outside Person first" in refused.value.message
        assert "counts as outside Harbor Recovery Community" in refused.value.message
    with pytest.raises(services.ConsentRequired):
        send(pat, jordan, external_organization=harbor.name)
    assert not Referral.objects.exists() and not Disclosure.objects.exists()

    # A consent naming the person does cover them, with the 2.32 notice and the accounting.
    named = consent_for(jordan, ["Dr. Outside Person"])
    referral = send(
        pat, jordan, external_name="Dr. Outside Person", external_organization=harbor.name
    )
    assert referral.consent == named and referral.receiving_organization is None
    disclosure = Disclosure.objects.get()
    assert disclosure.consent == named and disclosure.notice_text.startswith(NOTICE_START)


def test_a_directory_entry_with_the_senders_name_is_outside_unless_linked(
    send, default_tpo, pat, harbor, jordan
):
    """What the recipient is decides, not what it is called: a directory organization named
    like the sender but not linked to it on this Beacon is outside it."""
    from beacon.directory.models import DirectoryOrganization, Service

    default_tpo(jordan)
    lookalike = DirectoryOrganization.objects.create(hsds_id="org-lookalike", name=harbor.name)
    service = Service.objects.create(
        hsds_id="svc-lookalike", organization=lookalike, name=harbor.name
    )
    with pytest.raises(services.ConsentRequired):
        send(pat, jordan, to_service=service)
    assert not Referral.objects.exists() and not Disclosure.objects.exists()
    # Linked to Harbor on this Beacon, the same entry is inside: no consent, no disclosure.
    lookalike.beacon_organization = harbor
    lookalike.save(update_fields=["beacon_organization"])
    referral = send(pat, jordan, to_service=service)
    assert referral.consent is None and not Disclosure.objects.exists()


def test_a_recipient_naming_the_organization_itself_covers_no_one_outside(
    send, pat, harbor, jordan
):
    """Whatever kind of consent names the organization, and even after the organization is
    renamed, that recipient is the organization, not a name to match."""
    from beacon.consents.tests.conftest import valid_fields

    consent_services.consent_record(
        member=member_of(pat),
        participant=jordan,
        **valid_fields(recipients=[{"name": " HARBOR recovery Community", "description": ""}]),
    )
    old_name = harbor.name
    harbor.name = "Harbor Community Recovery Services"
    harbor.save(update_fields=["name"])
    jordan.organization.refresh_from_db()
    for typed in (old_name, harbor.name):
        with pytest.raises(services.ConsentRequired):
            send(pat, jordan, external_name="Dr. Outside Person", external_organization=typed)
    assert not Referral.objects.exists()


def test_specific_consent_is_preferred_to_tpo(send, consent_for, pat, jordan, mercy_service):
    consent_for(jordan, [MERCY], kind=ConsentKind.TPO, expiry_kind=ExpiryKind.NONE, expires_on=None)
    specific = consent_for(jordan, [MERCY])
    assert send(pat, jordan, to_service=mercy_service).consent == specific


def test_sud_counseling_notes_consent_does_not_cover_referrals(
    send, consent_for, pat, jordan, mercy_service
):
    consent_for(jordan, [MERCY], kind=ConsentKind.SUD_COUNSELING_NOTES)
    with pytest.raises(services.ConsentRequired):
        send(pat, jordan, to_service=mercy_service)


def test_external_recipient_matches_by_name_or_organization(send, consent_for, pat, jordan):
    with pytest.raises(services.ConsentRequired) as refused:
        send(pat, jordan, external_name="Ms. Ortiz", external_organization="County Housing")
    assert "with County Housing." in refused.value.message
    consent_for(jordan, ["county housing"])
    referral = send(
        pat,
        jordan,
        external_name="Ms. Ortiz",
        external_organization="County Housing",
        external_contact="555-0199",
    )
    assert referral.recipient_name == "Ms. Ortiz"
    assert Disclosure.objects.get().recipient_organization == "County Housing"


def test_organization_outside_part2_needs_no_consent_but_records_the_disclosure(
    send, pat, harbor, jordan, mercy_service
):
    harbor.part2_applies = False
    harbor.save(update_fields=["part2_applies"])
    jordan.organization.refresh_from_db()
    referral = send(pat, jordan, to_service=mercy_service)
    assert referral.consent is None
    disclosure = Disclosure.objects.get()
    assert disclosure.referral == referral
    assert not disclosure.under_part2
    assert disclosure.notice_text == ""


def test_sharing_only_the_reason_needs_no_consent_and_discloses_nothing(
    send, pat, jordan, mercy_service
):
    referral = send(pat, jordan, to_service=mercy_service, shared_items=["reason"])
    assert referral.consent is None
    assert referral.shared_snapshot == {"reason": "Wants to start buprenorphine."}
    assert not Disclosure.objects.exists()


def test_free_text_shared_counts_as_identifying(send, pat, jordan, mercy_service):
    with pytest.raises(services.ConsentRequired):
        send(pat, jordan, to_service=mercy_service, shared_items=[], shared_other="Lives on Elm")


def test_plan_goals_and_notes_are_snapshotted(send, consent_for, pat, jordan, mercy_service):
    from beacon.encounters.models import Encounter

    Encounter.objects.create(
        organization=jordan.organization,
        participant=jordan,
        peer=pat,
        duration_minutes=30,
        modality="in_person",
        setting="community",
        kind="check_in",
        note="Talked about housing.",
        created_by=pat,
    )
    consent_for(jordan, [MERCY])
    referral = send(
        pat, jordan, to_service=mercy_service, shared_items=["encounter_notes", "plan_goals"]
    )
    assert referral.shared_snapshot["notes"][0]["note"] == "Talked about housing."
    assert referral.shared_snapshot["goals"] == []
    assert "name" not in referral.shared_snapshot


def test_referral_within_the_organization_needs_no_consent(send, pat, harbor, jordan):
    from beacon.directory.models import DirectoryOrganization, Service

    own = DirectoryOrganization.objects.create(
        hsds_id="org-harbor", name=harbor.name, beacon_organization=harbor
    )
    service = Service.objects.create(hsds_id="svc-harbor", organization=own, name="Harbor group")
    referral = send(pat, jordan, to_service=service)
    assert referral.consent is None and not Disclosure.objects.exists()


# Who may send, and what must be said


def test_only_staff_who_see_the_participant_may_refer(
    send, consent_for, quinn, olive, riley, jordan, mercy_service
):
    consent_for(jordan, [MERCY])
    for user in (quinn, olive, riley):
        with pytest.raises(PermissionDenied):
            send(user, jordan, to_service=mercy_service)


def test_a_recipient_and_a_reason_are_needed(send, pat, jordan, mercy_service):
    with pytest.raises(ValidationError) as invalid:
        send(pat, jordan, reason=" ")
    assert set(invalid.value.message_dict) == {"reason", "to_service"}
    with pytest.raises(ValidationError) as invalid:
        send(pat, jordan, to_service=mercy_service, external_name="Someone")
    assert "external_name" in invalid.value.message_dict


def test_follow_up_date_defaults_to_the_organization_setting(
    send, pat, harbor, jordan, mercy_service
):
    harbor.referral_follow_up_days = 10
    harbor.save(update_fields=["referral_follow_up_days"])
    jordan.organization.refresh_from_db()
    referral = send(pat, jordan, to_service=mercy_service, shared_items=["reason"])
    assert referral.follow_up_due_on == timezone.localdate() + datetime.timedelta(days=10)


# The closed loop


def test_peer_records_the_outcome_when_the_recipient_is_not_on_beacon(
    send, consent_for, pat, jordan, mercy_service
):
    consent_for(jordan, [MERCY])
    referral = send(pat, jordan, to_service=mercy_service)
    change = services.referral_status_change
    change(member=member_of(pat), referral=referral, status="accepted", expected_version=1)
    change(member=member_of(pat), referral=referral, status="scheduled", expected_version=2)
    with pytest.raises(ValidationError):
        change(member=member_of(pat), referral=referral, status="not_connected", expected_version=3)
    change(
        member=member_of(pat),
        referral=referral,
        status="not_connected",
        note="No transport that day",
        expected_version=3,
    )
    referral.refresh_from_db()
    assert referral.status == "not_connected" and referral.status_reason == "No transport that day"
    assert [e.status for e in referral.events.order_by("at", "created_at")] == [
        "sent",
        "accepted",
        "scheduled",
        "not_connected",
    ]
    # The loop is closed: nothing more to record.
    with pytest.raises(PermissionDenied):
        change(member=member_of(pat), referral=referral, status="connected", expected_version=4)
    assert AuditEvent.objects.filter(action="referral.status_changed").count() == 3


def test_a_stale_version_is_refused(send, pat, jordan, mercy_service):
    referral = send(pat, jordan, to_service=mercy_service, shared_items=["reason"])
    services.referral_status_change(
        member=member_of(pat), referral=referral, status="accepted", expected_version=1
    )
    stale = Referral.objects.get(pk=referral.pk)
    stale.version = 1
    with pytest.raises(StaleVersion):
        services.referral_status_change(
            member=member_of(pat), referral=stale, status="connected", expected_version=1
        )


def test_receiving_organization_on_beacon_accepts_and_declines(
    send, consent_for, pat, olive, jordan, lakeside_service, lakeside
):
    consent_for(jordan, ["Lakeside Recovery Center"])
    referral = send(pat, jordan, to_service=lakeside_service)
    assert referral.receiving_organization == lakeside
    # Lakeside's staff are told, in Beacon, without the participant's name.
    note = Notification.objects.get(recipient=olive)
    assert note.organization == lakeside and note.participant is None
    assert "Jordan" not in note.title and "Harbor Recovery Community" in note.title
    # Only Lakeside answers for Lakeside.
    with pytest.raises(PermissionDenied):
        services.referral_status_change(
            member=member_of(pat), referral=referral, status="accepted", expected_version=1
        )
    with pytest.raises(ValidationError):
        services.referral_status_change(
            member=member_of(olive), referral=referral, status="declined", expected_version=1
        )
    services.referral_status_change(
        member=member_of(olive),
        referral=referral,
        status="declined",
        note="No beds until next month",
        expected_version=1,
    )
    event = referral.events.get(status="declined")
    assert event.by == olive and event.by_organization == lakeside
