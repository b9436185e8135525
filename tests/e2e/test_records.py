"""Readable records on a phone (issue 15): an organization admin filters the audit trail, reads
its entries as sentences, downloads them as CSV, and opens the organization's consents, those
ending soon first. Screenshots go to /tmp/shots/records/."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from beacon.audit.models import AuditEvent
from beacon.audit.services import record_event
from beacon.consents.tests.factories import ConsentFactory
from tests.e2e.conftest import screenshot
from tests.e2e.test_journeys import sign_in, watch

pytestmark = pytest.mark.django_db(transaction=True)


def shot(page, name: str) -> None:
    screenshot(page, "records", name)


def no_overflow(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def test_an_admin_reads_the_audit_trail_and_the_consents_on_a_phone(
    live_server, phone, axe, harbor, ada, sam, pat, jordan, casey
):
    for seen in ("record", "note_review", "timeline"):
        record_event(
            action="participant.viewed",
            actor=sam,
            organization=harbor,
            target=jordan,
            details={"seen": seen},
        )
    record_event(
        action="note_review.cosigned",
        actor=sam,
        organization=harbor,
        object_type="encounters.encounter",
        object_id="b5f1b1b4-0000-4000-8000-000000000009",
        details={"participant": str(jordan.pk), "version": 1},
    )
    record_event(action="participant.viewed", actor=pat, organization=harbor, target=casey)
    today = timezone.localdate()
    ConsentFactory(participant=jordan, expires_on=today + timedelta(days=5))
    ConsentFactory(participant=casey, expires_on=today + timedelta(days=300))
    ConsentFactory(participant=casey, revoked_at=timezone.now(), recipients=["Dr. Lee"])

    page = phone()
    page.set_viewport_size({"width": 360, "height": 740})
    problems = watch(page)
    sign_in(page, live_server.url, ada)
    page.goto(f"{live_server.url}/audit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    expect(
        page.get_by_text("Sam Supervisor co-signed a note in Jordan Rivers's record.")
    ).to_be_visible()
    shot(page, "audit-trail")
    no_overflow(page)
    assert axe(page) == []

    page.get_by_text("Filter by person, kind of action, participant or dates").click()
    page.get_by_label("Kind of action").select_option(
        label="Participant records (reads and changes)"
    )
    page.get_by_label("Participant (record number)").fill(str(jordan.record_number))
    page.get_by_role("button", name="Filter").click()
    entries = page.locator(".audit-sentence")
    expect(entries).to_have_count(3)
    expect(entries.first).to_have_text("Sam Supervisor viewed Jordan Rivers's timeline.")
    expect(page.get_by_text("Pat Peer viewed")).to_have_count(0)
    expect(page.get_by_role("link", name="Jordan Rivers").first).to_have_attribute(
        "href", f"/participants/{jordan.pk}/"
    )
    shot(page, "audit-trail-filtered")
    no_overflow(page)
    assert axe(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these entries (CSV)").click()
    text = Path(download.value.path()).read_text()
    assert "Sam Supervisor viewed Jordan Rivers's timeline." in text
    assert "Casey" not in text
    assert AuditEvent.objects.filter(action="audit.exported", actor=ada).count() == 1

    # On a phone the menu is folded behind its button.
    page.locator("summary.nav-toggle").click()
    page.get_by_role("link", name=re.compile("^Consents$")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consents")
    rows = page.locator(".consent-row")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Jordan Rivers")
    expect(rows.first).to_contain_text("Ends soon")
    expect(rows.last).to_contain_text("Revoked")
    shot(page, "consents")
    no_overflow(page)
    assert axe(page) == []

    page.get_by_label("Status").select_option(label="Revoked")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Dr. Lee")
    shot(page, "consents-revoked")
    rows.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/consents/" in page.url
    assert problems == []
