"""Issue 15 in a real browser at phone size: a form names every error at once (a follow-up
before the encounter with the rest, not after it), and the pages write dates one way."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from beacon.encounters.models import Encounter
from tests.e2e.conftest import screenshot
from tests.e2e.test_journeys import sign_in, watch

pytestmark = pytest.mark.django_db(transaction=True)

OTHER_DATE_FORMATS = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b(?:Jan|Feb|Aug|Sept|Oct|Nov|Dec)\. \d"
)


def shot(page, name: str) -> None:
    screenshot(page, "small", name)


def test_a_peer_sees_every_error_at_once_and_dates_one_way_on_a_phone(
    live_server, phone, axe, pat, jordan
):
    page = phone()
    problems = watch(page)
    sign_in(page, live_server.url, pat)
    page.goto(f"{live_server.url}/encounters/new/?participant={jordan.pk}")
    before = timezone.localdate() - timedelta(days=3)
    page.get_by_label("Or enter minutes").fill("2000")
    page.get_by_label("Note").fill("Met at the library; talked about the week.")
    page.get_by_label("Or pick a date").fill(before.isoformat())
    page.get_by_role("button", name="Save encounter").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    shot(page, "encounter-every-error-at-once")
    # One send names all five problems, the follow-up before the encounter among them.
    for text in (
        "between 0 and 1440 minutes",
        "Choose how you met.",
        "Choose where it happened.",
        "Choose what kind of encounter it was.",
        "The next follow-up cannot be before the encounter.",
    ):
        expect(summary).to_contain_text(text)
    expect(page.get_by_label("Note")).to_have_value("Met at the library; talked about the week.")
    assert axe(page) == []

    # Fixed in one go, it saves.
    page.get_by_label("Or enter minutes").fill("")
    page.get_by_role("radio", name="30", exact=True).check()
    page.get_by_role("radio", name="In person").check()
    page.get_by_role("radio", name="Community").check()
    page.get_by_role("radio", name="Check-in").check()
    page.get_by_label("Or pick a date").fill((timezone.localdate() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Save encounter").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    encounter = Encounter.objects.get(participant=jordan)

    # The record and the participant's page write dates one way: "Dec 14, 2026".
    follow_up = encounter.follow_up_on
    for url, name in (
        (f"/encounters/{encounter.pk}/", "encounter-detail-dates"),
        (f"/participants/{jordan.pk}/", "participant-dates"),
    ):
        page.goto(f"{live_server.url}{url}")
        shot(page, name)
        text = page.locator("main").inner_text()
        assert not OTHER_DATE_FORMATS.findall(text), (url, OTHER_DATE_FORMATS.findall(text))
    page.goto(f"{live_server.url}/encounters/{encounter.pk}/")
    expect(page.locator("main")).to_contain_text(
        f"{follow_up:%b} {follow_up.day}, {follow_up.year}"
    )
    # The browser reports the form sent back with its errors (400) itself; nothing else.
    assert [p for p in problems if "400 (Bad Request)" not in p] == []
