"""A meeting search on a phone (issue 18): a fresh visitor, no sign-in, no cookie, no script,
finds a Spanish-language meeting near a ZIP code starting in the next two hours, opens it, and
sees its place, online link and dial-in; every page axe clean. Then a peer shares it with a
participant from the meeting's page."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from beacon.meetings.models import SharedMeeting
from beacon.meetings.tests.factories import meeting
from tests.e2e.conftest import screenshot
from tests.e2e.test_journeys import sign_in, watch

pytestmark = pytest.mark.django_db(transaction=True)
EASTERN = ZoneInfo("America/New_York")


def shot(page, name: str) -> None:
    screenshot(page, "meetings", name)


def _soon(minutes: int) -> tuple[str, datetime.time]:
    """The Meeting Guide day and the time `minutes` from now in New York."""
    local = timezone.now().astimezone(EASTERN) + datetime.timedelta(minutes=minutes)
    return str((local.weekday() + 1) % 7), local.time().replace(second=0, microsecond=0)


def test_a_visitor_finds_a_meeting_starting_soon_on_a_phone(
    live_server, phone, axe, harbor, pat, jordan
):
    day, start = _soon(45)
    meeting(
        harbor,
        "Grupo Esperanza",
        types=("O", "S"),
        days=day,
        time=start,
        location="Grace Community Church",
        conference_url="https://meet.example.org/j/42",
        conference_phone="+15085550142,,42#",
        notes="Entrada por la puerta lateral.",
    )
    later_day, later = _soon(300)
    meeting(harbor, "Evening Speaker", types=("O", "SP"), days=later_day, time=later)
    page = phone()
    problems = watch(page)
    page.goto(f"{live_server.url}/find-help/meetings/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a mutual-aid meeting")
    assert axe(page) == []
    page.get_by_label("ZIP code").fill("01608")
    page.get_by_label("When it starts").select_option(label="In the next 2 hours")
    page.locator("summary").click()
    page.get_by_label("Spanish").check()
    shot(page, "search-form")
    page.get_by_role("button", name="Find meetings", exact=True).click()
    results = page.locator(".findhelp-results")
    expect(page.get_by_role("heading", level=2).first).to_contain_text("1 meeting found")
    expect(results).to_contain_text("Grupo Esperanza")
    expect(results).not_to_contain_text("Evening Speaker")
    expect(results).to_contain_text(re.compile(r"Starts in 4\d minutes"))
    expect(results).to_contain_text("Spanish")
    assert axe(page) == []
    shot(page, "results")
    assert page.context.cookies() == []
    assert page.locator("script").count() == 0

    page.get_by_role("link", name="Grupo Esperanza").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grupo Esperanza")
    main = page.locator("main")
    expect(main).to_contain_text("Entrada por la puerta lateral.")
    expect(page.get_by_role("link", name="Join online")).to_have_attribute(
        "href", "https://meet.example.org/j/42"
    )
    expect(page.get_by_role("link", name=re.compile("Dial in"))).to_have_attribute(
        "href", "tel:+15085550142,,42#"
    )
    assert axe(page) == []
    shot(page, "meeting")
    assert page.context.cookies() == []
    assert problems == []

    # A peer shares it with a participant on their caseload.
    peer = phone()
    sign_in(peer, live_server.url, pat)
    peer.goto(page.url)
    peer.get_by_label("Share with", exact=True).select_option(label=jordan.display_name)
    peer.get_by_label("A word for them").fill("Nos vemos ahí.")
    assert axe(peer) == []
    peer.get_by_role("button", name="Share").click()
    expect(peer.get_by_role("heading", level=1)).to_contain_text("Meetings shared with")
    expect(peer.locator("main")).to_contain_text("Grupo Esperanza")
    assert axe(peer) == []
    shot(peer, "shared")
    assert SharedMeeting.objects.get().participant == jordan
