"""The phone layout of issue 15, in a real browser: the menu folded behind one button (by
touch, by keyboard and without scripts) and whole at desk size; the encounter form's work on
the first screen with its button in reach; Find Help's result count on the first screen with
the filters folded. Every page under the strict CSP with nothing refused, and no serious axe
violation. Screenshots go to BEACON_E2E_SHOTS when it names a folder (docs/phone.md)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from beacon.encounters.models import Encounter
from tests.e2e.test_journeys import sign_in, watch

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("BEACON_E2E_SHOTS")
SMALL = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 800}


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def small(browser, **options):
    context = browser.new_context(viewport=SMALL, is_mobile=True, has_touch=True, **options)
    context.set_default_timeout(15_000)
    return context.new_page()


def on_first_screen(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] + box["height"] <= SMALL["height"]


def test_the_menu_folds_on_a_phone_and_opens_by_touch_and_keyboard(live_server, browser, axe, pat):
    page = small(browser)
    problems = watch(page)
    sign_in(page, live_server.url, pat)
    menu = page.locator("summary.nav-toggle")
    participants = page.get_by_role("link", name="Participants", exact=True)
    expect(menu).to_be_visible()
    expect(participants).to_be_hidden()
    # The notification badge and the crisis line stay in sight; the page's work starts on the
    # first screen.
    expect(page.locator("#notification-badge")).to_be_visible()
    expect(page.get_by_role("link", name="988")).to_be_visible()
    assert on_first_screen(page.get_by_role("heading", level=1))
    assert page.evaluate("document.querySelector('main').getBoundingClientRect().top") < 140
    shot(page, "menu-closed-360")

    menu.tap()
    expect(participants).to_be_visible()
    assert axe(page) == []
    shot(page, "menu-open-360")
    menu.tap()
    expect(participants).to_be_hidden()

    # By keyboard: Tab to the button, Enter opens, Escape folds it and keeps the focus there.
    menu.focus()
    page.keyboard.press("Enter")
    expect(participants).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(participants).to_be_hidden()
    expect(menu).to_be_focused()
    page.keyboard.press("Enter")
    expect(participants).to_be_visible()
    participants.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Participants")
    assert problems == []


def test_the_menu_works_without_scripts(live_server, browser, pat):
    page = small(browser, java_script_enabled=False)
    sign_in(page, live_server.url, pat)
    participants = page.get_by_role("link", name="Participants", exact=True)
    expect(participants).to_be_hidden()
    page.locator("summary.nav-toggle").tap()
    expect(participants).to_be_visible()


def test_the_whole_menu_shows_at_desk_size(live_server, browser, axe, ada):
    for scripts in (True, False):
        context = browser.new_context(viewport=DESK, java_script_enabled=scripts)
        page = context.new_page()
        sign_in(page, live_server.url, ada)
        expect(page.locator("summary.nav-toggle")).to_be_hidden()
        nav = page.get_by_role("navigation", name="Main")
        for name in ("Participants", "Audit trail", "My account"):
            expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        if scripts:
            assert axe(page) == []
            shot(page, "menu-desk-1280")
        context.close()


def test_an_encounter_from_a_phone_starts_with_its_work(live_server, browser, axe, pat, jordan):
    page = small(browser)
    problems = watch(page)
    sign_in(page, live_server.url, pat)
    page.goto(f"{live_server.url}/encounters/new/?participant={jordan.pk}")
    save = page.get_by_role("button", name="Save encounter")
    # How long and how are on the first screen, and the button is in reach at its bottom.
    assert on_first_screen(page.get_by_role("radio", name="30", exact=True))
    assert on_first_screen(page.get_by_role("radio", name="In person"))
    assert on_first_screen(save)
    expect(page.get_by_label("Topics", exact=False).first).to_be_hidden()
    assert axe(page) == []
    shot(page, "encounter-360")

    page.get_by_role("radio", name="30", exact=True).check()
    page.get_by_role("radio", name="In person").check()
    page.get_by_role("radio", name="Community").check()
    page.get_by_label("Note").fill("Walked to the food pantry together.")
    page.get_by_text("When and topics").tap()
    page.get_by_role("checkbox", name="Housing").check()
    page.get_by_role("checkbox", name="Benefits").check()
    save.tap()
    # "What kind" was left out: the error names it, and everything typed or ticked is kept,
    # the fold open to show the ticks.
    expect(page.locator(".error-summary")).to_contain_text("What kind")
    expect(page.get_by_label("Note")).to_have_value("Walked to the food pantry together.")
    expect(page.get_by_role("checkbox", name="Housing")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Benefits")).to_be_visible()
    shot(page, "encounter-errors-360")
    page.get_by_role("radio", name="Check-in").check()
    page.get_by_role("button", name="Save encounter").tap()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    encounter = Encounter.objects.get(participant=jordan)
    assert sorted(encounter.topics) == ["benefits", "housing"]
    # The browser reports the 400 of the form sent with an error itself; nothing else failed.
    assert [p for p in problems if "400" not in p] == []


def test_find_help_on_a_phone_shows_the_results_first(live_server, browser, axe):
    from beacon.findhelp.demo import demo_directory_create

    demo_directory_create(seed=3, count=40)
    page = small(browser)
    problems = watch(page)
    # Filters whose results do not depend on the time of day (unlike "Open now").
    page.goto(f"{live_server.url}/find-help/?zip=01608&payment=medicaid")
    count = page.get_by_role("heading", name=re.compile(r"places? found"))
    filters = page.locator("summary", has_text="Filters (1 active)")
    expect(filters).to_be_visible()
    expect(page.get_by_label("Payment")).to_be_hidden()
    shot(page, "findhelp-360")
    assert on_first_screen(count)
    assert on_first_screen(page.locator(".findhelp-result h3").first)
    assert axe(page) == []

    filters.tap()
    page.get_by_label("Same-day intake").check()
    page.get_by_role("button", name="Search with these filters").tap()
    expect(page.locator("summary", has_text="Filters (2 active)")).to_be_visible()
    expect(page.get_by_label("Payment")).to_be_hidden()
    assert page.context.cookies() == []

    desk = browser.new_page(viewport=DESK)
    desk.goto(page.url)
    expect(desk.get_by_label("Payment")).to_have_value("medicaid")
    expect(desk.get_by_label("Same-day intake")).to_be_checked()
    expect(desk.locator(".findhelp-filters > summary")).to_be_hidden()
    shot(desk, "findhelp-desk-1280")
    desk.close()
    assert problems == []


def test_a_table_stacks_with_its_column_headings_as_labels(live_server, browser, pat, jordan):
    page = small(browser)
    sign_in(page, live_server.url, pat)
    page.goto(f"{live_server.url}/participants/?q=Jordan")
    row = page.locator("table.stack tbody tr").first
    # The template labels no cell here: beacon.js copies each column's heading.
    record = row.locator("td").nth(1)
    expect(record).to_have_attribute("data-label", "Record")
    label = record.evaluate("td => getComputedStyle(td, '::before').content")
    assert label in ('"Record"', "attr(data-label)")
    box = row.bounding_box()
    assert box["width"] <= SMALL["width"]
    # One cell under the other, not side by side.
    first, second = row.locator("td").nth(0).bounding_box(), record.bounding_box()
    assert second["y"] >= first["y"] + first["height"] - 1
    shot(page, "participants-360")
