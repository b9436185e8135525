"""End-to-end tests in a real browser: Playwright driving Debian's Chromium (no browser
download), against Beacon served by pytest-django's live server on the suite's database.

Set-up: `./run test` installs Chromium (Debian's `chromium` package) and axe-core (npm) when it
can. Without them these tests are skipped with the reason, unless BEACON_E2E=required (as in
.ci/run), where a missing browser fails the run instead.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
REQUIRED = os.environ.get("BEACON_E2E") == "required"
PHONE = {"width": 390, "height": 844}


def _missing(what: str) -> None:
    if REQUIRED:
        pytest.fail(f"{what} (BEACON_E2E=required)", pytrace=False)
    pytest.skip(what)


def chromium_path() -> str | None:
    explicit = os.environ.get("BEACON_CHROMIUM")
    if explicit:
        return explicit
    return shutil.which("chromium") or shutil.which("chromium-browser")


def axe_path() -> Path:
    explicit = os.environ.get("BEACON_AXE_JS")
    if explicit:
        return Path(explicit)
    return REPO_ROOT / ".cache" / "e2e" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are ordinary synchronous code. The setting lasts only as long as
    # the browser (one test module): it must not reach other tests or the commands they start
    # (Django's deploy check refuses it).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _browser()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _browser():
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _missing("Playwright is not installed (pip install -e '.[test]')")
    # A busy CI machine (two suites, a browser and a live server on two cores) can take more
    # than expect()'s default 5 s to answer; the browser's own steps already wait 15 s.
    expect.set_options(timeout=15_000)
    executable = chromium_path()
    if not executable:
        _missing("Chromium is not installed (Debian: apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()


def _marked_for_the_database(item) -> bool:
    """Whether pytest-django sets up the test database for this test (its own rule)."""
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(
        item.get_closest_marker("django_db") or fixtures & {"db", "transactional_db", "live_server"}
    )


@pytest.fixture(scope="module")
def module_live_server(request, browser, django_db_setup, django_db_blocker):
    """A live server and database access for a whole module, for tests that share one world
    built once per test process: the stored-XSS crawl and the phone-width walk, one test per
    role instead of one long test, so that no process is left with minutes of one test at the
    end of the suite while the other waits.

    pytest-django's `live_server` would make each test transactional, and so empty the
    database after each one. Here the world stays from test to test of the module (they only
    read it: they open pages), and when the module is done the database is put back as the
    module found it: emptied, and the rows it held before loaded again (what Django's
    serialized rollback does). So these tests may run anywhere in the suite's order: the
    suite runs them first (conftest.py), as they are its longest.
    """
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings, setup_databases, teardown_databases
    from pytest_django.live_server_helper import LiveServer

    # The root conftest's fast hashing is per test; the world is built before any test.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        # pytest-django creates the test database only when a collected test is marked for it;
        # run on their own, these tests create it themselves.
        own_database = None
        if not any(_marked_for_the_database(item) for item in request.session.items):
            own_database = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        before = connection.creation.serialize_db_to_string()
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield server
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            # As Django's TransactionTestCase with serialized_rollback: the content types and
            # permissions come back with the rows, not from post_migrate.
            call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(before)
            if own_database is not None:
                teardown_databases(own_database, verbosity=0)


@pytest.fixture
def phone(browser):
    """A phone-sized, touch-enabled browser with its own cookies."""
    contexts = []

    def make():
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def axe():
    path = axe_path()
    if not path.is_file():
        _missing(f"axe-core is not installed at {path} (npm install axe-core)")
    source = path.read_text()

    def check(page) -> list[dict]:
        """Serious and critical WCAG 2.1 AA violations on the page as it is now."""
        # Evaluated through the DevTools protocol, which the page's CSP does not govern; the
        # page itself still runs under its strict CSP.
        page.evaluate(source)
        # Only the violations are read, so only they are gathered in full: axe-core then keeps
        # one node of each passed or inapplicable rule, which takes 40% off each run on the
        # stored-XSS crawl's pages (the violations it reports are the same).
        result = page.evaluate(
            """async () => await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                resultTypes: ['violations']
            })"""
        )
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]
            if v["impact"] in {"serious", "critical"}
        ]

    return check


def screenshot(page, journey: str, name: str, *, full_page: bool = True) -> None:
    """A screenshot of a journey's step to look at, in $BEACON_E2E_SHOTS/<journey>/<name>.png,
    when BEACON_E2E_SHOTS names a folder (docs/phone.md); otherwise nothing is written."""
    folder = os.environ.get("BEACON_E2E_SHOTS")
    if folder:
        where = Path(folder) / journey
        where.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(where / f"{name}.png"), full_page=full_page)
