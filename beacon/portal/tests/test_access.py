"""The door of the participant's own Beacon: only a participant, only their own record."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from beacon.organizations.models import Role
from beacon.organizations.tests.factories import MembershipFactory
from beacon.participants.permissions import READ_ONLY_DAYS_AFTER_DISCHARGE
from beacon.participants.selectors import own_record
from beacon.participants.tests.factories import ParticipantFactory
from conftest import member_of

pytestmark = pytest.mark.django_db


def _discharge(record, days_ago):
    record.discharged_on = timezone.localdate() - datetime.timedelta(days=days_ago)
    record.discharge_reason = "completed"
    record.save(update_fields=["discharged_on", "discharge_reason"])


def test_a_participant_signing_in_lands_on_their_own_home(client_for, riley, riley_record, harbor):
    harbor.phone = "555-0100"
    harbor.save(update_fields=["phone"])
    client = client_for(riley)
    assert client.get("/").url == "/my/"
    page = client.get("/my/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Hi, Riley" in html
    assert "Pat" in html  # their peer, by first name
    assert "Peer" not in html.split("Your peer", 1)[1].split("</dd>", 1)[0]
    assert 'href="tel:555-0100"' in html
    assert 'href="tel:988"' in html


def test_staff_and_strangers_are_turned_away(client_for, client, pat, ada, riley_record):
    assert client_for(pat).get("/my/").status_code == 403
    assert client_for(ada).get("/my/").status_code == 403
    assert client.get("/my/").status_code == 302  # sign in first


def test_a_participant_with_no_linked_record_is_told_plainly(client_for, riley):
    page = client_for(riley).get("/my/")
    assert page.status_code == 403
    assert "Your Beacon is not open" in page.content.decode()


def test_after_discharge_it_is_read_only_then_off(client_for, riley, riley_record):
    member = member_of(riley)
    _discharge(riley_record, days_ago=READ_ONLY_DAYS_AFTER_DISCHARGE - 1)
    assert client_for(riley).get("/my/").status_code == 200
    assert own_record(member=member) == riley_record
    with pytest.raises(PermissionDenied):
        own_record(member=member, for_write=True)
    _discharge(riley_record, days_ago=READ_ONLY_DAYS_AFTER_DISCHARGE)
    assert client_for(riley).get("/my/").status_code == 403
    with pytest.raises(PermissionDenied):
        own_record(member=member)


def test_a_deactivated_participant_membership_opens_nothing(riley, riley_record):
    member = member_of(riley)
    member.is_active = False
    member.save(update_fields=["is_active"])
    with pytest.raises(PermissionDenied):
        own_record(member=member)


def test_two_organizations_two_records_never_mixed(riley, riley_record, lakeside, olive):
    MembershipFactory(user=riley, organization=lakeside, role=Role.PARTICIPANT)
    at_lakeside = ParticipantFactory(
        organization=lakeside, given_name="Riley", family_name="Shore", account=riley
    )
    assert own_record(member=member_of(riley, riley_record.organization)) == riley_record
    assert own_record(member=member_of(riley, lakeside)) == at_lakeside
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(organization=lakeside, account=riley)


def test_staff_are_never_a_participant_record_even_when_linked(pat, jordan):
    jordan.account = pat
    jordan.save(update_fields=["account"])
    with pytest.raises(PermissionDenied):
        own_record(member=member_of(pat))
