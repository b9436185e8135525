"""The public form at /talk-to-a-peer/: what it takes, where a request goes, the abuse checks
(honeypot, minimum fill time, rate limit per address) and the confirmation page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from beacon.audit.models import AuditEvent
from beacon.core.tests.worker import run_worker
from beacon.findhelp.tests.test_forms import started
from beacon.notifications.models import Notification, NotificationKind
from beacon.organizations.tests.factories import OrganizationFactory
from beacon.peerrequests.models import PeerRequest

pytestmark = pytest.mark.django_db

URL = "/talk-to-a-peer/"
ME = "203.0.113.5"


@pytest.fixture
def open_harbor(harbor):
    harbor.peer_requests_open = True
    harbor.peer_requests_zip_codes = "01602 01603"
    harbor.peer_requests_respond_within = "within one business day"
    harbor.save()
    return harbor


def form_data(**overrides) -> dict:
    data = {
        "name": "Sam",
        "contact_by": "text",
        "phone": "508-555-0142",
        "email": "",
        "best_time": "evening",
        "may_leave_voicemail": "no",
        "may_say_organization": "no",
        "language": "Spanish",
        "zip_code": "01602",
        "help_with": "I want to cut back on drinking.",
        "consent": "on",
        "homepage": "",
        "started": started(),
    }
    data.update(overrides)
    return data


def test_the_form_page_needs_no_sign_in_sets_no_session_and_shows_988(client, open_harbor):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="tel:988"' in html
    assert "<script" not in html
    assert "beacon_session" not in response.cookies
    assert reverse("talk:form") == URL


def test_a_request_lands_in_the_organization_serving_the_zip_code(client, open_harbor, sam):
    OrganizationFactory(name="Elsewhere", peer_requests_open=True, peer_requests_zip_codes="900")
    response = client.post(URL, form_data(), REMOTE_ADDR=ME)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Thank you, Sam" in html
    assert "within one business day" in html
    assert "a text message" in html
    assert 'href="tel:988"' in html
    request = PeerRequest.objects.get()
    assert request.organization == open_harbor
    assert (request.contact_by, request.phone, request.language) == (
        "text",
        "508-555-0142",
        "Spanish",
    )
    assert request.may_leave_voicemail is False and request.may_say_organization is False
    assert request.status == "new" and request.consented_at is not None
    # The trail has it, without an actor or the person's address.
    event = AuditEvent.objects.get(action="peer_request.received")
    assert event.actor_id is None and not event.ip_address
    # Sam (the supervisor) is told in Beacon with the name, and by an email that says nothing.
    note = Notification.objects.get(recipient=sam)
    assert note.kind == NotificationKind.PEER_REQUEST and "Sam" in note.title
    assert note.url == reverse("peerrequests:detail", args=[request.pk])


def test_the_email_to_supervisors_holds_no_name_contact_or_words(
    client, open_harbor, sam, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, form_data(name="Zephyrine"), REMOTE_ADDR=ME)
    run_worker()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sam@harbor.test"]
    for secret in ("Zephyrine", "508-555-0142", "drinking", "01602", "Spanish"):
        assert secret not in message.subject + message.body
    assert "/peer-requests/" in message.body


def test_the_organizations_own_link_sends_it_there_whatever_the_zip(client, open_harbor):
    lakeside = OrganizationFactory(name="Lakeside", peer_requests_open=True)
    response = client.get(f"{URL}?o={lakeside.pk}")
    assert "A peer from Lakeside will get in touch" in response.content.decode()
    client.post(f"{URL}?o={lakeside.pk}", form_data(zip_code="01602"), REMOTE_ADDR=ME)
    assert PeerRequest.objects.get().organization == lakeside


def test_a_link_to_an_organization_that_takes_no_requests_falls_back_to_the_zip(
    client, open_harbor
):
    closed = OrganizationFactory(name="Closed Org", peer_requests_open=False)
    response = client.get(f"{URL}?o={closed.pk}")
    assert "does not take requests here right now" in response.content.decode()
    client.post(f"{URL}?o={closed.pk}", form_data(), REMOTE_ADDR=ME)
    assert PeerRequest.objects.get().organization == open_harbor


def test_a_three_digit_zip_beginning_matches_and_a_whole_code_wins(client, open_harbor):
    prefix = OrganizationFactory(name="Aaa Prefix", peer_requests_open=True)
    prefix.peer_requests_zip_codes = "016"
    prefix.save()
    client.post(URL, form_data(zip_code="01602"), REMOTE_ADDR=ME)
    client.post(URL, form_data(zip_code="01655"), REMOTE_ADDR=ME)
    first, second = PeerRequest.objects.order_by("created_at")
    assert first.organization == open_harbor  # whole ZIP code listed by Harbor
    assert second.organization == prefix  # only the beginning matches


def test_the_default_organization_setting_and_the_only_one_taking_requests(
    client, open_harbor, settings
):
    client.post(URL, form_data(zip_code="99501"), REMOTE_ADDR=ME)
    assert PeerRequest.objects.get().organization == open_harbor  # the only one
    other = OrganizationFactory(name="Statewide", peer_requests_open=True)
    PeerRequest.objects.all().delete()
    response = client.post(URL, form_data(zip_code="99501"), REMOTE_ADDR=ME)
    assert "No peer organization on this site takes requests for ZIP code 99501" in (
        response.content.decode()
    )
    assert not PeerRequest.objects.exists()
    settings.BEACON_PEER_REQUESTS_DEFAULT_ORGANIZATION = str(other.pk)
    client.post(URL, form_data(zip_code="99501"), REMOTE_ADDR=ME)
    assert PeerRequest.objects.get().organization == other


def test_bad_input_says_what_is_wrong_and_keeps_everything_typed(client, open_harbor):
    response = client.post(
        URL,
        form_data(contact_by="email", email="", phone="12", zip_code="1602", consent=""),
        REMOTE_ADDR=ME,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Give an email address we can write to" in html
    assert "A phone number has at least 10 digits" in html
    assert "Enter a 5-digit ZIP code, like 01602." in html
    assert "Please agree to be contacted" in html
    # What was typed is all still there.
    assert 'value="Sam"' in html and 'value="1602"' in html and 'value="Spanish"' in html
    assert "I want to cut back on drinking." in html
    assert not PeerRequest.objects.exists()


def test_a_call_needs_a_phone_number(client, open_harbor):
    response = client.post(URL, form_data(contact_by="call", phone=""), REMOTE_ADDR=ME)
    assert "Give a phone number we can call or text" in response.content.decode()
    assert not PeerRequest.objects.exists()


def test_the_honeypot_refuses_and_keeps_what_was_typed(client, open_harbor):
    response = client.post(URL, form_data(homepage="http://spam.example"), REMOTE_ADDR=ME)
    html = response.content.decode()
    assert "Leave this empty" in html and "could not be sent" in html
    assert 'value="Sam"' in html
    assert not PeerRequest.objects.exists()


def test_a_form_sent_faster_than_a_person_can_is_refused(client, open_harbor, settings):
    settings.BEACON_FINDHELP_MIN_FILL_SECONDS = 3
    response = client.post(URL, form_data(started=started(seconds_ago=1)), REMOTE_ADDR=ME)
    assert "quicker than a person can fill in this form" in response.content.decode()
    assert not PeerRequest.objects.exists()
    # A forged or missing timestamp is refused too, and a fresh one is given to send again.
    response = client.post(URL, form_data(started="forged"), REMOTE_ADDR=ME)
    html = response.content.decode()
    assert "open too long" in html
    assert re.search(r'name="started" value="[^"]+:[^"]+"', html)
    assert not PeerRequest.objects.exists()


def test_the_rate_limit_per_address_answers_429_and_keeps_the_words(client, open_harbor, settings):
    settings.BEACON_RATE_LIMIT_PEER_REQUESTS = 2
    for _ in range(2):
        assert client.post(URL, form_data(), REMOTE_ADDR=ME).status_code == 200
    response = client.post(URL, form_data(name="Third"), REMOTE_ADDR=ME)
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    html = response.content.decode()
    assert "Too many requests have come from your connection" in html
    assert 'value="Third"' in html
    assert PeerRequest.objects.count() == 2
    # Another address is not limited by this one.
    assert client.post(URL, form_data(), REMOTE_ADDR="203.0.113.9").status_code == 200
    assert PeerRequest.objects.count() == 3


def test_mistakes_do_not_use_up_the_rate_limit(client, open_harbor, settings):
    settings.BEACON_RATE_LIMIT_PEER_REQUESTS = 1
    for _ in range(3):
        client.post(URL, form_data(zip_code="x"), REMOTE_ADDR=ME)
    assert client.post(URL, form_data(), REMOTE_ADDR=ME).status_code == 200
    assert PeerRequest.objects.count() == 1
