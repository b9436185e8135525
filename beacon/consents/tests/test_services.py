"""consent_record and the revocations: every 42 CFR 2.31 element, the kind-specific rules,
status over time, and the audit trail."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beacon.audit.models import AuditEvent
from beacon.consents import selectors, services
from beacon.consents.models import (
    Consent,
    ConsentKind,
    ConsentRecipient,
    ConsentStatus,
    ExpiryKind,
    SignatureMethod,
)
from beacon.consents.permissions import (
    can_record_consent,
    can_revoke_consent,
    consents_visible_to,
)
from beacon.consents.tests.conftest import valid_fields
from beacon.consents.tests.factories import ConsentFactory
from conftest import member_of

pytestmark = pytest.mark.django_db


def errors_of(pat, participant, **overrides) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        services.consent_record(
            member=member_of(pat), participant=participant, **valid_fields(**overrides)
        )
    assert not Consent.objects.exists(), "nothing is saved when a rule is broken"
    return caught.value.message_dict


# --- Recording -------------------------------------------------------------------------------


def test_records_every_element_and_audits_it(pat, jordan, harbor):
    consent = services.consent_record(
        member=member_of(pat),
        participant=jordan,
        **valid_fields(
            recipients=[
                {"name": "  Dr. Lee ", "description": "Primary care"},
                {"name": "", "description": ""},  # a spare form row
                {"name": "Officer Diaz", "description": "Probation"},
            ],
            signature_method=SignatureMethod.OWN_DEVICE,
        ),
    )
    consent.refresh_from_db()
    assert consent.organization == harbor
    assert consent.recorded_by == pat
    assert consent.discloser == harbor.name  # default: the organization discloses
    assert "revoke" in consent.revocation_instructions and harbor.name in (
        consent.revocation_instructions
    )
    assert consent.signature_method == SignatureMethod.OWN_DEVICE
    assert [r.name for r in consent.recipients.all()] == ["Dr. Lee", "Officer Diaz"]
    assert consent.status == ConsentStatus.ACTIVE
    event = AuditEvent.objects.get(action="consent.recorded")
    assert event.actor_id == pat.pk and event.organization_id == harbor.pk
    assert event.object_id == str(consent.pk)
    assert event.details["kind"] == "specific_recipient"
    assert event.details["recipients"] == ["Dr. Lee", "Officer Diaz"]
    assert event.details["participant"] == str(jordan.pk)


def test_tpo_names_the_organization_when_no_recipient_is_given(pat, jordan, harbor):
    consent = services.consent_record(
        member=member_of(pat),
        participant=jordan,
        **valid_fields(kind=ConsentKind.TPO, recipients=[], expiry_kind=ExpiryKind.NONE),
    )
    assert [r.name for r in consent.recipients.all()] == [harbor.name]
    assert consent.expires_on is None  # only the detail of the chosen expiry is kept


def test_a_recipient_naming_the_organization_itself_is_that_organization(pat, jordan, harbor):
    """Issue 14: linked once, when recorded, so no name typed later stands for it."""
    tpo = services.consent_record(
        member=member_of(pat),
        participant=jordan,
        **valid_fields(kind=ConsentKind.TPO, recipients=[], expiry_kind=ExpiryKind.NONE),
    )
    assert [r.beacon_organization for r in tpo.recipients.all()] == [harbor]
    specific = services.consent_record(
        member=member_of(pat),
        participant=jordan,
        **valid_fields(
            recipients=[
                {"name": "Dr. Lee", "description": ""},
                {"name": " harbor  RECOVERY community", "description": ""},
            ]
        ),
    )
    assert {r.name: r.beacon_organization for r in specific.recipients.all()} == {
        "Dr. Lee": None,
        "harbor  RECOVERY community": harbor,
    }


def test_the_migration_links_recipients_recorded_before(jordan, harbor, lakeside):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("beacon.consents.migrations.0004_recipient_beacon_organization")
    consent = ConsentFactory(participant=jordan, recipients=[])
    own = ConsentRecipient.objects.create(consent=consent, name="HARBOR Recovery Community")
    other = ConsentRecipient.objects.create(consent=consent, name=lakeside.name)
    migration.link_recipients_naming_their_own_organization(apps, None)
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.beacon_organization == harbor
    assert other.beacon_organization is None


def test_given_discloser_and_revocation_text_are_kept(pat, jordan):
    consent = services.consent_record(
        member=member_of(pat),
        participant=jordan,
        **valid_fields(discloser="Harbor peer team", revocation_instructions="Call Pat."),
    )
    assert consent.discloser == "Harbor peer team"
    assert consent.revocation_instructions == "Call Pat."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kind", "everything", "Choose what kind of consent this is."),
        ("information_description", "  ", "Describe which information may be shared"),
        ("purpose", "", "Say why the information may be shared"),
        ("expiry_kind", "", "Choose when this consent ends."),
        ("signed_name", " ", "Type the name of the person signing."),
        ("signed_on", None, "Give the date the consent was signed."),
        ("signature_method", "fax", "Choose how the consent was signed."),
    ],
)
def test_every_element_is_required_with_its_own_message(pat, jordan, field, value, message):
    errors = errors_of(pat, jordan, **{field: value})
    assert list(errors) == [field]
    assert errors[field][0].startswith(message)


def test_all_missing_elements_are_named_at_once(pat, jordan):
    errors = errors_of(
        pat, jordan, purpose="", information_description="", signed_name="", recipients=[]
    )
    assert set(errors) == {"purpose", "information_description", "signed_name", "recipients"}


def test_date_expiry_needs_a_date_today_or_later(pat, jordan):
    assert errors_of(pat, jordan, expires_on=None) == {
        "expires_on": ["Give the date this consent ends."]
    }
    yesterday = timezone.localdate() - timedelta(days=1)
    assert errors_of(pat, jordan, expires_on=yesterday) == {
        "expires_on": ["The end date has already passed: choose today or later."]
    }
    consent = services.consent_record(
        member=member_of(pat), participant=jordan, **valid_fields(expires_on=timezone.localdate())
    )
    assert consent.status == ConsentStatus.ACTIVE


def test_event_expiry_needs_the_event(pat, jordan):
    errors = errors_of(pat, jordan, expiry_kind=ExpiryKind.EVENT, expiry_event="  ")
    assert list(errors) == ["expiry_event"]
    consent = services.consent_record(
        member=member_of(pat),
        participant=jordan,
        **valid_fields(expiry_kind=ExpiryKind.EVENT, expiry_event="When my probation ends"),
    )
    assert consent.expiry_event == "When my probation ends" and consent.expires_on is None


@pytest.mark.parametrize("kind", [ConsentKind.SPECIFIC_RECIPIENT, ConsentKind.SUD_COUNSELING_NOTES])
def test_specific_kinds_need_a_recipient(pat, jordan, kind):
    errors = errors_of(pat, jordan, kind=kind, recipients=[{"name": " ", "description": ""}])
    assert errors == {
        "recipients": ["Name at least one person or organization who may receive the information."]
    }


@pytest.mark.parametrize("kind", [ConsentKind.SPECIFIC_RECIPIENT, ConsentKind.SUD_COUNSELING_NOTES])
@pytest.mark.parametrize("expiry", [ExpiryKind.NONE, ExpiryKind.END_OF_TREATMENT])
def test_only_tpo_may_last_until_revoked_or_end_of_services(pat, jordan, kind, expiry):
    errors = errors_of(pat, jordan, kind=kind, expiry_kind=expiry)
    assert list(errors) == ["expiry_kind"]
    assert (
        "Only a treatment, payment and health care operations consent" in errors["expiry_kind"][0]
    )


@pytest.mark.parametrize("expiry", [ExpiryKind.NONE, ExpiryKind.END_OF_TREATMENT])
def test_tpo_may_last_until_revoked_or_end_of_services(pat, jordan, expiry):
    consent = services.consent_record(
        member=member_of(pat),
        participant=jordan,
        **valid_fields(kind=ConsentKind.TPO, expiry_kind=expiry),
    )
    assert consent.expiry_kind == expiry


def test_a_recipient_row_without_a_name_is_named_by_its_position(pat, jordan):
    errors = errors_of(
        pat,
        jordan,
        recipients=[
            {"name": "Dr. Lee", "description": ""},
            {"name": "", "description": ""},
            {"name": "", "description": "Probation officer"},
        ],
    )
    assert errors == {
        "recipients.2.name": ["Recipient 3: give the name of the person or organization."]
    }


def test_too_long_values_are_named_by_field(pat, jordan):
    errors = errors_of(pat, jordan, recipients=[{"name": "x" * 201, "description": ""}])
    assert list(errors) == ["recipients.0.name"]
    assert list(errors_of(pat, jordan, signed_name="x" * 201)) == ["signed_name"]


def test_signing_date_cannot_be_in_the_future(pat, jordan):
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert errors_of(pat, jordan, signed_on=tomorrow) == {
        "signed_on": ["The signing date cannot be in the future."]
    }


def test_only_staff_who_see_the_participant_record_consents(quinn, riley, olive, sam, ada, jordan):
    events = AuditEvent.objects.count()
    for outsider in (quinn, riley, olive):
        with pytest.raises(PermissionDenied, match="can record their consent"):
            services.consent_record(
                member=member_of(outsider), participant=jordan, **valid_fields()
            )
        assert not can_record_consent(member_of(outsider), jordan)
    for staff in (sam, ada):
        assert can_record_consent(member_of(staff), jordan)
    assert not Consent.objects.exists()
    assert AuditEvent.objects.count() == events


def test_any_peer_records_when_the_organization_opened_participants(quinn, jordan, harbor):
    harbor.participants_open_to_team = True
    harbor.save()
    consent = services.consent_record(member=member_of(quinn), participant=jordan, **valid_fields())
    assert consent.recorded_by == quinn


# --- Status over time ------------------------------------------------------------------------


def test_a_date_consent_expires_after_its_last_day(record, pat, jordan):
    consent = record(pat, jordan, expires_on=timezone.localdate() + timedelta(days=10))
    assert consent.status == ConsentStatus.ACTIVE
    with time_machine.travel(timezone.now() + timedelta(days=10), tick=False):
        assert consent.status == ConsentStatus.ACTIVE  # the last day still counts
    with time_machine.travel(timezone.now() + timedelta(days=11), tick=False):
        assert consent.status == ConsentStatus.EXPIRED
    assert consent.status_on(consent.expires_on + timedelta(days=1)) == ConsentStatus.EXPIRED


def test_an_end_of_services_consent_expires_when_services_end(record, pat, jordan):
    consent = record(pat, jordan, kind=ConsentKind.TPO, expiry_kind=ExpiryKind.END_OF_TREATMENT)
    assert consent.status == ConsentStatus.ACTIVE
    consent.ended_at = timezone.now()
    assert consent.status == ConsentStatus.EXPIRED


# --- Revocation ------------------------------------------------------------------------------


def two_recipients(record, pat, jordan):
    return record(
        pat,
        jordan,
        recipients=[
            {"name": "Dr. Lee", "description": "Clinic"},
            {"name": "Officer Diaz", "description": "Probation"},
        ],
    )


def test_revoking_one_recipient_keeps_the_others(record, pat, jordan):
    consent = two_recipients(record, pat, jordan)
    lee = consent.recipients.get(name="Dr. Lee")
    services.consent_recipient_revoke(
        member=member_of(pat), consent=consent, recipient=lee, note="Signed note, given to Pat"
    )
    lee.refresh_from_db()
    consent.refresh_from_db()
    assert lee.revoked_at is not None and lee.revoked_by == pat
    assert lee.revocation_note == "Signed note, given to Pat"
    assert consent.revoked_at is None and consent.status == ConsentStatus.ACTIVE
    assert consent.recipients.get(name="Officer Diaz").is_active
    event = AuditEvent.objects.get(action="consent.recipient_revoked")
    assert event.object_id == str(consent.pk)
    assert event.details["recipient"] == "Dr. Lee"
    assert not AuditEvent.objects.filter(action="consent.revoked").exists()


def test_revoking_the_last_recipient_revokes_the_consent(record, pat, jordan):
    consent = two_recipients(record, pat, jordan)
    version = consent.version
    for recipient in list(consent.recipients.all()):
        services.consent_recipient_revoke(
            member=member_of(pat), consent=consent, recipient=recipient.pk
        )
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    assert consent.status == ConsentStatus.REVOKED
    assert consent.version == version + 1
    assert AuditEvent.objects.filter(action="consent.recipient_revoked").count() == 2
    whole = AuditEvent.objects.get(action="consent.revoked")
    assert whole.details["reason"] == "every_recipient_revoked"


def test_a_recipient_is_revoked_only_once_and_only_on_its_own_consent(record, pat, jordan):
    consent = two_recipients(record, pat, jordan)
    other = record(pat, jordan)
    lee = consent.recipients.get(name="Dr. Lee")
    services.consent_recipient_revoke(member=member_of(pat), consent=consent, recipient=lee)
    with pytest.raises(ValidationError) as caught:
        services.consent_recipient_revoke(member=member_of(pat), consent=consent, recipient=lee)
    assert caught.value.message_dict == {
        "recipient": ["This consent was already revoked for Dr. Lee."]
    }
    with pytest.raises(ValidationError) as caught:
        services.consent_recipient_revoke(member=member_of(pat), consent=other, recipient=lee)
    assert list(caught.value.message_dict) == ["recipient"]


def test_revoking_the_whole_consent_keeps_the_record(record, pat, jordan):
    consent = two_recipients(record, pat, jordan)
    services.consent_recipient_revoke(
        member=member_of(pat), consent=consent, recipient=consent.recipients.get(name="Dr. Lee")
    )
    services.consent_revoke(member=member_of(pat), consent=consent, note="Said so at the meeting")
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.REVOKED
    assert Consent.objects.count() == 1 and ConsentRecipient.objects.count() == 2
    diaz = consent.recipients.get(name="Officer Diaz")
    assert (
        diaz.revoked_at == consent.revoked_at and diaz.revocation_note == "Said so at the meeting"
    )
    event = AuditEvent.objects.get(action="consent.revoked")
    assert event.details["recipients"] == ["Officer Diaz"]  # Dr. Lee was revoked before
    with pytest.raises(ValidationError):
        services.consent_revoke(member=member_of(pat), consent=consent)


def test_only_staff_who_see_the_participant_revoke(record, pat, quinn, olive, jordan):
    consent = record(pat, jordan)
    events = AuditEvent.objects.count()
    recipient = consent.recipients.first()
    for outsider in (quinn, olive):
        assert not can_revoke_consent(member_of(outsider), consent)
        with pytest.raises(PermissionDenied, match="took their consent back"):
            services.consent_revoke(member=member_of(outsider), consent=consent)
        with pytest.raises(PermissionDenied, match="took their consent back"):
            services.consent_recipient_revoke(
                member=member_of(outsider), consent=consent, recipient=recipient
            )
    consent.refresh_from_db()
    recipient.refresh_from_db()
    assert consent.revoked_at is None and recipient.revoked_at is None
    assert AuditEvent.objects.count() == events


# --- Who sees what ---------------------------------------------------------------------------


def test_visibility_follows_the_participant(
    pat, quinn, sam, ada, riley, olive, jordan, casey, morgan
):
    jordans, caseys, morgans = (ConsentFactory(participant=p) for p in (jordan, casey, morgan))
    seen = {
        who.email: set(consents_visible_to(member_of(who)))
        for who in (pat, quinn, sam, ada, riley, olive)
    }
    assert seen["pat@harbor.test"] == {jordans}
    assert seen["quinn@harbor.test"] == {caseys}
    assert seen["sam@harbor.test"] == seen["ada@harbor.test"] == {jordans, caseys}
    assert seen["riley@harbor.test"] == set()
    assert seen["olive@lakeside.test"] == {morgans}
    assert set(consents_visible_to(None)) == set()


def test_the_list_costs_the_same_queries_however_many_consents(pat, jordan):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            consents = selectors.consent_list_for_participant(member=member_, participant=jordan)
            for consent in consents:
                [r.name for r in consent.recipients.all()]
                consent.recorded_by.name  # noqa: B018
        return len(ctx.captured_queries), len(consents)

    member_ = member_of(pat)
    ConsentFactory(participant=jordan, recipients=["A", "B"])
    few = count()
    for _ in range(8):
        ConsentFactory(participant=jordan, recipients=["A", "B", "C"])
    many = count()
    assert few[1] == 1 and many[1] == 9
    assert few[0] == many[0] == 2


def test_consents_until_the_end_of_services_end_at_discharge(record, pat, jordan):
    until_end = record(pat, jordan, kind=ConsentKind.TPO, expiry_kind=ExpiryKind.END_OF_TREATMENT)
    dated = record(pat, jordan)
    assert services.consents_end_with_services(participant=jordan) == [str(until_end.pk)]
    until_end.refresh_from_db()
    dated.refresh_from_db()
    assert until_end.status == ConsentStatus.EXPIRED and until_end.ended_at is not None
    assert dated.status == ConsentStatus.ACTIVE and dated.ended_at is None
    assert services.consents_end_with_services(participant=jordan) == []
