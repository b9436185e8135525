import pytest

from beacon.encounters.tests.factories import log


@pytest.fixture
def jordan_encounter(jordan, pat):
    return log(pat, jordan, note="Jordan found a room at the shelter.", topics=["housing"])
