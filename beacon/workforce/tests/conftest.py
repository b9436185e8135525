import pytest

from conftest import member_of


@pytest.fixture(autouse=True)
def _private_data_dir(settings, tmp_path):
    """Certificates go to this test's own data directory."""
    settings.DATA_DIR = tmp_path


@pytest.fixture
def pat_member(pat):
    return member_of(pat)


@pytest.fixture
def sam_member(sam):
    return member_of(sam)


@pytest.fixture
def ada_member(ada):
    return member_of(ada)


@pytest.fixture
def quinn_member(quinn):
    return member_of(quinn)
