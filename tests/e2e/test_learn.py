"""Learn and the glossary on a phone (issue 18, docs/public-site.md): a visitor with no cookies
reads an article, opens its printable version and searches the glossary, with nothing fetched
from another site, no cookie set and axe clean; a supervisor writes and publishes an article."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from beacon.learn.demo import demo_learn_create
from conftest import member_of
from tests.e2e.conftest import screenshot
from tests.e2e.test_journeys import sign_in, watch

pytestmark = pytest.mark.django_db(transaction=True)


def shot(page, name: str) -> None:
    screenshot(page, "learn", name)


def test_a_visitor_reads_an_article_prints_it_and_searches_the_glossary(
    live_server, phone, axe, ada, pat
):
    demo_learn_create(admin=member_of(ada), peer=member_of(pat))
    page = phone()
    problems = watch(page)
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc))

    page.goto(f"{live_server.url}/learn/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Learn about addiction")
    expect(page.get_by_role("heading", name="Staying safe", exact=True)).to_be_visible()
    assert axe(page) == []
    shot(page, "1-learn")

    page.get_by_role("link", name="Naloxone: how to help during an overdose").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Naloxone: how to help during an overdose"
    )
    expect(page.locator(".learn-meta").first).to_contain_text(re.compile(r"\d+ minute read"))
    expect(page.get_by_role("heading", name="What to do", exact=True)).to_be_visible()
    expect(page.get_by_label("Link to share")).to_have_value(
        f"{live_server.url}/learn/naloxone-and-overdose-response/"
    )
    assert axe(page) == []
    shot(page, "2-article")

    page.get_by_role("link", name="Printable version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Naloxone: how to help during an overdose"
    )
    expect(page.get_by_role("button", name="Print")).to_be_visible()  # shown by its script
    assert axe(page) == []
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    shot(page, "3-print")
    page.emulate_media(media="screen")

    page.goto(f"{live_server.url}/glossary/")
    page.get_by_label("Search the glossary").fill("narcan")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_contain_text("1 term found for “narcan”")
    assert "q=narcan" in page.url  # a plain GET form: works without JavaScript
    assert axe(page) == []
    shot(page, "4-glossary-search")
    page.get_by_role("link", name="Naloxone", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Naloxone")
    assert page.url.endswith("/glossary/naloxone/")
    assert axe(page) == []
    shot(page, "5-term")

    page.goto(f"{live_server.url}/glossary/?q=relapse")
    expect(page.locator("#say-relapse")).to_contain_text("return to use")
    assert axe(page) == []
    shot(page, "6-language-guide")

    assert page.context.cookies() == []
    assert hosts == {urlsplit(live_server.url).netloc}, hosts
    assert problems == []


def test_a_supervisor_writes_and_publishes_an_article_the_public_then_reads(
    live_server, phone, axe, sam
):
    page = phone()
    problems = watch(page)
    sign_in(page, live_server.url, sam)
    page.locator("summary.nav-toggle").click()
    page.get_by_role("link", name="Learn articles").click()
    page.get_by_role("link", name="Write an article").click()
    page.get_by_label("Title", exact=True).fill("Sleep and recovery")
    page.get_by_label("Web address", exact=True).fill("sleep-and-recovery")
    page.get_by_label("Category", exact=True).select_option(label="Coping and wellbeing")
    page.get_by_label("Summary", exact=True).fill("Rest helps your body and mind heal.")
    page.get_by_label("Article", exact=True).fill(
        "## Why sleep matters\n\nSleep helps you handle stress."
    )
    assert axe(page) == []
    shot(page, "7-write")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("Draft.", exact=True)).to_be_visible()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Published.", exact=True)).to_be_visible()
    assert axe(page) == []
    shot(page, "8-published")

    visitor = phone()
    visitor.goto(f"{live_server.url}/learn/sleep-and-recovery/")
    expect(visitor.get_by_role("heading", name="Why sleep matters")).to_be_visible()
    assert problems == []
