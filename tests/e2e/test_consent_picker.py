"""Issue 15, a consent's recipient chosen from the resource directory, in a real browser at
phone size: a peer records a consent, finds the clinic in the directory by typing (htmx shows
the entries as radio buttons), chooses the one in Worcester rather than its namesake elsewhere,
types a second recipient outside the directory, records the consent, and a referral to the
chosen service then passes the consent gate. Screenshots, to look at, go to
$BEACON_E2E_SHOTS/picker/ when BEACON_E2E_SHOTS names a folder."""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from beacon.consents.models import Consent
from beacon.referrals.models import Referral
from tests.e2e.test_journeys import sign_in, watch
from tests.e2e.test_referral_consent import MERCY, _listed, no_overflow

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("BEACON_E2E_SHOTS")


@pytest.fixture
def clinic(db):
    """Two directory services named alike, in Worcester and in Springfield: the Worcester one."""
    _listed(1, "Mercy Springfield", "Recovery clinic (MOUD)", "Springfield", "01103", 42.10, -72.59)
    return _listed(0, MERCY, "Recovery clinic (MOUD)", "Worcester", "01608", 42.262, -71.802)


def shot(page, name: str) -> None:
    if SHOTS:
        folder = Path(SHOTS) / "picker"
        folder.mkdir(parents=True, exist_ok=True)
        # The part being worked on, at the size it is seen on the phone; then the whole page.
        page.screenshot(path=str(folder / f"{name}-screen.png"))
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_a_consent_recipient_chosen_from_the_directory_lets_the_referral_go(
    live_server, phone, axe, pat, jordan, clinic
):
    page = phone()
    problems = watch(page)
    sign_in(page, live_server.url, pat)
    page.goto(live_server.url + reverse("consents:new", args=[jordan.pk]))
    page.get_by_label("Specific recipient").check()

    # 1. Typing in "Find in the directory" shows the entries, told apart by organization and
    #    town, without leaving the page (everything typed so far stays as it is).
    page.get_by_label(re.compile("^What information may be shared")).fill(
        "Name, contact details and the reason for the referral."
    )
    find = page.locator("#id_recipients-0-find")
    find.fill("recovery clinic")
    entries = page.locator("#recipient-0-matches")
    expect(entries.get_by_role("radio")).to_have_count(2)
    expect(entries).to_contain_text("2 entries found for “recovery clinic”")
    expect(entries).to_contain_text(f"{MERCY} · Worcester")
    expect(entries).to_contain_text("Mercy Springfield · Springfield")
    expect(find).to_be_focused()  # the search as one types keeps the focus in the box
    # Said to screen readers by the status line, which stays in place (htmx fills it).
    expect(page.locator("#recipient-0-status[role=status]")).to_have_text("2 entries found.")
    no_overflow(page)
    assert axe(page) == []
    entries.scroll_into_view_if_needed()
    shot(page, "01-entries-found")

    # 2. Choosing one (by keyboard): the row names that entry, read-only, its organization
    #    as the role; the text typed elsewhere is still there.
    worcester = entries.get_by_role("radio", name=re.compile(f"{MERCY} · Worcester"))
    worcester.focus()
    page.keyboard.press("Space")
    expect(worcester).to_be_checked()
    page.get_by_role("button", name="Choose for recipient 1").click()
    name = page.locator("#id_recipients-0-name")
    expect(name).to_have_value("Recovery clinic (MOUD)")
    expect(name).to_have_attribute("readonly", "")
    expect(name).to_be_focused()
    expect(page.locator("#id_recipients-0-description")).to_have_value(MERCY)
    expect(page.get_by_text("Chosen from the resource directory.")).to_be_visible()
    expect(page.get_by_label(re.compile("^What information may be shared"))).to_have_value(
        "Name, contact details and the reason for the referral."
    )
    expect(page.get_by_role("button", name="Type a name instead")).to_be_visible()
    no_overflow(page)
    assert axe(page) == []
    page.locator("#recipient-row-0").scroll_into_view_if_needed()
    shot(page, "02-recipient-chosen")

    # With scripts, Enter in a row's box finds for that row, in place (no new page).
    page.evaluate("window.stillHere = true")
    other = page.locator("#id_recipients-1-find")
    other.focus()
    page.keyboard.type("springfield")
    page.keyboard.press("Enter")
    expect(page.locator("#recipient-1-matches").get_by_role("radio")).to_have_count(2)
    assert page.evaluate("window.stillHere === true")
    expect(name).to_have_value("Recovery clinic (MOUD)")

    # 3. A second recipient outside the directory, typed; the rest of the consent.
    page.locator("#id_recipients-1-name").fill("Sam Ortiz")
    page.locator("#id_recipients-1-description").fill("Sponsor")
    page.get_by_label(re.compile("^Why it may be shared")).fill("To make a referral.")
    page.get_by_label("On a date").check()
    page.get_by_label("Last day the consent is valid").fill(
        (timezone.localdate() + datetime.timedelta(days=365)).isoformat()
    )
    page.get_by_label(re.compile("Signature: the signer types")).fill("Jordan Rivers")
    shot(page, "03-consent-filled")
    page.get_by_role("button", name="Record consent").click()
    expect(page.get_by_text("Consent recorded.")).to_be_visible()
    consent = Consent.objects.get(participant=jordan)
    recipients = {r.name: r for r in consent.recipients.all()}
    assert recipients["Recovery clinic (MOUD)"].directory_service == clinic
    assert recipients["Sam Ortiz"].directory_service is None
    assert recipients["Sam Ortiz"].directory_organization is None
    no_overflow(page)
    shot(page, "04-consent-recorded")

    # 4. A referral to that service passes the consent gate at once.
    page.goto(live_server.url + reverse("referrals:new", args=[jordan.pk]))
    page.get_by_label("Search the directory").fill("recovery clinic")
    page.get_by_role("button", name="Search").click()
    page.locator(".service-results li").filter(has_text="Worcester").get_by_role(
        "link", name="Recovery clinic (MOUD)"
    ).click()
    page.get_by_label("Reason for the referral").first.fill("Wants to start buprenorphine.")
    page.get_by_label("Name and contact details").check()
    page.get_by_role("button", name="Send the referral").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referral to")
    assert Referral.objects.get().consent == consent
    no_overflow(page)
    shot(page, "05-referral-sent")
    assert problems == []


def test_without_scripts_find_and_choose_are_buttons(live_server, browser, pat, jordan, clinic):
    """Scripts off: "Find" sends the form and the page comes back with the entries found (the
    first one focused) and everything typed; "Choose" names the entry chosen."""
    from tests.e2e.conftest import PHONE

    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, pat)
        page.goto(live_server.url + reverse("consents:new", args=[jordan.pk]))
        page.get_by_label("Specific recipient").check()
        page.get_by_label(re.compile("Signature: the signer types")).fill("Jordan Rivers")
        page.locator("#id_recipients-1-find").fill("worcester")
        page.get_by_role("button", name="Find recipient 2 in the directory").click()
        entries = page.locator("#recipient-1-matches")
        expect(entries.get_by_role("radio")).to_have_count(2)  # the organization, its service
        expect(entries.get_by_role("radio").first).to_be_focused()
        expect(page.get_by_label("Specific recipient")).to_be_checked()
        expect(page.get_by_label(re.compile("Signature: the signer types"))).to_have_value(
            "Jordan Rivers"
        )
        shot(page, "06-no-script-entries-found")
        entries.get_by_role("radio", name=re.compile("Organization: all its services")).check()
        page.get_by_role("button", name="Choose for recipient 2").click()
        expect(page.locator("#id_recipients-1-name")).to_have_value(MERCY)
        expect(page.locator("#id_recipients-1-directory_organization")).to_have_value(
            str(clinic.organization.pk)
        )
        no_overflow(page)
        shot(page, "07-no-script-organization-chosen")
    finally:
        context.close()
