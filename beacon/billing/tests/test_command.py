"""`beacon billing run --payer PAYER --from DATE --to DATE [--out DIR]`."""

import pytest

from beacon.billing.commands import run_billing
from beacon.billing.models import BillingRun
from beacon.billing.services import diagnosis_add, service_order_add
from beacon.billing.tests.conftest import DAY, log
from conftest import member_of

pytestmark = pytest.mark.django_db


def test_the_command_writes_the_837p_and_the_csv(
    tmp_path, capsys, billing_settings, on_medicaid, goal, pat, sam, harbor
):
    service_order_add(member=member_of(sam), participant=on_medicaid, signed_on=DAY, signed_by="Dr")
    diagnosis_add(member=member_of(sam), participant=on_medicaid, code="F11.20")
    log(pat, on_medicaid, goals=[goal])
    code = run_billing(
        payer="north-carolina", start=DAY.isoformat(), end=DAY.isoformat(), out=str(tmp_path)
    )
    assert code == 0
    made = BillingRun.objects.get()
    assert made.created_by is None and made.billed_count == 1
    assert (tmp_path / f"beacon-billing-run-{made.number}.837").read_text().startswith("ISA*")
    assert "MC1001" in (tmp_path / f"beacon-billing-run-{made.number}.csv").read_text()
    assert "1 lines billed (4 units, $24.00)" in capsys.readouterr().out


def test_the_command_names_what_is_wrong(capsys, billing_settings, harbor):
    assert run_billing(payer="north-carolina", start="03/01/2026", end="2026-03-31") == 2
    assert "--from '03/01/2026' is not a date" in capsys.readouterr().err
    assert run_billing(payer="texas", start="2026-03-01", end="2026-03-31") == 2
    assert "no payer 'texas'" in capsys.readouterr().err
    assert run_billing(payer="virginia", start="2026-03-31", end="2026-03-01") == 1
    assert "--to: The last day comes before the first." in capsys.readouterr().err
