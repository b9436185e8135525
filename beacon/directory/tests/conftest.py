import shutil
from pathlib import Path

import pytest

from beacon.directory import hsds, selectors

REPO_ROOT = Path(__file__).resolve().parents[3]


def _find_standard() -> Path:
    """../shared/standards/hsds-3.0 beside the checkout, or beside a folder holding it (a git
    worktree in ../wt/<branch> has the same shared folder two levels up)."""
    for folder in REPO_ROOT.parents:
        candidate = folder / "shared" / "standards" / "hsds-3.0"
        if candidate.is_dir():
            return candidate
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
    """The whole directory as HSDS rows, by table and id: what a round trip must keep."""
    return {
        table: {row["id"]: row for row in selectors.hsds_rows(table)} for table in hsds.tables()
    }


def row_counts() -> dict[str, int]:
    return {name: model.objects.count() for name, model in hsds.MODELS.items()}


def wipe() -> None:
    for name in reversed(hsds.WRITE_ORDER):
        hsds.MODELS[name].objects.all().delete()
