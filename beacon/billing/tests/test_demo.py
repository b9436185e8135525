"""The demo's billing: Harbor's settings and a run of last month to look at, with lines billed
and some not billed, each with its reason."""

import pytest

from beacon.billing.models import BillingRun, BillingSettings
from beacon.billing.tests.x12check import validate_837p


@pytest.mark.django_db
def test_the_demo_has_a_billing_run_to_look_at(demo):
    run = BillingRun.objects.get(organization__name="Harbor Recovery Community")
    assert BillingSettings.objects.filter(organization=run.organization).exists()
    assert run.billed_count >= 20
    assert 3 <= run.refused_count < run.billed_count
    reasons = {r["code"] for line in run.lines.filter(status="refused") for r in line.reasons}
    assert {"medicaid_id", "no_service_order"} <= reasons
    assert validate_837p(run.claims_file.open("rb").read().decode()) == []
    assert run.lines.filter(status="billed", modifiers=["HQ"]).exists()
