"""The journeys that matter most, in a real browser on a phone-sized screen: a peer signs in,
finds a participant and logs an encounter with a crisis flag; the supervisor sees the crisis
notification; the public searches Find Help without being tracked. Every page visited runs under
the strict CSP with nothing refused, and axe-core finds no serious violation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from beacon.encounters.models import Encounter
from conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def watch(page) -> list[str]:
    """Console errors (a CSP refusal shows up here) and failed requests, as they happen."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: None if _cut_off(r) else problems.append(f"failed: {r.url}"))
    return problems


def _cut_off(request) -> bool:
    """A request the browser abandoned because the page moved on (the notification badge's poll,
    the favicon Chromium fetches after a page has loaded): not a failure of Beacon's. A refused or
    unreachable resource fails otherwise (net::ERR_BLOCKED_BY_CSP, net::ERR_CONNECTION_REFUSED)."""
    return request.resource_type != "document" and request.failure == "net::ERR_ABORTED"


def sign_in(page, base: str, user) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_a_peer_logs_a_crisis_encounter_on_a_phone_and_the_supervisor_is_told(
    live_server, phone, axe, pat, sam, jordan
):
    page = phone()
    problems = watch(page)
    sign_in(page, live_server.url, pat)
    assert axe(page) == []
    expect(page.get_by_text("988")).to_be_visible()

    # On a phone the menu is folded behind its Menu button (issue 15).
    page.locator("summary.nav-toggle").click()
    page.get_by_role("link", name=re.compile("^Participants$")).first.click()
    page.get_by_label("Name, phone or record number").fill("Jordan")
    page.keyboard.press("Enter")
    page.get_by_role("link", name=re.compile("Jordan")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jordan")
    assert axe(page) == []

    page.get_by_role("link", name=re.compile("Log an encounter", re.I)).first.click()
    assert axe(page) == []
    page.get_by_role("radio", name="30", exact=True).check()
    page.get_by_role("radio", name="In person").check()
    page.get_by_role("radio", name="Community").check()
    page.get_by_role("radio", name="Crisis support").check()
    page.get_by_label("Note").fill("Talked through a hard night; made a safety plan together.")
    page.get_by_label("Crisis or safety concern").check()
    page.get_by_role("button", name="Save encounter").click()
    expect(page.get_by_text("Crisis or safety concern").first).to_be_visible()
    encounter = Encounter.objects.get(participant=jordan)
    assert encounter.crisis_flag
    assert problems == []

    supervisor = phone()
    supervisor_problems = watch(supervisor)
    sign_in(supervisor, live_server.url, sam)
    supervisor.goto(f"{live_server.url}/notifications/")
    expect(supervisor.get_by_text(re.compile("crisis", re.I)).first).to_be_visible()
    assert axe(supervisor) == []
    assert supervisor_problems == []


def test_the_public_searches_find_help_on_a_phone_without_being_tracked(
    live_server, phone, axe, settings
):
    from beacon.findhelp.demo import demo_directory_create

    demo_directory_create(seed=3, count=40)
    page = phone()
    problems = watch(page)
    page.goto(f"{live_server.url}/find-help/")
    expect(page.get_by_text("988").first).to_be_visible()
    assert axe(page) == []
    page.get_by_label(re.compile("ZIP", re.I)).fill("01608")
    page.get_by_role("button", name=re.compile("search", re.I)).first.click()
    expect(page.locator("main")).to_contain_text(re.compile(r"\d+(\.\d)? mi"))
    assert axe(page) == []
    assert page.context.cookies() == []
    assert problems == []


def test_a_search_beyond_the_rate_limit_says_when_to_try_again_and_keeps_the_search(
    live_server, phone, axe, settings
):
    settings.BEACON_RATE_LIMIT_PUBLIC_API = 1
    page = phone()
    problems = watch(page)
    page.goto(f"{live_server.url}/find-help/")
    # The limit counts per minute: two searches either side of a minute's turn both pass, so a
    # third is sent when the second was not refused.
    for words in ("housing", "peer coaching", "peer coaching"):
        page.get_by_label(re.compile("looking for", re.I)).fill(words)
        page.get_by_role("button", name=re.compile("search", re.I)).first.click()
        page.wait_for_load_state()
        if page.get_by_text(re.compile(r"try again in \d+ seconds")).count():
            break
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"try again in \d+ seconds"))
    expect(page.get_by_label(re.compile("looking for", re.I))).to_have_value("peer coaching")
    expect(page.get_by_text("988").first).to_be_visible()
    assert axe(page) == []
    assert page.context.cookies() == []
    # The browser reports the 429 itself; nothing else went wrong.
    assert [p for p in problems if "429" not in p] == []
