"""Find Help in people's words: everyday words and brand names (the synonym table), small
misspellings, and "did you mean" (docs/findhelp.md, "Find Help in people's words")."""

import pytest

from beacon.findhelp.selectors import SearchQuery, service_search
from beacon.findhelp.tests.factories import service

pytestmark = pytest.mark.django_db


def names(words: str, **kwargs) -> list[str]:
    query = SearchQuery(words=words, zip_code="01602", miles=10, **kwargs)
    return [r.service.name for r in service_search(query=query).results]


@pytest.fixture
def near_worcester():
    service("Overdose prevention", description="Free naloxone kits and training.")
    service("Office-based treatment", description="Buprenorphine clinic, walk-in Mondays.")
    service("Inpatient unit", description="Medically monitored withdrawal management, 3-5 days.")
    service("Tuesday Night AA Group", description="An open AA group in the church basement.")
    service("Food pantry", description="Groceries every Friday.")


@pytest.mark.parametrize(
    ("words", "found"),
    [
        ("narcan", "Overdose prevention"),
        ("suboxone", "Office-based treatment"),
        ("detox", "Inpatient unit"),
        ("AA meeting", "Tuesday Night AA Group"),
    ],
)
def test_everyday_words_find_what_the_directory_calls_otherwise(near_worcester, words, found):
    assert found in names(words)
