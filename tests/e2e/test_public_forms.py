"""The two public forms of Find Help, sent from a real browser on a phone-sized screen by a
fresh visitor with no cookies: "Report a problem" and "Add your organization" (issue 15). Each
send must reach the moderation queue, where the organization admin who moderates finds it.

Chromium sends `Origin: null` with a form's POST when the page's referrer policy is
`no-referrer`, and Django's CSRF check refuses that; only a real browser shows it, which is why
these tests drive one."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from beacon.findhelp.models import OrganizationSubmission, ServiceProblemReport
from beacon.findhelp.tests.factories import service
from tests.e2e.conftest import screenshot
from tests.e2e.test_journeys import sign_in, watch

pytestmark = pytest.mark.django_db(transaction=True)

CSRF_COOKIE = "beacon_csrftoken"


@pytest.fixture(autouse=True)
def _send_at_once(settings):
    # People take longer than the minimum fill time; the test does not need to wait for it.
    settings.BEACON_FINDHELP_MIN_FILL_SECONDS = 0


def shot(page, name: str) -> None:
    screenshot(page, "public-forms", name)


def only_the_forms_csrf_cookie(page) -> None:
    """Showing a form that posts sets Django's CSRF cookie and nothing else: no session, no
    tracking, and the cookie is not readable by scripts and not sent by other sites' POSTs."""
    cookies = page.context.cookies()
    assert [c["name"] for c in cookies] == [CSRF_COOKIE], cookies
    assert cookies[0]["httpOnly"] and cookies[0]["sameSite"] == "Lax"


def test_a_fresh_visitor_reports_a_problem_and_the_admin_finds_it_in_the_queue(
    live_server, phone, axe, harbor, ada
):
    service("Harbor drop-in", curator=harbor)
    page = phone()
    problems = watch(page)
    page.goto(f"{live_server.url}/find-help/")
    page.get_by_label(re.compile("looking for", re.I)).fill("Harbor drop-in")
    page.get_by_role("button", name=re.compile("search", re.I)).first.click()
    expect(page.locator("main")).to_contain_text("Harbor drop-in")
    assert page.context.cookies() == []  # nothing before a form is used

    page.get_by_role("link", name=re.compile("Report a problem", re.I)).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Report a problem")
    only_the_forms_csrf_cookie(page)
    assert axe(page) == []
    page.get_by_role("radio", name="This place has closed").check()
    page.get_by_label("Anything else we should know?").fill("The door says closed since May.")
    shot(page, "report-form")
    with page.expect_request(lambda r: r.method == "POST") as sent:
        page.get_by_role("button", name="Send report").click()
    assert sent.value.header_value("origin") == live_server.url

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(page.locator("main")).to_contain_text("We got your report")
    assert axe(page) == []
    shot(page, "report-thanks")
    only_the_forms_csrf_cookie(page)
    assert problems == []
    report = ServiceProblemReport.objects.get()
    assert (report.kind, report.note) == ("closed", "The door says closed since May.")

    admin = phone()
    sign_in(admin, live_server.url, ada)
    admin.goto(f"{live_server.url}/find-help/moderation/")
    reports = admin.get_by_role("list").filter(has_text="The door says closed since May.")
    expect(reports).to_contain_text("Harbor drop-in")


def test_a_fresh_visitor_adds_their_organization_and_the_admin_finds_it_in_the_queue(
    live_server, phone, axe, ada
):
    page = phone()
    problems = watch(page)
    page.goto(f"{live_server.url}/find-help/")
    assert page.context.cookies() == []  # nothing before a form is used

    page.get_by_role("link", name="Add your organization").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Submit your organization's information"
    )
    only_the_forms_csrf_cookie(page)
    assert axe(page) == []
    page.get_by_label("Organization name").fill("Hope Street Recovery")
    page.get_by_label("What services do you offer, and to whom?").fill(
        "Peer recovery coaching for adults, evenings and weekends."
    )
    page.get_by_label("City or town").fill("Worcester")
    page.get_by_label("ZIP code").fill("01602")
    page.get_by_label("Phone").fill("508-555-0199")
    page.get_by_label("Email for questions about this entry").fill("hello@hopestreet.example")
    shot(page, "submit-form")
    with page.expect_request(lambda r: r.method == "POST") as sent:
        page.get_by_role("button", name="Send for review").click()
    assert sent.value.header_value("origin") == live_server.url

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(page.locator("main")).to_contain_text("We got your information")
    assert axe(page) == []
    shot(page, "submit-thanks")
    only_the_forms_csrf_cookie(page)
    assert problems == []
    submission = OrganizationSubmission.objects.get()
    assert submission.name == "Hope Street Recovery"

    admin = phone()
    sign_in(admin, live_server.url, ada)
    admin.goto(f"{live_server.url}/find-help/moderation/")
    waiting = admin.get_by_role("list").filter(has_text="Hope Street Recovery")
    expect(waiting).to_contain_text("hello@hopestreet.example")
    expect(waiting.get_by_role("button", name=re.compile("Accept"))).to_be_visible()
