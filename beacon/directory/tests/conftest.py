import shutil
from datetime import date
from pathlib import Path

import pytest

from beacon.directory import hsds, peer_fields, selectors
from beacon.directory.models import CapacityStatus, RecoveryResidenceLevel, Service

REPO_ROOT = Path(__file__).resolve().parents[3]


def _find_standard() -> Path:
    """The official HSDS 3.0 files: the copy in tests/standards (a fresh clone has it wherever it
    is checked out), else ../shared/standards/hsds-3.0 beside the checkout."""
    vendored = REPO_ROOT / "tests" / "standards" / "hsds-3.0"
    if vendored.is_dir():
        return vendored
    return REPO_ROOT.parent / "shared" / "standards" / "hsds-3.0"


HSDS_STANDARD = _find_standard()
EXAMPLES = HSDS_STANDARD / "examples"


@pytest.fixture
def examples():
    if not EXAMPLES.is_dir():
        pytest.skip(f"the official HSDS 3.0 examples are not at {EXAMPLES}")
    return EXAMPLES


@pytest.fixture
def csv_copy(examples, tmp_path):
    """A writable copy of the official CSV datapackage, to spoil in tests."""
    target = tmp_path / "package"
    shutil.copytree(examples / "csv", target)
    return target


def snapshot() -> dict[str, dict[str, dict]]:
    """The whole directory as HSDS rows, by table and id, and every service's peer fields (who
    verified it as its signature): what a round trip must keep."""
    tables = {
        table: {row["id"]: row for row in selectors.hsds_rows(table)} for table in hsds.tables()
    }
    fields = [*peer_fields.FIELDS]
    tables["beacon peer fields"] = {
        hsds_id: dict(zip(fields, values, strict=True))
        for hsds_id, *values in Service.objects.values_list("hsds_id", *fields)
    }
    return tables


def give_peer_fields(service: Service, *, verifier) -> Service:
    """Every peer field of `service` set, as curators would, verified by `verifier`."""
    member = verifier.memberships.get()
    service.last_verified_on = date(2026, 10, 1)
    service.verified_by = verifier
    service.verified_by_name = peer_fields.verifier_label(verifier, member.organization)
    service.capacity_status = CapacityStatus.WAITLIST
    service.capacity_updated_on = date(2026, 10, 2)
    service.same_day_intake = True
    service.accepts_medicaid = True
    service.accepts_uninsured = False
    service.sliding_fee = True
    service.offers_moud = True
    service.populations_served = ["veterans", "women"]
    service.recovery_residence_level = RecoveryResidenceLevel.LEVEL_II
    service.save()
    return service


def row_counts() -> dict[str, int]:
    return {name: model.objects.count() for name, model in hsds.MODELS.items()}


def wipe() -> None:
    for name in reversed(hsds.WRITE_ORDER):
        hsds.MODELS[name].objects.all().delete()
