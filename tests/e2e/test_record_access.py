"""Who saw my record, in a real browser at phone size (issue 17): Pat opens Riley's record on
their phone; Riley, signed in on theirs, opens "Who saw my record" from the menu and reads that
Pat opened it. Under the strict CSP with nothing refused, no serious axe violation, nothing
wider than the screen; Resources and Times together too."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_journeys import sign_in, watch

pytestmark = pytest.mark.django_db(transaction=True)

SMALL = {"width": 360, "height": 740}


def _small(browser):
    context = browser.new_context(viewport=SMALL, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    return context.new_page()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= SMALL["width"]


def test_the_participant_sees_on_their_phone_that_their_peer_opened_their_record(
    live_server, browser, axe, pat, riley, riley_record
):
    peer = _small(browser)
    sign_in(peer, live_server.url, pat)
    peer.goto(f"{live_server.url}/participants/{riley_record.pk}/")
    expect(peer.get_by_role("heading", level=1)).to_contain_text("Riley")
    peer.context.close()

    page = _small(browser)
    problems = watch(page)
    sign_in(page, live_server.url, riley)
    page.locator("summary.nav-toggle").tap()
    page.get_by_role("link", name="Who saw my record").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who saw my record")
    entry = page.get_by_role("listitem").filter(has_text="Pat Peer")
    expect(entry.first).to_contain_text(re.compile(r"Pat Peer \(peer specialist, .+\) opened"))
    assert axe(page) == []
    assert _fits(page)

    for path, heading in (("/my/resources/", "Resources"), ("/my/visits/", "Times together")):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert axe(page) == []
        assert _fits(page)
    assert problems == []
