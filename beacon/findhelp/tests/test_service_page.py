"""The public page of one service: /find-help/services/<id>/ (issue 18)."""

import uuid
from datetime import date, time

import pytest

from beacon.directory.models import Accessibility, CostOption, ServiceAtLocation
from beacon.findhelp.tests.factories import service

pytestmark = pytest.mark.django_db


def url(svc) -> str:
    return f"/find-help/services/{svc.pk}/"


@pytest.fixture
def clinic():
    svc = service(
        "Bridge clinic",
        organization="Worcester Health Partners",
        description="Buprenorphine the same day.",
        languages=("English", "Spanish"),
        hours=(("MO,TU,WE,TH,FR", time(8), time(16)),),
        accepts_medicaid=True,
        fees_description="No one is turned away for inability to pay.",
        last_verified_on=date(2026, 11, 2),
    )
    location = ServiceAtLocation.objects.get(service=svc).location
    Accessibility.objects.create(
        hsds_id="ramp", location=location, description="Ramp at the side door"
    )
    CostOption.objects.create(
        hsds_id="cost", service=svc, option="Visit", amount=20, currency="USD"
    )
    return svc


def test_the_page_shows_what_a_visitor_needs(client, clinic):
    response = client.get(url(clinic))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Bridge clinic",
        "Worcester Health Partners",
        "Main Street",
        "Worcester, MA 01602",
        "Mon, Tue, Wed, Thu, Fri",
        'href="tel:5085550100"',
        "English, Spanish",
        "Accepts Medicaid.",
        "No one is turned away",
        "Visit 20.00 USD",
        "Ramp at the side door",
        "Last checked",
        f"/find-help/services/{clinic.pk}/report/",
        "988",
    ):
        assert text in html, text


def test_directions_open_the_visitors_own_map_app(client, clinic):
    html = client.get(url(clinic)).content.decode()
    # Android and most phones: geo:; iPhone: Apple Maps; any browser: OpenStreetMap.
    assert 'href="geo:42.270300,-71.841700?q=42.270300,-71.841700(Bridge%20clinic)"' in html
    assert 'href="https://maps.apple.com/?daddr=42.270300,-71.841700' in html
    assert "https://www.openstreetmap.org/directions" in html


def test_the_page_sets_no_cookie_and_loads_nothing_from_elsewhere(client, clinic):
    response = client.get(url(clinic))
    assert not response.cookies
    html = response.content.decode()
    # Every image, script and style comes from Beacon itself.
    for tag in ("<script", "<img", "<iframe"):
        assert tag not in html
    assert 'rel="stylesheet" href="/static/' in html


def test_unknown_and_withdrawn_services_are_404(client):
    gone = service("Closed program", status="inactive")
    assert client.get(url(gone)).status_code == 404
    assert client.get(f"/find-help/services/{uuid.uuid4()}/").status_code == 404


def test_each_result_links_to_its_page_with_the_town(client, clinic):
    html = client.get("/find-help/", {"q": "bridge", "zip": "01602"}).content.decode()
    assert f'href="/find-help/services/{clinic.pk}/"' in html
    assert "Worcester Health Partners · Worcester" in html
