import pytest


@pytest.fixture(autouse=True)
def _findhelp_settings(settings):
    # Forms in tests are sent at once; the too-fast test sets its own minimum.
    settings.BEACON_FINDHELP_MIN_FILL_SECONDS = 0
