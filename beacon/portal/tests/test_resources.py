"""Resources (/my/resources/): the directory services a peer shared with the participant
(name, phone, address, hours, a directions link), referrals made for them, and Find Help; and
the peer's side: sharing a service from the participant's page or the API, audited."""

import datetime

import pytest
from django.urls import reverse

from beacon.audit.models import AuditEvent
from beacon.directory.models import (
    Address,
    DirectoryOrganization,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
)
from beacon.referrals.models import SharedResource
from beacon.referrals.services import resource_share, resource_unshare
from conftest import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def elm():
    org = DirectoryOrganization.objects.create(hsds_id="org-elm", name="Elm Street Recovery")
    service = Service.objects.create(hsds_id="svc-elm", organization=org, name="Elm Drop-in")
    location = Location.objects.create(hsds_id="loc-elm", organization=org, name="Elm site")
    Address.objects.create(
        hsds_id="addr-elm",
        location=location,
        address_1="12 Elm Street",
        city="Worcester",
        state_province="MA",
        postal_code="01608",
    )
    ServiceAtLocation.objects.create(hsds_id="sal-elm", service=service, location=location)
    Phone.objects.create(hsds_id="ph-elm", service=service, number="508-555-0123")
    Schedule.objects.create(
        hsds_id="sch-elm",
        service=service,
        freq="WEEKLY",
        byday="MO,TU",
        opens_at=datetime.time(9),
        closes_at=datetime.time(17),
    )
    return service


def test_a_shared_service_shows_phone_address_hours_and_directions(
    client_for, riley, riley_record, pat, elm
):
    resource_share(
        member=member_of(pat), participant=riley_record, service=elm, note="Ask for Dana."
    )
    page = client_for(riley).get("/my/resources/")
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("Elm Drop-in", 'href="tel:5085550123"', "12 Elm Street", "Worcester, MA"):
        assert text in html
    assert "Mon, Tue" in html
    assert "Ask for Dana." in html
    assert (
        'href="https://www.openstreetmap.org/search?query=12+Elm+Street%2C+Worcester%2C+MA%2C+01608"'
        in html
    )
    assert reverse("findhelp:search") in html


def test_nothing_shared_says_so_and_offers_find_help(client_for, riley, riley_record):
    html = client_for(riley).get("/my/resources/").content.decode()
    assert "Nothing shared yet." in html
    assert reverse("findhelp:search") in html


def test_a_referral_to_a_directory_service_shows_where_to_go(
    client_for, riley, riley_record, pat, elm
):
    from beacon.referrals.services import SendReferral

    riley_record.organization.part2_applies = False
    riley_record.organization.save(update_fields=["part2_applies"])
    SendReferral(
        member=member_of(pat),
        participant=riley_record,
        reason="Wants a drop-in.",
        to_service=elm,
        shared_items=["reason"],
    ).execute()
    html = client_for(riley).get("/my/resources/").content.decode()
    assert "Where you were referred" in html
    assert "12 Elm Street" in html
    assert "Wants a drop-in." not in html  # the referral's words are the staff's


def test_another_participants_shared_services_are_not_shown(
    client_for, riley, riley_record, pat, jordan, elm
):
    resource_share(member=member_of(pat), participant=jordan, service=elm)
    assert "Elm Drop-in" not in client_for(riley).get("/my/resources/").content.decode()


def test_sharing_is_audited_once_per_service_and_can_be_stopped(riley_record, pat, elm):
    member = member_of(pat)
    first = resource_share(member=member, participant=riley_record, service=elm)
    again = resource_share(member=member, participant=riley_record, service=elm, note="Tuesday")
    assert first.pk == again.pk and SharedResource.objects.count() == 1
    assert again.note == "Tuesday"
    shared = AuditEvent.objects.filter(action="resource.shared")
    assert shared.count() == 2
    assert shared.first().details["participant"] == str(riley_record.pk)
    resource_unshare(member=member, shared=again)
    assert not SharedResource.objects.exists()
    assert AuditEvent.objects.filter(action="resource.unshared").count() == 1


def test_only_staff_who_work_with_them_may_share(riley_record, quinn, elm):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        resource_share(member=member_of(quinn), participant=riley_record, service=elm)


def test_a_too_long_word_for_them_is_refused_with_a_clear_message(riley_record, pat, elm):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        resource_share(member=member_of(pat), participant=riley_record, service=elm, note="x" * 301)
    assert "under 300 characters" in str(error.value)


def test_the_peer_shares_from_the_participants_page(client_for, pat, riley_record, elm):
    client = client_for(pat)
    url = reverse("referrals:resources", args=[riley_record.pk])
    assert (
        url in client.get(reverse("participants:detail", args=[riley_record.pk])).content.decode()
    )
    found = client.get(url, {"q": "elm"}).content.decode()
    assert "Elm Drop-in" in found and "Share with Riley" in found
    sent = client.post(url, {"service": str(elm.pk), "note": "Ask for Dana."})
    assert sent.status_code == 302
    shared = SharedResource.objects.get()
    assert shared.participant == riley_record and shared.note == "Ask for Dana."
    listed = client.get(url).content.decode()
    assert "Ask for Dana." in listed and "Stop sharing Elm Drop-in" in listed
    removed = client.post(reverse("referrals:resource_remove", args=[riley_record.pk, shared.pk]))
    assert removed.status_code == 302
    assert not SharedResource.objects.exists()


def test_a_share_without_a_service_says_what_is_missing(client_for, pat, riley_record):
    url = reverse("referrals:resources", args=[riley_record.pk])
    page = client_for(pat).post(url, {"service": "", "note": "Hello"})
    assert page.status_code == 400
    assert "Choose a service from the directory to share." in page.content.decode()


def test_the_api_shares_and_lists(api, pat, riley_record, elm):
    path = f"/api/v1/participants/{riley_record.pk}/shared-resources"
    made = api(pat).post(path, {"service": str(elm.pk), "note": "Ask for Dana."})
    assert made.status_code == 201
    assert made.json()["service_name"] == "Elm Drop-in"
    listed = api(pat).get(path).json()
    assert [item["note"] for item in listed] == ["Ask for Dana."]
    unknown = api(pat).post(path, {"service": "00000000-0000-0000-0000-000000000000"})
    assert unknown.status_code == 422
    assert "No directory service has this id." in unknown.content.decode()
