"""Reports (issue 20) in Chromium at phone size: a supervisor opens the outcomes, filters them by
peer and downloads a table as XLSX; a network viewer signs in, lands on the reports and opens the
statewide view, where small counts are hidden. Axe finds nothing serious, nothing is wider than
the 360 px screen, and the page's strict CSP refuses nothing (the charts are server-drawn SVG)."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from beacon.accounts.tests.factories import UserFactory
from beacon.reports.models import Network, NetworkMember, NetworkViewer

# The crafted dataset of the reports' own tests (beacon/reports/tests/conftest.py).
from beacon.reports.tests.conftest import crafted  # noqa: F401
from tests.e2e.conftest import screenshot
from tests.e2e.test_journeys import sign_in, watch
from tests.e2e.test_no_overflow import MEASURE
from tests.security.world import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def slow_machine(page):
    """The shared test machine runs many suites at once: give each step a minute."""
    page.context.set_default_timeout(60_000)
    return page


def fits(page, url: str | None = None) -> None:
    """The page, opened afresh at 360x740 as a phone would (tests/e2e/test_no_overflow.py), is
    no wider than the screen."""
    context = page.context.browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    try:
        context.add_cookies(page.context.cookies())
        fresh = context.new_page()
        fresh.goto(url or page.url)
        found = fresh.evaluate(MEASURE, 360)
    finally:
        context.close()
    assert found["scrollWidth"] <= 360, found


def test_a_supervisor_filters_the_outcomes_by_peer_and_downloads_a_table(
    live_server,
    phone,
    axe,
    sam,
    pat,
    crafted,  # noqa: F811 - the fixture imported above
):
    page = slow_machine(phone())
    problems = watch(page)
    sign_in(page, live_server.url, sam)
    page.locator("summary.nav-toggle").click()
    page.get_by_role("link", name="Reports", exact=True).click()
    fits(page)  # the landing page
    page.get_by_role("link", name="Outcomes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Outcomes")
    page.locator("#id_start").fill("2026-01-01")
    page.locator("#id_end").fill("2026-06-30")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".report-figures li").first).to_contain_text("4")
    # A chart with its title, and the same numbers in its table.
    chart = page.locator("svg.chart").first
    expect(chart).to_have_attribute("role", "img")
    assert axe(page) == []
    screenshot(page, "reports", "outcomes")
    fits(page)

    page.get_by_label("Peer").select_option(label="Pat Peer")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#described")).to_contain_text("peer: Pat Peer")
    expect(page.locator(".report-figures li").first).to_contain_text("3")
    table = page.locator("#table-referrals")
    expect(table.get_by_role("row", name=re.compile("Made"))).to_contain_text("2")
    assert axe(page) == []
    screenshot(page, "reports", "outcomes-pat")
    fits(page)

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download “Referrals made and connected”")).click()
    path = download.value.path()
    with open(path, "rb") as file:
        sheet = load_workbook(io.BytesIO(file.read())).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert "peer: Pat Peer" in rows[2][0]
    assert rows[5] == ["Made", 2, "100%"]
    assert problems == []


def test_a_network_viewer_sees_the_network_with_small_counts_hidden(
    live_server,
    phone,
    axe,
    harbor,
    lakeside,
    crafted,  # noqa: F811 - the fixture imported above
):
    network = Network.objects.create(name="Demo state network")
    for organization in (harbor, lakeside):
        NetworkMember.objects.create(network=network, organization=organization)
    nora = UserFactory(email="nora@state.test", name="Nora Network", password=PASSWORD)
    NetworkViewer.objects.create(network=network, user=nora)
    page = slow_machine(phone())
    problems = watch(page)
    sign_in(page, live_server.url, nora)
    # Their start page is the reports: the network they see, nothing of an organization.
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    page.get_by_role("link", name=re.compile("Statewide view")).click()
    page.locator("#id_start").fill("2026-01-01")
    page.locator("#id_end").fill("2026-06-30")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Demo state network")
    hidden = page.locator("td.suppressed")
    expect(hidden.first).to_contain_text("<11")
    assert hidden.count() >= 2
    assert axe(page) == []
    screenshot(page, "reports", "network")
    fits(page)
    # A participant's page is not theirs to open.
    answer = page.goto(f"{live_server.url}/participants/{crafted.people['A'].pk}/")
    assert answer.status in (403, 404)
    assert problems == [] or all("403" in p or "404" in p for p in problems)
