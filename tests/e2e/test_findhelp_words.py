"""Find Help in people's words, in a real browser at phone size (issue 18): a visitor searches
"narcan" near a ZIP code, finds the place that lists naloxone, opens its public page (address,
directions that open their own map app, hours, phone) with no cookie set and no request
anywhere but Beacon; and an organization admin adds a word to the synonym table."""

from __future__ import annotations

import re
from datetime import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from beacon.findhelp.services import synonyms_defaults_load
from beacon.findhelp.tests.factories import service
from tests.e2e.conftest import screenshot
from tests.e2e.test_journeys import sign_in, watch

pytestmark = pytest.mark.django_db(transaction=True)


def shot(page, name: str) -> None:
    screenshot(page, "findhelp-words", name)


def test_narcan_near_a_zip_finds_the_naloxone_place_and_its_page(live_server, phone, axe):
    # As migration findhelp/0008 loads them (an earlier transactional test empties the tables).
    synonyms_defaults_load()
    service(
        "Overdose prevention",
        organization="Worcester Harm Reduction",
        description="Free naloxone kits and training, no questions asked.",
        hours=(("MO,TU,WE,TH,FR,SA,SU", time(0), time(0)),),  # every day, all day
        languages=("English", "Spanish"),
    )
    service("Food pantry", description="Groceries every Friday.")
    page = phone()
    problems = watch(page)
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc))

    page.goto(f"{live_server.url}/find-help/")
    page.get_by_label(re.compile("looking for", re.I)).fill("narcan")
    page.get_by_label("ZIP code").fill("01602")
    page.get_by_role("button", name="Search").first.click()
    results = page.locator("#findhelp-results")
    expect(results).to_contain_text("1 place found near 01602")
    expect(results).to_contain_text("Overdose prevention")
    expect(results).to_contain_text("Worcester Harm Reduction · Worcester")
    expect(results).to_contain_text("Open now")
    expect(results).to_contain_text("“narcan” is listed as “naloxone”")
    assert axe(page) == []
    shot(page, "results")

    page.get_by_role("link", name="Overdose prevention", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overdose prevention")
    assert re.search(r"/find-help/services/[0-9a-f-]{36}/$", page.url)
    directions = page.get_by_role("link", name="Directions in your map app")
    assert directions.get_attribute("href").startswith("geo:42.270300,-71.841700")
    expect(page.get_by_role("link", name=re.compile("Call 508-555-0100"))).to_be_visible()
    expect(page.locator("main")).to_contain_text("English, Spanish")
    expect(page.get_by_role("link", name="Report a problem with this listing")).to_be_visible()
    expect(page.locator("body")).to_contain_text("988")
    assert axe(page) == []
    shot(page, "service-page")

    # No cookie, nothing fetched from anywhere but Beacon, nothing refused by the CSP.
    assert page.context.cookies() == []
    assert hosts == {urlsplit(live_server.url).netloc}
    assert problems == []


def test_an_admin_adds_a_word_and_search_reads_it(live_server, phone, axe, ada):
    service("Harbor House", description="A peer-run recovery residence for women.")
    page = phone()
    problems = watch(page)
    sign_in(page, live_server.url, ada)
    page.goto(f"{live_server.url}/find-help/words/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find Help in people's words")
    page.get_by_label("What people say").fill("three-quarter house")
    page.get_by_label("What the directory calls it").fill("recovery residence")
    page.get_by_role("button", name="Add").click()
    expect(page.locator("body")).to_contain_text(
        "Find Help now reads “three-quarter house” as “recovery residence”."
    )
    assert axe(page) == []
    shot(page, "synonyms")
    page.goto(f"{live_server.url}/find-help/?q=three-quarter+house&zip=01602")
    expect(page.locator("#findhelp-results")).to_contain_text("Harbor House")
    assert problems == []
