"""Issue 15, the referral with a consent recorded on the way, in a real browser at phone size:
a peer starts a referral for a participant without consent, is offered "Record the consent
now", records it with the recipient filled in from the directory, comes back to the kept
referral, sends it, sees the service's phone, address and hours, and opens the printable
referral. Screenshots of each step, to look at, go to $BEACON_E2E_SHOTS/referrals/ when
BEACON_E2E_SHOTS names a folder."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from beacon.consents.models import Consent
from beacon.directory.models import (
    Address,
    DirectoryOrganization,
    Location,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceAtLocation,
)
from beacon.referrals.models import Referral
from tests.e2e.conftest import screenshot
from tests.e2e.test_journeys import sign_in, watch

pytestmark = pytest.mark.django_db(transaction=True)
MERCY = "Mercy Community Health"


def _listed(n: int, org_name: str, service_name: str, town: str, zip_code: str, lat, lon):
    org = DirectoryOrganization.objects.create(hsds_id=f"org-{n}", name=org_name)
    service = Service.objects.create(hsds_id=f"svc-{n}", organization=org, name=service_name)
    location = Location.objects.create(
        hsds_id=f"loc-{n}", organization=org, latitude=lat, longitude=lon
    )
    Address.objects.create(
        hsds_id=f"adr-{n}",
        location=location,
        address_1=f"{10 + n} Elm Street",
        city=town,
        state_province="MA",
        postal_code=zip_code,
    )
    ServiceAtLocation.objects.create(hsds_id=f"sal-{n}", service=service, location=location)
    Phone.objects.create(hsds_id=f"ph-{n}", service=service, number=f"508-555-01{20 + n}")
    Schedule.objects.create(
        hsds_id=f"sch-{n}",
        service=service,
        freq="WEEKLY",
        byday="MO,TU,WE,TH,FR",
        opens_at=datetime.time(8, 30),
        closes_at=datetime.time(16, 30),
    )
    return service


@pytest.fixture
def directory(db):
    mercy = _listed(0, MERCY, "Recovery clinic (MOUD)", "Worcester", "01608", 42.262, -71.802)
    RequiredDocument.objects.create(hsds_id="doc-0", service=mercy, document="Photo ID")
    mercy.email = "intake@mercy.example.org"
    mercy.save(update_fields=["email"])
    # A second clinic of the same name elsewhere: the results must tell them apart.
    _listed(1, "Mercy Springfield", "Recovery clinic (MOUD)", "Springfield", "01103", 42.10, -72.59)
    return mercy


def shot(page, name: str) -> None:
    screenshot(page, "referrals", name)


def no_overflow(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def test_a_referral_with_the_consent_recorded_on_the_way(
    live_server, phone, axe, pat, jordan, directory
):
    page = phone()
    problems = watch(page)
    sign_in(page, live_server.url, pat)
    page.goto(f"{live_server.url}/participants/{jordan.pk}/")
    page.get_by_role("link", name="Refer", exact=True).click()

    # 1. Search: same-named services told apart by organization, town, distance and phone.
    page.get_by_label("Search the directory").fill("recovery clinic")
    page.get_by_label(re.compile("Distance from ZIP code")).fill("01609")
    page.get_by_role("button", name="Search").click()
    results = page.locator(".service-results li")
    expect(results).to_have_count(2)
    expect(results.nth(0)).to_contain_text(MERCY)
    expect(results.nth(0)).to_contain_text("Worcester, MA")
    expect(results.nth(0)).to_contain_text("miles away")
    expect(results.nth(0)).to_contain_text("508-555-0120")
    expect(results.nth(1)).to_contain_text("Springfield, MA")
    no_overflow(page)
    assert axe(page) == []
    shot(page, "01-search-results")

    # 2. The referral, refused: no consent names the recipient.
    results.nth(0).get_by_role("link", name="Recovery clinic (MOUD)").click()
    page.get_by_label("Reason for the referral").first.fill("Wants to start buprenorphine.")
    page.get_by_label("Name and contact details").check()
    page.get_by_label("Anything else that will be shared").fill("Mornings are best.")
    page.get_by_role("button", name="Send the referral").click()
    expect(page.get_by_role("heading", name="A consent is needed first")).to_be_visible()
    expect(page.get_by_text(f"naming {MERCY}, chosen from the directory").first).to_be_visible()
    no_overflow(page)
    assert axe(page) == []
    shot(page, "02-refused-offer-consent")
    assert not Referral.objects.exists()

    # 3. Record the consent now: the recipient comes from the directory, filled in.
    page.get_by_role("link", name="Record the consent now").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record the consent")
    recipient = page.get_by_label("Name").first
    expect(recipient).to_have_value(MERCY)
    expect(page.get_by_label("Why it may be shared")).to_have_value(
        re.compile("Wants to start buprenorphine")
    )
    expect(page.get_by_label("Specific recipient")).to_be_checked()
    no_overflow(page)
    assert axe(page) == []
    shot(page, "03-consent-prefilled")
    page.get_by_label("On a date").check()
    page.get_by_label("Last day the consent is valid").fill(
        (timezone.localdate() + datetime.timedelta(days=365)).isoformat()
    )
    page.get_by_label(re.compile("Signature: the signer types")).fill("Jordan Rivers")
    page.get_by_role("button", name="Record consent").click()

    # 4. Back to the kept referral, as it was typed.
    expect(page.get_by_text("Consent recorded.")).to_be_visible()
    expect(page.get_by_text("This is the referral as you left it")).to_be_visible()
    expect(page.get_by_label("Reason for the referral").first).to_have_value(
        "Wants to start buprenorphine."
    )
    expect(page.get_by_label("Name and contact details")).to_be_checked()
    expect(page.get_by_label("Anything else that will be shared")).to_have_value(
        "Mornings are best."
    )
    consent = Consent.objects.get(participant=jordan)
    assert consent.recipients.get().directory_organization == directory.organization
    no_overflow(page)
    assert axe(page) == []
    shot(page, "04-kept-referral")
    page.get_by_role("button", name="Send the referral").click()

    # 5. Sent: the service's phone, address and hours.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referral to")
    service = page.locator("section[aria-labelledby=service-h]")
    expect(service).to_contain_text("508-555-0120")
    expect(service).to_contain_text("10 Elm Street")
    expect(service).to_contain_text("Mon, Tue, Wed, Thu, Fri")
    expect(
        service.get_by_role("button", name=re.compile("Send the referral by email"))
    ).to_be_visible()
    assert Referral.objects.get().consent == consent
    no_overflow(page)
    assert axe(page) == []
    shot(page, "05-sent-referral")

    # 6. The printable referral for the participant: nothing of what was shared.
    page.get_by_role("link", name="Printable referral for the participant").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your referral")
    handout = page.locator("article.referral-handout")
    for text in ("10 Elm Street", "508-555-0120", "Photo ID", "Mon, Tue"):
        expect(handout).to_contain_text(text)
    expect(handout).not_to_contain_text("Mornings are best")
    no_overflow(page)
    assert axe(page) == []
    shot(page, "06-printable-referral")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_text("988").first).to_be_visible()
    shot(page, "07-printable-referral-as-printed")
    # The refused referral answered 400, as every form with errors does; nothing else failed.
    assert [p for p in problems if "status of 400" not in p] == []
    assert len(problems) == 1
