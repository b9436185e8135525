"""Issue 17, part "plan", in a real browser at phone size: the participant opens My consents,
reads a consent in plain words, takes it back for one recipient (a confirm step; at once), and
their peer, told in Beacon, then tries to send a referral to that recipient from the referral
page: it is refused. Screenshots go to $BEACON_E2E_SHOTS/portal-consents/ when set."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from beacon.consents.tests.factories import ConsentFactory
from beacon.notifications.models import Notification
from beacon.referrals.models import Referral
from tests.e2e.conftest import screenshot
from tests.e2e.test_journeys import sign_in, watch

pytestmark = pytest.mark.django_db(transaction=True)
MERCY = "Mercy Community Health"


def no_overflow(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def test_the_participant_takes_back_one_recipient_and_the_referral_is_refused(
    live_server, phone, axe, riley, pat, riley_record
):
    consent = ConsentFactory(
        participant=riley_record,
        recipients=[MERCY, "Bayside Housing"],
        purpose="To coordinate my care.",
    )
    page = phone()
    problems = watch(page)
    sign_in(page, live_server.url, riley)
    page.locator("summary.nav-toggle").click()
    page.get_by_role("link", name="My consents").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My consents")
    expect(page.get_by_text("With: Bayside Housing and Mercy Community Health.")).to_be_visible()
    no_overflow(page)
    assert axe(page) == []
    screenshot(page, "portal-consents", "01-my-consents")

    page.get_by_role("link", name=re.compile(f"Take back for this one.*{MERCY}")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Take back a consent")
    no_overflow(page)
    assert axe(page) == []
    screenshot(page, "portal-consents", "02-confirm")
    page.get_by_role("button", name=f"Yes, take it back for {MERCY}").click()
    expect(page.get_by_text(f"Done. {MERCY} can no longer receive")).to_be_visible()
    expect(page.get_by_text("With: Bayside Housing.")).to_be_visible()
    no_overflow(page)
    assert axe(page) == []
    screenshot(page, "portal-consents", "03-taken-back")
    assert consent.recipients.get(name=MERCY).revoked_at is not None
    assert Notification.objects.filter(recipient=pat, kind="consent_revoked").exists()

    # The peer tries to send a referral to that recipient: refused.
    peer = phone()
    peer_problems = watch(peer)
    sign_in(peer, live_server.url, pat)
    peer.goto(f"{live_server.url}/referrals/participant/{riley_record.pk}/new/")
    peer.get_by_label("Person or organization").fill(MERCY)
    peer.get_by_label("Reason for the referral").first.fill("Primary care.")
    peer.get_by_label("Name and contact details").check()
    peer.get_by_role("button", name="Send the referral").click()
    expect(peer.get_by_role("heading", name="A consent is needed first")).to_be_visible()
    expect(peer.get_by_text(re.compile(f"No active consent .* with {MERCY}")).first).to_be_visible()
    no_overflow(peer)
    screenshot(peer, "portal-consents", "04-referral-refused")
    assert not Referral.objects.exists()
    assert problems == []
    # The refused referral answered 400, as every form with errors does; nothing else failed.
    assert [p for p in peer_problems if "status of 400" not in p] == []
