"""Referral fixtures: Mercy Community Health (a clinic in the directory, not on Beacon) and a
Lakeside service (its directory organization is Lakeside, which is on this Beacon)."""

import datetime

import pytest
from django.utils import timezone

from beacon.consents.models import ConsentKind, ExpiryKind
from beacon.consents.tests.factories import ConsentFactory
from beacon.directory.models import DirectoryOrganization, Service
from beacon.referrals import services
from conftest import member_of

MERCY = "Mercy Community Health"


@pytest.fixture
def mercy_service(db):
    org = DirectoryOrganization.objects.create(hsds_id="org-mercy", name=MERCY)
    return Service.objects.create(
        hsds_id="svc-mercy-moud", organization=org, name="Mercy MOUD clinic"
    )


@pytest.fixture
def lakeside_service(lakeside):
    org = DirectoryOrganization.objects.create(
        hsds_id="org-lakeside", name="Lakeside Recovery Center", beacon_organization=lakeside
    )
    return Service.objects.create(
        hsds_id="svc-lakeside-housing", organization=org, name="Lakeside recovery housing"
    )


@pytest.fixture
def consent_for():
    """consent_for(participant, ["Recipient", ...], **fields): a stored consent."""

    def make(participant, names, **fields):
        fields.setdefault("kind", ConsentKind.SPECIFIC_RECIPIENT)
        return ConsentFactory(participant=participant, recipients=names, **fields)

    return make


@pytest.fixture
def expired_kwargs():
    return {
        "expiry_kind": ExpiryKind.DATE,
        "expires_on": timezone.localdate() - datetime.timedelta(days=1),
    }


IDENTIFYING = ["name_contact", "reason"]


@pytest.fixture
def send():
    """send(user, participant, **fields): SendReferral(...).execute()."""

    def make(user, participant, **fields):
        fields.setdefault("reason", "Wants to start buprenorphine.")
        fields.setdefault("shared_items", IDENTIFYING)
        return services.SendReferral(
            member=member_of(user), participant=participant, **fields
        ).execute()

    return make


@pytest.fixture
def harbor_service(harbor):
    """A service Harbor itself runs: a referral to it stays inside Harbor."""
    org = DirectoryOrganization.objects.create(
        hsds_id="org-harbor", name="Harbor Recovery Community", beacon_organization=harbor
    )
    return Service.objects.create(
        hsds_id="svc-harbor-housing", organization=org, name="Harbor recovery housing"
    )


@pytest.fixture
def default_tpo(pat):
    """default_tpo(participant): the treatment, payment and operations consent recorded the
    usual way (no recipients given: it names the organization itself)."""
    from beacon.consents import services as consent_services
    from beacon.consents.tests.conftest import valid_fields

    def make(participant):
        return consent_services.consent_record(
            member=member_of(pat),
            participant=participant,
            **valid_fields(kind=ConsentKind.TPO, recipients=[], expiry_kind=ExpiryKind.NONE),
        )

    return make
