"""Issue 15: a consent recipient chosen from the directory, and the gate matching by that link
(docs/decisions/0003-referral-consent.md, amendment of issue 15)."""

import pytest

from beacon.consents import services as consent_services
from beacon.consents.tests.conftest import valid_fields
from beacon.directory.models import DirectoryOrganization, Service
from beacon.referrals import services
from beacon.referrals.tests.conftest import MERCY
from conftest import member_of


@pytest.fixture
def worcester(db):
    """The issue's case: "Worcester Housing" is not the directory's "Worcester Housing Help
    Desk", and five "Veterans Housing Program" services are run by different organizations."""
    help_desk = DirectoryOrganization.objects.create(
        hsds_id="org-whhd", name="Worcester Housing Help Desk"
    )
    service = Service.objects.create(
        hsds_id="svc-whhd", organization=help_desk, name="Veterans Housing Program"
    )
    others = [
        Service.objects.create(
            hsds_id=f"svc-vhp-{n}",
            organization=DirectoryOrganization.objects.create(
                hsds_id=f"org-vhp-{n}", name=f"Housing agency {n}"
            ),
            name="Veterans Housing Program",
        )
        for n in range(4)
    ]
    return help_desk, service, others


def record(pat, participant, *rows):
    return consent_services.consent_record(
        member=member_of(pat), participant=participant, **valid_fields(recipients=list(rows))
    )


def test_a_directory_organization_chosen_on_the_consent_covers_each_of_its_services(
    send, pat, jordan, worcester
):
    help_desk, service, others = worcester
    consent = record(pat, jordan, {"name": "", "directory_organization": help_desk.pk})
    recipient = consent.recipients.get()
    assert recipient.directory_organization == help_desk
    assert recipient.name == "Worcester Housing Help Desk"  # the entry's name, as signed
    assert send(pat, jordan, to_service=service).consent == consent
    # Another organization's service with the same name is not covered.
    with pytest.raises(services.ConsentRequired):
        send(pat, jordan, to_service=others[0])


def test_a_directory_service_chosen_covers_that_service_only(send, pat, jordan, worcester):
    _help_desk, service, others = worcester
    record(pat, jordan, {"name": "x", "directory_service": others[1].pk})
    assert send(pat, jordan, to_service=others[1]).consent is not None
    for not_named in (service, others[0]):
        with pytest.raises(services.ConsentRequired):
            send(pat, jordan, to_service=not_named)


def test_a_typed_name_never_covers_a_directory_service_and_the_refusal_says_why(
    send, pat, jordan, worcester
):
    help_desk, service, _others = worcester
    consent = record(pat, jordan, {"name": "Worcester Housing"})
    recipient = consent.recipients.get()
    assert recipient.directory_organization is None and recipient.directory_service is None
    with pytest.raises(services.ConsentRequired) as refused:
        send(pat, jordan, to_service=service)
    message = refused.value.message
    assert "naming Worcester Housing Help Desk, chosen from the directory, first." in message
    assert "A consent names “Worcester Housing”, typed by hand" in message
    assert refused.value.directory_organization == help_desk


def test_a_typed_name_of_several_directory_entries_stays_typed(pat, jordan, worcester):
    consent = record(pat, jordan, {"name": "veterans  housing program"})
    recipient = consent.recipients.get()
    assert recipient.directory_service is None and recipient.directory_organization is None


def test_a_typed_name_of_exactly_one_directory_entry_is_that_entry(pat, jordan, mercy_service):
    consent = record(pat, jordan, {"name": " mercy community  HEALTH"})
    assert consent.recipients.get().directory_organization == mercy_service.organization


def test_a_directory_entry_that_does_not_exist_is_refused_by_row(pat, jordan):
    import uuid

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        record(pat, jordan, {"name": "A", "directory_organization": uuid.uuid4()})
    assert "recipients.0.name" in refused.value.message_dict


def test_a_consent_naming_a_merged_duplicate_covers_the_service_kept(
    send, pat, jordan, mercy_service
):
    duplicate = Service.objects.create(
        hsds_id="svc-dup", organization=None, name="Mercy MOUD (old entry)"
    )
    record(pat, jordan, {"name": "", "directory_service": duplicate.pk})
    Service.objects.filter(pk=duplicate.pk).update(merged_into=mercy_service)
    assert send(pat, jordan, to_service=mercy_service).consent is not None


def test_an_outside_recipient_typed_on_the_referral_is_still_matched_by_name(
    send, pat, jordan, mercy_service
):
    """Someone outside the directory has only a name: a consent of that name covers them,
    including one chosen from the directory and named as it is there."""
    record(pat, jordan, {"name": "", "directory_organization": mercy_service.organization.pk})
    assert send(pat, jordan, external_name=MERCY).consent is not None


def test_migration_links_recipients_named_like_one_directory_entry(
    jordan, mercy_service, worcester
):
    """consents.0005: consents recorded before issue 15 that covered a service by its exact
    name keep covering it; a name several entries share stays typed."""
    from importlib import import_module

    from django.apps import apps

    from beacon.consents.models import ConsentRecipient
    from beacon.consents.tests.factories import ConsentFactory

    migration = import_module("beacon.consents.migrations.0005_recipient_directory_link")
    consent = ConsentFactory(participant=jordan, recipients=[])
    rows = {
        name: ConsentRecipient.objects.create(consent=consent, name=name)
        for name in ("  mercy community HEALTH", "Mercy MOUD clinic", "Veterans Housing Program")
    }
    migration.link_recipients_named_like_one_directory_entry(apps, None)
    for row in rows.values():
        row.refresh_from_db()
    assert rows["  mercy community HEALTH"].directory_organization == mercy_service.organization
    assert rows["Mercy MOUD clinic"].directory_service == mercy_service
    ambiguous = rows["Veterans Housing Program"]
    assert ambiguous.directory_service is None and ambiguous.directory_organization is None
