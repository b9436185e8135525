import pytest


@pytest.fixture(autouse=True)
def _findhelp_settings(settings):
    # Forms in tests are sent at once; the too-fast test sets its own minimum.
    settings.BEACON_FINDHELP_MIN_FILL_SECONDS = 0


@pytest.fixture(autouse=True)
def _default_synonyms(request):
    """Beacon's default synonyms, as migration findhelp/0008 loads them: a transactional test
    run earlier empties every table, and the search reads them (issue 18)."""
    if "django_db" in request.keywords or {"db", "transactional_db"} & set(request.fixturenames):
        request.getfixturevalue("db")
        from beacon.findhelp.services import synonyms_defaults_load

        synonyms_defaults_load()
