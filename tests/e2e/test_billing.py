"""A billing run on a phone (issue 20, docs/reports.md): an organization admin starts a run for
a period, sees the lines that could not be billed with their plain reasons and where to fix
them, and downloads the CSV; every page axe clean."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from beacon.audit.models import AuditEvent
from beacon.billing import services
from beacon.billing.tests.conftest import DAY, SETTINGS, log
from beacon.plans import services as plans
from conftest import member_of
from tests.e2e.conftest import screenshot
from tests.e2e.test_journeys import sign_in, watch

pytestmark = pytest.mark.django_db(transaction=True)


def shot(page, name: str) -> None:
    screenshot(page, "billing", name)


def test_an_admin_starts_a_billing_run_and_downloads_the_csv(
    live_server, phone, axe, ada, sam, pat, jordan, casey
):
    services.billing_settings_save(member=member_of(ada), values=dict(SETTINGS))
    jordan.insurance = casey.insurance = "medicaid"
    jordan.medicaid_id = "NC900111222"
    jordan.date_of_birth = datetime.date(1990, 5, 1)
    jordan.save(update_fields=["insurance", "medicaid_id", "date_of_birth"])
    casey.save(update_fields=["insurance"])
    plan = plans.plan_create(member=member_of(pat), participant=jordan, recovery_means="Work.")
    goal = plans.goal_add(
        member=member_of(pat), plan=plan, domain="home", area="housing", description="A home."
    )
    services.service_order_add(
        member=member_of(sam), participant=jordan, signed_on=DAY, signed_by="Dr. Ana Ortiz"
    )
    services.diagnosis_add(member=member_of(sam), participant=jordan, code="F11.20")
    log(pat, jordan, minutes=60, goals=[goal])
    log(sam, casey, minutes=30, hour=14)

    page = phone()
    problems = watch(page)
    sign_in(page, live_server.url, ada)
    page.goto(f"{live_server.url}/reports/billing/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Billing runs")
    assert axe(page) == []
    page.get_by_role("link", name="Start a billing run").click()
    page.get_by_label("Payer and its rules").select_option(
        label="North Carolina Medicaid: peer support (H0038) (Beacon's example)"
    )
    page.get_by_label("From").fill(DAY.isoformat())
    page.get_by_label("To (the last day included)").fill(DAY.isoformat())
    assert axe(page) == []
    shot(page, "start")
    page.get_by_role("button", name="Make the run").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Billing run 1")
    refused = page.locator(".billing-refusals")
    expect(refused).to_contain_text("Casey Lake")
    expect(refused).to_contain_text("No Medicaid id on the participant's record.")
    expect(refused).to_contain_text("No signed service order on or before this day.")
    expect(refused).to_contain_text("Not linked to the recovery plan")
    expect(
        refused.get_by_role("link", name="Fix on the participant's record").first
    ).to_be_visible()
    expect(page.locator("main")).to_contain_text("NC900111222")
    assert axe(page) == []
    shot(page, "run")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert [(r["last_name"], r["medicaid_id"], r["units"], r["charge"]) for r in rows] == [
        ("Rivers", "NC900111222", "4", "24.00")
    ]
    assert AuditEvent.objects.filter(action="billing.file_downloaded", actor=ada).count() == 1
    assert problems == []
