"""Getting into one's own Beacon in a real browser at phone size (issue 17): the peer opens the
participant's "own Beacon" page, shows a code (large, with a QR code); the participant, on their
own phone, types it, sets a password and lands on their home, /my/.

Screenshots go to $BEACON_E2E_SHOTS/portal-join/ when BEACON_E2E_SHOTS names a folder."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from beacon.participants.models import Participant
from tests.e2e.conftest import screenshot
from tests.e2e.test_journeys import sign_in, watch

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long walk by the river"
NARROWEST = {"width": 320, "height": 640}


def shot(page, name: str) -> None:
    screenshot(page, "portal-join", name)


def overflow(page) -> int:
    """How many pixels the page is wider than the screen (0: none)."""
    return page.evaluate(
        "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
    )


def test_a_participant_joins_with_an_in_person_code_on_a_phone(
    live_server, phone, axe, pat, jordan
):
    base = live_server.url
    peer = phone()
    peer_problems = watch(peer)
    sign_in(peer, base, pat)
    peer.goto(f"{base}/participants/{jordan.pk}/")
    peer.get_by_role("link", name="Their own Beacon").click()
    expect(peer.get_by_role("heading", level=1)).to_contain_text("their own Beacon")
    expect(peer.get_by_text("Not invited yet")).to_be_visible()
    assert axe(peer) == []
    shot(peer, "1-peer-page")

    peer.get_by_role("button", name="Show a code").click()
    expect(peer.get_by_role("heading", level=1)).to_have_text("Their code")
    code = peer.locator("#join-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    expect(peer.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    expect(peer.get_by_text(re.compile(r"Works once, until .*15 minutes from now"))).to_be_visible()
    assert axe(peer) == []
    peer.set_viewport_size(NARROWEST)
    assert overflow(peer) == 0
    shot(peer, "2-peer-code")

    participant = phone()
    participant_problems = watch(participant)
    participant.goto(f"{base}/my/join/")
    expect(participant.get_by_role("heading", level=1)).to_have_text("Open your own Beacon")
    assert axe(participant) == []
    participant.get_by_label("Your code").fill(code.lower())
    shot(participant, "3-participant-code")
    participant.get_by_role("button", name="Continue").click()

    expect(participant.get_by_role("heading", level=1)).to_have_text("Set up your sign-in")
    assert axe(participant) == []
    participant.get_by_label("Your email address").fill("jordan@example.test")
    participant.get_by_label("Choose a password").fill(PASSWORD)
    participant.get_by_label("Type the password again").fill(PASSWORD)
    participant.set_viewport_size(NARROWEST)
    assert overflow(participant) == 0
    shot(participant, "4-participant-password")
    participant.get_by_role("button", name="Open my Beacon").click()

    expect(participant).to_have_url(f"{base}/my/")
    expect(participant.get_by_role("heading", level=1)).to_have_text("Hi, Jordan")
    expect(participant.get_by_text("Welcome to your own Beacon.")).to_be_visible()
    expect(participant.get_by_role("link", name="Add an authenticator app")).to_be_visible()
    assert axe(participant) == []
    assert overflow(participant) == 0
    shot(participant, "5-participant-home")

    # The peer sees that they signed up.
    peer.goto(f"{base}/participants/{jordan.pk}/portal/")
    expect(peer.get_by_text("Signed up")).to_be_visible()
    assert Participant.objects.get(pk=jordan.pk).account.email == "jordan@example.test"
    assert peer_problems == []
    assert participant_problems == []
