"""The participant's next appointment on their home, on a phone (issue 17): a referral their
peer scheduled, with when, where and the service's phone to call.

Screenshots go to $BEACON_E2E_SHOTS/portal-appointment/ when BEACON_E2E_SHOTS names a folder."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from beacon.portal.tests.test_home_appointment import scheduled
from tests.e2e.conftest import screenshot
from tests.e2e.test_journeys import sign_in, watch

pytestmark = pytest.mark.django_db(transaction=True)

NARROWEST = {"width": 320, "height": 640}


def test_home_shows_the_next_appointment_with_a_number_to_call(
    live_server, phone, axe, riley, riley_record, pat, harbor
):
    from beacon.directory.models import DirectoryOrganization, Phone, Service

    harbor.part2_applies = False
    harbor.save(update_fields=["part2_applies"])
    org = DirectoryOrganization.objects.create(hsds_id="org-elm", name="Elm Street Recovery")
    service = Service.objects.create(hsds_id="svc-elm", organization=org, name="Elm Clinic")
    Phone.objects.create(hsds_id="ph-elm", service=service, number="508-555-0140")
    scheduled(pat, riley_record, service, days=2, place="12 Elm Street, second floor")

    page = phone()
    problems = watch(page)
    sign_in(page, live_server.url, riley)
    coming_up = page.locator("section", has=page.get_by_role("heading", name="Coming up"))
    expect(coming_up.get_by_text("Appointment at Elm Clinic")).to_be_visible()
    expect(coming_up.get_by_text("12 Elm Street, second floor")).to_be_visible()
    expect(coming_up.get_by_role("link", name="Call them: 508-555-0140")).to_have_attribute(
        "href", "tel:508-555-0140"
    )
    expect(coming_up.get_by_text("Nothing scheduled yet")).to_have_count(0)
    assert axe(page) == []
    page.set_viewport_size(NARROWEST)
    overflow = page.evaluate(
        "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
    )
    assert overflow == 0
    screenshot(page, "portal-appointment", "home")
    assert problems == []
