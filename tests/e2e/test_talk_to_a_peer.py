"""Talk to a peer (issue 18), in Chromium at phone size: a fresh visitor fills the public form
(no cookie before a form is opened, no third-party request, no script), sees the
confirmation with when to expect contact and 988; the supervisor signs in, finds the request
in the queue on My day and starts the intake from it, which enrolls the person and takes the
request off the queue."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from beacon.participants.models import Participant
from beacon.peerrequests.models import PeerRequest
from tests.e2e.conftest import screenshot
from tests.e2e.test_journeys import sign_in, watch
from tests.e2e.test_public_forms import only_the_forms_csrf_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _send_at_once(settings):
    # People take longer than the minimum fill time; the test does not need to wait for it.
    settings.BEACON_FINDHELP_MIN_FILL_SECONDS = 0


def shot(page, name: str) -> None:
    screenshot(page, "talk-to-a-peer", name)


def test_a_visitor_asks_to_talk_to_a_peer_and_the_supervisor_starts_the_intake(
    live_server, phone, axe, harbor, sam, pat
):
    harbor.peer_requests_open = True
    harbor.peer_requests_zip_codes = "016"
    harbor.peer_requests_respond_within = "within one business day"
    harbor.save()
    page = phone()
    problems = watch(page)
    outside = []
    page.on(
        "request",
        lambda r: None if r.url.startswith(live_server.url) else outside.append(r.url),
    )
    page.goto(f"{live_server.url}/find-help/")
    assert page.context.cookies() == []  # nothing before a form is opened
    page.get_by_role("link", name="Talk to a peer").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Talk to a peer")
    only_the_forms_csrf_cookie(page)
    assert page.locator("script").count() == 0
    assert axe(page) == []

    # A first send with a mistake: said beside the field, nothing typed lost.
    page.get_by_label("Your first name or a nickname").fill("Sky")
    page.get_by_role("radio", name="A text message").check()
    page.get_by_label("Language you would like to talk in").fill("Spanish")
    page.get_by_label("Your ZIP code").fill("01602")
    page.get_by_label("What would you like help with?").fill("I want to cut back on drinking.")
    page.get_by_label(re.compile("I agree to be contacted")).check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_contain_text("Give a phone number we can call or text")
    expect(page.get_by_label("Your first name or a nickname")).to_have_value("Sky")
    expect(page.get_by_label("What would you like help with?")).to_have_value(
        "I want to cut back on drinking."
    )
    assert axe(page) == []
    shot(page, "form-with-a-mistake")

    page.get_by_label("Phone number").fill("508-555-0142")
    page.get_by_label("When is a good time?").select_option("evening")
    page.get_by_role("group", name="May we leave a voicemail?").get_by_role(
        "radio", name="Yes"
    ).check()
    shot(page, "form")
    with page.expect_request(lambda r: r.method == "POST") as sent:
        page.get_by_role("button", name="Send").click()
    assert sent.value.header_value("origin") == live_server.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    main = page.locator("main")
    expect(main).to_contain_text("Thank you, Sky")
    expect(main).to_contain_text("a text message within one business day")
    expect(main.get_by_role("link", name="988")).to_be_visible()
    assert axe(page) == []
    shot(page, "thanks")
    only_the_forms_csrf_cookie(page)
    assert problems == [] and outside == []
    request = PeerRequest.objects.get()
    assert (request.organization_id, request.may_leave_voicemail) == (harbor.pk, True)

    # The supervisor finds it on My day and starts the intake with one click.
    staff = phone()
    staff_problems = watch(staff)
    sign_in(staff, live_server.url, sam)
    queue = staff.get_by_role("region", name=re.compile("Asked to talk to a peer"))
    expect(queue).to_contain_text("Sky")
    expect(queue).to_contain_text("Asked just now")
    assert axe(staff) == []
    shot(staff, "my-day-queue")
    queue.get_by_role("link", name=re.compile("Start intake")).first.click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("New participant")
    expect(staff.get_by_label("First name")).to_have_value("Sky")
    expect(staff.get_by_role("textbox", name=re.compile(r"^Phone\b"))).to_have_value("508-555-0142")
    expect(staff.get_by_label("We may leave a voicemail")).to_be_checked()
    expect(staff.get_by_label("We may send text messages")).to_be_checked()
    assert axe(staff) == []
    shot(staff, "intake-prefilled")
    staff.get_by_label("Primary peer").select_option(label="Pat Peer")
    staff.get_by_role("button", name="Enroll").click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("Sky")
    shot(staff, "enrolled")
    assert staff_problems == []
    participant = Participant.objects.get(given_name="Sky")
    request.refresh_from_db()
    assert request.status == "enrolled" and request.participant == participant
    assert request.first_contact_at is not None
    staff.goto(f"{live_server.url}/")
    expect(staff.get_by_role("region", name=re.compile("Asked to talk to a peer"))).to_contain_text(
        "Nobody is waiting"
    )
