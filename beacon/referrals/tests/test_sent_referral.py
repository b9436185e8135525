"""Issue 15: the sent referral shows the service's phone, address and hours; a printable
referral for the participant; sending it by email to the provider, recorded (disclosure with
the 2.32 notice, audit, history and timeline), by page and API alike."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from beacon.audit.models import AuditEvent
from beacon.core.tests.worker import run_worker
from beacon.directory.models import (
    Address,
    Location,
    Phone,
    RequiredDocument,
    Schedule,
    ServiceAtLocation,
)
from beacon.referrals.models import Disclosure, ReferralEvent
from beacon.referrals.tests.conftest import MERCY
from beacon.referrals.tests.test_api import URL
from conftest import member_of

PROVIDER = "intake@mercy.example.org"


@pytest.fixture
def mercy_listed(mercy_service):
    """The Mercy service as the directory lists it: address, phone, hours, what to bring."""
    location = Location.objects.create(hsds_id="loc-mercy", organization=mercy_service.organization)
    Address.objects.create(
        hsds_id="addr-mercy",
        location=location,
        address_1="12 Elm Street",
        city="Worcester",
        state_province="MA",
        postal_code="01608",
    )
    ServiceAtLocation.objects.create(hsds_id="sal-mercy", service=mercy_service, location=location)
    Phone.objects.create(hsds_id="ph-mercy", service=mercy_service, number="508-555-0123")
    Schedule.objects.create(
        hsds_id="sch-mercy",
        service=mercy_service,
        freq="WEEKLY",
        byday="MO,TU",
        opens_at=datetime.time(9),
        closes_at=datetime.time(17),
    )
    RequiredDocument.objects.create(hsds_id="doc-mercy", service=mercy_service, document="Photo ID")
    mercy_service.email = PROVIDER
    mercy_service.save(update_fields=["email"])
    return mercy_service


@pytest.fixture
def sent(send, consent_for, pat, jordan, mercy_listed):
    consent_for(jordan, [MERCY])
    return send(pat, jordan, to_service=mercy_listed, shared_other="Internal: prefers Dr. Ames")


def test_sent_referral_shows_phone_address_and_hours(client_for, pat, sent):
    html = client_for(pat).get(reverse("referrals:detail", args=[sent.pk])).content.decode()
    for text in ("508-555-0123", "12 Elm Street", "Worcester, MA", "Mon, Tue", PROVIDER):
        assert text in html
    assert reverse("referrals:print", args=[sent.pk]) in html


def test_printable_referral_has_where_when_phone_and_what_to_bring_and_no_notes(
    client_for, pat, sent
):
    response = client_for(pat).get(reverse("referrals:print", args=[sent.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("12 Elm Street", "508-555-0123", "Mon, Tue", "Photo ID", "referrals/print.css"):
        assert text in html
    for internal in ("Wants to start buprenorphine", "prefers Dr. Ames", "2.32"):
        assert internal not in html


def test_the_receiving_side_cannot_print_or_email(client_for, olive, sent):
    client = client_for(olive)
    assert client.get(reverse("referrals:print", args=[sent.pk])).status_code == 404
    assert client.post(reverse("referrals:email", args=[sent.pk])).status_code == 404


def test_email_to_the_provider_is_sent_with_the_notice_and_recorded(
    client_for, pat, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(pat).post(reverse("referrals:email", args=[sent.pk]))
    assert response.status_code == 302
    emailed = ReferralEvent.objects.get(referral=sent, kind="emailed")
    assert PROVIDER in emailed.note and emailed.status == sent.status
    disclosure = Disclosure.objects.filter(referral=sent).order_by("-disclosed_at").first()
    assert Disclosure.objects.filter(referral=sent).count() == 2
    assert PROVIDER in disclosure.description
    assert disclosure.notice_text.startswith("This record which has been disclosed to you")
    assert AuditEvent.objects.filter(action="referral.emailed").exists()
    assert mail.outbox == []  # queued; the worker sends it
    run_worker()
    [email] = mail.outbox
    assert email.to == [PROVIDER]
    assert "Jordan" in email.body and "42 CFR part 2" in email.body
    assert "Jordan" not in email.subject
    # On the referral's history and the participant's timeline.
    html = client_for(pat).get(reverse("referrals:detail", args=[sent.pk])).content.decode()
    assert "Sent by email to the provider" in html


def test_email_is_refused_once_the_consent_is_revoked(client_for, pat, jordan, sent):
    from beacon.consents import services as consent_services

    consent_services.consent_revoke(member=member_of(pat), consent=sent.consent)
    response = client_for(pat).post(reverse("referrals:email", args=[sent.pk]), follow=True)
    assert "No active consent lets" in response.content.decode()
    assert not ReferralEvent.objects.filter(kind="emailed").exists()
    assert Disclosure.objects.filter(referral=sent).count() == 1


def test_email_without_an_address_in_the_directory_says_so(
    client_for, send, consent_for, pat, jordan, mercy_service
):
    consent_for(jordan, [MERCY])
    referral = send(pat, jordan, to_service=mercy_service)
    page = client_for(pat).get(reverse("referrals:detail", args=[referral.pk]))
    assert reverse("referrals:email", args=[referral.pk]) not in page.content.decode()
    response = client_for(pat).post(reverse("referrals:email", args=[referral.pk]), follow=True)
    assert "The directory has no email address for this service." in response.content.decode()


def test_api_shows_the_service_contact_and_emails_the_provider(
    api, pat, sent, django_capture_on_commit_callbacks
):
    detail = api(pat).get(f"{URL}/{sent.pk}").json()
    contact = detail["service_contact"]
    assert contact["phones"][0]["number"] == "508-555-0123"
    assert contact["address"]["address_1"] == "12 Elm Street"
    assert contact["hours"] and contact["email"] == PROVIDER
    with django_capture_on_commit_callbacks(execute=True):
        response = api(pat).post(f"{URL}/{sent.pk}/email", {})
    assert response.status_code == 200
    assert response.json()["history"][-1]["kind"] == "emailed"
    assert Disclosure.objects.filter(referral=sent).count() == 2
    run_worker()
    assert [m.to for m in mail.outbox] == [[PROVIDER]]


def test_api_email_without_an_address_is_422(api, send, consent_for, pat, jordan, mercy_service):
    consent_for(jordan, [MERCY])
    referral = send(pat, jordan, to_service=mercy_service)
    response = api(pat).post(f"{URL}/{referral.pk}/email", {})
    assert response.status_code == 422


def test_api_refusal_names_the_directory_entry_to_choose(api, pat, jordan, mercy_service):
    response = api(pat).post(
        URL,
        {
            "participant": str(jordan.pk),
            "service": str(mercy_service.pk),
            "reason": "x",
            "shared_items": ["name_contact"],
        },
    )
    assert response.status_code == 409
    details = response.json()["error"]["details"]
    assert {
        "field": "directory_organization",
        "message": str(mercy_service.organization.pk),
    } in details
