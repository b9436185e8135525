"""The participant's own Beacon, the whole journey the issue names, in real browsers at phone
size (issue 17): the participant signs in with the code their peer shows in person, checks in
asking for outreach; the peer sees it on My day and answers by message; the participant reads
the answer and takes back their consent for one recipient; a referral to that recipient is then
refused.

Each piece has its own, closer test (test_portal_join, test_check_ins, test_messages,
test_portal_consents); this one proves they make one path for one person.
Screenshots go to $BEACON_E2E_SHOTS/portal-journey/ when BEACON_E2E_SHOTS names a folder."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from beacon.consents.tests.factories import ConsentFactory
from beacon.referrals.models import Referral
from tests.e2e.conftest import screenshot
from tests.e2e.test_journeys import sign_in, watch

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long walk by the river"
MERCY = "Mercy Community Health"
NARROWEST = {"width": 320, "height": 640}


def shot(page, name: str) -> None:
    screenshot(page, "portal-journey", name)


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def test_join_check_in_get_an_answer_take_back_a_consent_on_a_phone(
    live_server, phone, axe, pat, jordan
):
    base = live_server.url
    ConsentFactory(participant=jordan, recipients=[MERCY, "Bayside Housing"])

    # The peer shows a code in person.
    peer = phone()
    peer_problems = watch(peer)
    sign_in(peer, base, pat)
    peer.goto(f"{base}/participants/{jordan.pk}/portal/")
    peer.get_by_role("button", name="Show a code").click()
    code = peer.locator("#join-code").inner_text().strip()

    # The participant types it on their own phone and sets a password.
    me = phone()
    me.set_viewport_size(NARROWEST)
    my_problems = watch(me)
    me.goto(f"{base}/my/join/")
    me.get_by_label("Your code").fill(code)
    me.get_by_role("button", name="Continue").click()
    me.get_by_label("Your email address").fill("jordan@example.test")
    me.get_by_label("Choose a password").fill(PASSWORD)
    me.get_by_label("Type the password again").fill(PASSWORD)
    me.get_by_role("button", name="Open my Beacon").click()
    expect(me).to_have_url(f"{base}/my/")
    expect(me.get_by_role("heading", level=1)).to_have_text("Hi, Jordan")
    fits(me)
    assert axe(me) == []
    shot(me, "1-home")

    # They check in and ask their peer to reach out.
    me.get_by_role("link", name="Check in: how is today going?").click()
    me.get_by_role("radio", name="2 · Hard").check()
    me.get_by_label("I'd like my peer to reach out").check()
    me.get_by_role("button", name="Check in").click()
    expect(me.locator(".messages")).to_contain_text("Pat will reach out.")
    fits(me)
    shot(me, "2-checked-in")

    # The peer sees it on My day at once and answers by message.
    peer.goto(f"{base}/")
    outreach = peer.locator("section[aria-labelledby='myday-outreach']")
    expect(outreach).to_contain_text("Jordan Rivers")
    assert axe(peer) == []
    shot(peer, "3-peer-my-day")
    peer.goto(f"{base}/participants/{jordan.pk}/messages/")
    peer.get_by_label("Your message").fill("I saw your check-in. Can I call you at 3?")
    peer.get_by_role("button", name="Send").click()
    expect(peer.get_by_text("Sent.")).to_be_visible()

    # The participant reads the answer.
    me.locator("summary.nav-toggle").click()
    me.get_by_role("link", name="Messages", exact=True).click()
    expect(me.locator("ol.thread > li").last).to_contain_text("Can I call you at 3?")
    fits(me)
    assert axe(me) == []
    shot(me, "4-reads-the-answer")

    # They take back their consent for one recipient.
    me.goto(f"{base}/my/consents/")
    me.get_by_role("link", name=re.compile(f"Take back for this one.*{MERCY}")).click()
    me.get_by_role("button", name=f"Yes, take it back for {MERCY}").click()
    expect(me.get_by_text(f"Done. {MERCY} can no longer receive")).to_be_visible()
    fits(me)
    shot(me, "5-consent-taken-back")

    # A referral to that recipient is now refused.
    peer.goto(f"{base}/referrals/participant/{jordan.pk}/new/")
    peer.get_by_label("Person or organization").fill(MERCY)
    peer.get_by_label("Reason for the referral").first.fill("Primary care.")
    peer.get_by_label("Name and contact details").check()
    peer.get_by_role("button", name="Send the referral").click()
    expect(peer.get_by_role("heading", name="A consent is needed first")).to_be_visible()
    shot(peer, "6-referral-refused")
    assert not Referral.objects.exists()
    assert my_problems == []
    # The refused referral answered 400, as every form with errors does.
    assert [p for p in peer_problems if "status of 400" not in p] == []
