"""The public front door on a phone (issue 18, docs/public-site.md), as a fresh visitor with no
cookies: the home page, an organization's public page, and the self-check answered with the
keyboard alone. Every page axe clean, no wider than the screen, no cookie, no request to
anywhere but Beacon."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from beacon.organizations.models import Organization
from tests.e2e.conftest import screenshot
from tests.e2e.test_journeys import watch

pytestmark = pytest.mark.django_db(transaction=True)

NARROWEST = {"width": 360, "height": 740}


def shot(page, name: str) -> None:
    screenshot(page, "public-site", name)


def only_beacon(page, base: str) -> list[str]:
    """Every request the page makes that is not to Beacon itself, as it happens."""
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((base, "data:")) else elsewhere.append(r.url),
    )
    return elsewhere


def fits(page) -> None:
    """No wider than the screen, at the phone's width and at the narrowest phone's."""
    for size in (page.viewport_size, NARROWEST):
        page.set_viewport_size(size)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], (page.url, size, width)


def tab_to(page, predicate: str, most: int = 60) -> None:
    """Press Tab until the focused element matches (a JavaScript expression on `el`)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {predicate}; }})()"):
            return
    raise AssertionError(f"Tab never reached {predicate}")


def test_the_home_page_and_an_organization_page_on_a_phone(live_server, phone, axe, harbor):
    Organization.objects.filter(pk=harbor.pk).update(
        public_page_published=True,
        phone="(508) 555-0142",
        public_description=(
            "Peer recovery support in Worcester County, from people in long-term recovery. "
            "Every pathway is welcome: mutual aid, medication, faith, harm reduction."
        ),
        public_hours="Monday to Friday 9 am to 5 pm\nWalk-ins Saturday 10 am to 2 pm",
        address="12 Harbor Street\nWorcester, MA 01602",
        website="https://harbor-recovery-community.example.org/about-our-peer-support-services",
    )
    page = phone()
    problems = watch(page)
    elsewhere = only_beacon(page, live_server.url)

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You don't have to figure this out alone"
    )
    expect(page.get_by_role("search")).to_be_visible()
    for name in ("Talk to a peer", "Do I need treatment?", "Find a meeting", "Staff sign in"):
        expect(page.locator("main").get_by_role("link", name=name)).to_be_visible()
    expect(page.locator("main").get_by_role("link", name="988")).to_be_visible()
    assert axe(page) == []
    fits(page)
    shot(page, "home")

    # The search box leads to Find Help with the words and the ZIP code.
    page.get_by_label("What are you looking for?").fill("recovery support")
    page.get_by_label("ZIP code").fill("01602")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/find-help/\?q=recovery\+support&zip=01602"))

    page.goto(f"{live_server.url}/o/{harbor.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Harbor Recovery Community")
    expect(page.get_by_role("link", name="Talk to a peer")).to_have_attribute(
        "href", "/talk-to-a-peer/?o=harbor-recovery-community"
    )
    expect(page.get_by_role("link", name="Call (508) 555-0142")).to_have_attribute(
        "href", "tel:5085550142"
    )
    expect(page.locator("main")).to_contain_text("Walk-ins Saturday")
    assert axe(page) == []
    fits(page)
    shot(page, "organization")
    assert problems == [], problems

    page.goto(f"{live_server.url}/o/nobody-here/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert axe(page) == []
    assert [p for p in problems if "404" not in p] == [], problems

    assert page.context.cookies() == []
    assert elsewhere == []


def test_the_self_check_by_keyboard_alone_ends_in_a_caring_next_step(live_server, phone, axe):
    page = phone()
    problems = watch(page)
    elsewhere = only_beacon(page, live_server.url)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Do I need treatment?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Do I need treatment?")
    expect(page.locator("main")).to_contain_text("nothing you answer is saved")
    assert axe(page) == []
    fits(page)
    shot(page, "self-check")

    # Sent with nothing answered: the questions left are named, nothing else happens.
    tab_to(page, "el.tagName === 'BUTTON' && el.textContent.includes('See my result')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("questions need an answer")
    assert axe(page) == []
    shot(page, "self-check-errors")

    # Question 1: "2 to 4 times a month" (2); 2: "3 or 4" (1); 3: "Less than monthly" (1);
    # "A woman" (cut-off 3); drugs: "None". AUDIT-C 4: at her cut-off and past it.
    tab_to(page, "el.name === 'frequency'")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="2 to 4 times a month")).to_be_checked()
    expect(page.get_by_role("radio", name="3 or 4")).to_be_checked()
    expect(page.get_by_role("radio", name="Less than monthly")).to_be_checked()
    expect(page.get_by_role("radio", name="A woman")).to_be_checked()
    expect(page.get_by_role("radio", name="None (0 times)")).to_be_checked()
    shot(page, "self-check-answered")
    page.keyboard.press("Tab")
    with page.expect_request(lambda r: r.method == "POST") as sent:
        page.keyboard.press("Enter")
    assert sent.value.post_data and "frequency=2" in sent.value.post_data

    expect(page.get_by_role("heading", level=1)).to_have_text("Your self-check result")
    main = page.locator("main")
    expect(main).to_contain_text("This is not a diagnosis.")
    expect(main).to_contain_text("talk with someone about your drinking")
    expect(main).to_contain_text("add up to 4 out of 12")
    for name in ("Talk to a peer", "Find help near you", "Find a meeting", "Call or text 988"):
        expect(main.get_by_role("link", name=name)).to_be_visible()
    # The answers are in no address: not this page's, so not the browser's history.
    assert page.url == f"{live_server.url}/self-check/"
    tab_to(page, "el.textContent.trim() === 'Talk to a peer'")
    assert axe(page) == []
    fits(page)
    shot(page, "self-check-result")

    assert page.context.cookies() == []
    assert elsewhere == []
    assert problems == [], problems
