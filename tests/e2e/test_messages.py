"""Messages at phone size (issue 17, docs/portal.md): the participant writes to their peer on
/my/messages/; the peer sees it on My day, answers from the participant's page; the participant
reads the answer on /my/messages/ (and is emailed only that there is one). Axe-clean, 320 px
wide without overflow.

Screenshots of each step go to $BEACON_E2E_SHOTS/messages/ when BEACON_E2E_SHOTS names a folder."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from beacon.core.tests.worker import run_worker
from tests.e2e.conftest import screenshot
from tests.e2e.test_journeys import sign_in, watch

pytestmark = pytest.mark.django_db(transaction=True)

NARROW = {"width": 320, "height": 640}


def shot(page, name: str) -> None:
    screenshot(page, "messages", name)


def fits(page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= NARROW["width"]


def test_the_peer_answers_and_the_participant_reads_it_on_a_phone(
    live_server, phone, axe, riley, riley_record, pat
):
    base = live_server.url
    participant = phone()
    participant.set_viewport_size(NARROW)
    participant_problems = watch(participant)
    sign_in(participant, base, riley)
    participant.locator("summary.nav-toggle").click()
    participant.get_by_role("link", name="Messages", exact=True).click()
    expect(participant.get_by_role("heading", level=1)).to_have_text("Messages with Pat")
    participant.get_by_label("Your message").fill("Can we move Monday to the afternoon?")
    participant.get_by_role("button", name="Send").click()
    expect(participant.get_by_text("Can we move Monday to the afternoon?")).to_be_visible()
    fits(participant)
    assert axe(participant) == []
    shot(participant, "1-participant-wrote")

    peer = phone()
    peer_problems = watch(peer)
    sign_in(peer, base, pat)
    peer.goto(f"{base}/")
    unread = peer.locator("section[aria-labelledby='myday-messages']")
    expect(unread).to_contain_text("1 unread message")
    shot(peer, "2-peer-my-day")
    # From the participant's page, where the peer answers.
    peer.goto(f"{base}/participants/{riley_record.pk}/")
    peer.get_by_role("link", name=re.compile(r"^Messages \(1 new\)$")).click()
    expect(peer.get_by_text("Can we move Monday to the afternoon?")).to_be_visible()
    assert axe(peer) == []
    peer.get_by_label("Your message").fill("Sure: 2 pm at the center works for me.")
    peer.get_by_role("button", name="Send").click()
    expect(peer.get_by_text("Sent.")).to_be_visible()
    expect(peer.get_by_text("Sure: 2 pm at the center works for me.")).to_be_visible()
    shot(peer, "3-peer-answered")

    # The participant is told by email that there is a message, never what it says.
    run_worker()
    (email,) = mail.outbox
    assert "2 pm" not in email.body and "/my/messages/" in email.body

    participant.goto(f"{base}/my/messages/")
    answer = participant.get_by_text("Sure: 2 pm at the center works for me.")
    expect(answer).to_be_visible()
    items = participant.locator("ol.thread > li")
    expect(items.last).to_contain_text("Sure: 2 pm")  # the newest at the bottom
    expect(items.last).to_contain_text("new")
    fits(participant)
    assert axe(participant) == []
    shot(participant, "4-participant-reads")
    assert participant_problems == []
    assert peer_problems == []
