"""A participant's check-in asking for outreach, in a real browser at phone size (issue 17):
Riley checks in on their phone and asks their peer to reach out; the page says it was sent;
Pat's My day shows the request at once and Pat marks it answered from there.

Screenshots go to $BEACON_E2E_SHOTS/check-ins/ when BEACON_E2E_SHOTS names a folder."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from beacon.checkins.models import OutreachRequest
from tests.e2e.conftest import screenshot
from tests.e2e.test_journeys import sign_in, watch

pytestmark = pytest.mark.django_db(transaction=True)


def shot(page, name: str) -> None:
    screenshot(page, "check-ins", name)


def test_a_check_in_asking_for_outreach_reaches_the_peers_my_day(
    live_server, phone, axe, riley, riley_record, pat
):
    base = live_server.url
    participant = phone()
    participant_problems = watch(participant)
    sign_in(participant, base, riley)
    expect(participant.get_by_role("heading", level=1)).to_have_text("Hi, Riley")
    participant.get_by_role("link", name="Check in: how is today going?").click()
    expect(participant.get_by_role("heading", level=1)).to_have_text("Check-ins")
    assert axe(participant) == []
    shot(participant, "1-check-in-form")

    participant.get_by_role("radio", name="2 · Hard").check()
    participant.get_by_label("Cravings today").fill("6")
    participant.get_by_label("One line about today").fill("Payday, and I'm shaky.")
    participant.get_by_label("I'd like my peer to reach out").check()
    participant.get_by_role("button", name="Check in").click()
    expect(participant.locator(".messages")).to_contain_text("Thank you for checking in.")
    expect(participant.locator(".messages")).to_contain_text(
        "Pat will reach out. If you need someone now, call or text 988."
    )
    # The chart's table holds what they wrote.
    expect(participant.locator(".ci-table")).to_contain_text("Payday, and I'm shaky.")
    assert axe(participant) == []
    assert participant.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(participant, "2-sent")

    peer = phone()
    peer_problems = watch(peer)
    sign_in(peer, base, pat)
    section = peer.locator("section[aria-labelledby='myday-outreach']")
    expect(section).to_contain_text("Asked you to reach out (1)")
    expect(section).to_contain_text("Riley Shore")
    expect(section).to_contain_text("From a check-in")
    assert axe(peer) == []
    shot(peer, "3-peer-my-day")

    section.get_by_role("link", name="See check-ins").click()
    expect(peer.get_by_role("heading", level=1)).to_contain_text("Check-ins: Riley Shore")
    expect(peer.locator(".ci-table")).to_contain_text("Payday, and I'm shaky.")
    assert axe(peer) == []
    peer.go_back()
    peer.locator("section[aria-labelledby='myday-outreach']").get_by_role(
        "button", name="I reached out: mark answered"
    ).click()
    expect(peer.locator(".messages")).to_contain_text("Marked answered")
    expect(peer.locator("section[aria-labelledby='myday-outreach']")).to_contain_text(
        "Nobody is waiting for you to reach out."
    )
    shot(peer, "4-peer-answered")
    assert OutreachRequest.objects.get().answered_by == pat

    assert participant_problems == []
    assert peer_problems == []
