"""Standing people for every test (healthchecks' Alice/Bob/Charlie, Beacon-style):

Harbor (the home organization): Ada (organization admin), Sam (supervisor), Pat (peer
specialist), Quinn (another peer), Riley (a participant who signs in). Lakeside (another
organization): Olive (organization admin).
Participants: Jordan (on Pat's caseload), Casey (on Quinn's), Morgan (at Lakeside).
Every view and API test also checks what Olive cannot do.
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings

from beacon.accounts.tests.factories import UserFactory
from beacon.api.services import token_create
from beacon.organizations.models import Membership, Role
from beacon.organizations.tests.factories import MembershipFactory, OrganizationFactory
from beacon.participants.tests.factories import AssignmentFactory, ParticipantFactory

PASSWORD = "correct horse battery staple"


# The suite's order, for pytest-xdist's `--dist load` (issue 16) ---------------------------------
#
# pytest-django runs the tests in Django's order: those in a rolled-back transaction, then the
# transactional ones (which empty the database after themselves, the rows data migrations made
# included), then those that use no database. `--dist load` hands the tests out in that order, in
# runs of consecutive tests, so each test process keeps it. The longest tests go first, so that
# the two processes do not end with one of them idle while the other finishes a long one (the
# other process meanwhile runs the rest of the suite):
# - the browser crawls that share one world per process (tests/e2e, `module_live_server`), the
#   longest part first: they leave the database as they found it;
# - tests that use no test database and run Beacon in processes of their own (the demo command
#   from nothing; backup and restore, which migrate a database of their own).
LONG_SHARED_WORLD = (
    "tests/e2e/test_stored_xss.py::",
    "tests/e2e/test_no_overflow.py::",
)
LONGEST_PARTS = ("[admin]", "[supervisor]", "[peer]", "[ada]", "[sam]", "[pat]")
LONG_WITHOUT_THE_TEST_DATABASE = (
    "beacon/ops/tests/test_cli.py::test_the_demo_command_starting_from_nothing",
    "beacon/ops/tests/test_backup.py::",
)


def _uses_the_test_database(item) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(
        item.get_closest_marker("django_db")
        or fixtures & {"db", "transactional_db", "live_server", "module_live_server"}
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    def part(item) -> int:
        parts = LONGEST_PARTS
        return next((i for i, p in enumerate(parts) if p in item.nodeid), len(parts))

    crawls = sorted(
        (item for item in items if item.nodeid.startswith(LONG_SHARED_WORLD)),
        key=lambda item: (item.nodeid.startswith(LONG_SHARED_WORLD[1]), part(item)),
    )
    processes = [
        item
        for item in items
        if item.nodeid.startswith(LONG_WITHOUT_THE_TEST_DATABASE)
        and not _uses_the_test_database(item)
    ]
    # Last: the tests that read the demo built once per process (`demo` below), after every
    # other test, since the transaction the demo lives in lasts until the process ends.
    shelf = [item for item in items if "demo" in getattr(item, "fixturenames", ())]
    moved = set(map(id, crawls + processes + shelf))
    items[:] = crawls + processes + [item for item in items if id(item) not in moved] + shelf


# The demo, built once per test process (issue 16) ------------------------------------------------
#
# Building the demo (a year of every app's records, through the services) is the longest thing
# most demo tests do, and each built its own. Those that only read what the demo made share one
# build per process instead: `demo_built` writes it in a transaction that is rolled back when the
# process ends, and each test runs in a savepoint inside it (as the security matrix's world). So
# that no other test ever runs inside that transaction, the tests asking for `demo` run last on
# each process (pytest_collection_modifyitems above; `--dist load` hands tests to each process in
# the suite's order). Time stands still at the demo's evening from the build to the end, so what
# the demo calls "today" is the same day for every test that reads it.
DEMO_EVENING = datetime.datetime(2026, 3, 10, 21, 0, tzinfo=ZoneInfo("America/New_York"))


def data_migration_rows_again() -> None:
    """The rows Beacon's data migrations write (the built-in priority populations, the standard
    credential definitions, Find Help's default synonyms), written again where missing: a
    transactional test empties every table, those rows included, and what runs after it (the
    demo, the stored-XSS crawl's demo) needs them."""
    from importlib import import_module

    from django.apps import apps

    for migration, write in (
        ("beacon.participants.migrations.0002_builtin_priority_populations", "create"),
        ("beacon.workforce.migrations.0002_standard_credentials", "create"),
        ("beacon.findhelp.migrations.0008_default_synonyms", "load_defaults"),
    ):
        getattr(import_module(migration), write)(apps, None)


@pytest.fixture(scope="session")
def demo_built(django_db_setup, django_db_blocker, tmp_path_factory):
    from beacon.ops.demo import demo_data_create

    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DATA_DIR=tmp_path_factory.mktemp("demo"),
    )
    with (
        django_db_blocker.unblock(),
        time_machine.travel(DEMO_EVENING, tick=False),
        fast,
        transaction.atomic(),
    ):
        # The tests before these (run last) include transactional ones.
        data_migration_rows_again()
        yield demo_data_create()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_built, db):
    """The demo's accounts, with everything the demo made in the database, at its evening."""
    return demo_built


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Argon2 is what production uses (test_settings checks it); tests need speed.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def harbor(db):
    return OrganizationFactory(name="Harbor Recovery Community")


@pytest.fixture
def lakeside(db):
    return OrganizationFactory(name="Lakeside Recovery Center")


def _member(org, role, email, name):
    user = UserFactory(email=email, name=name, password=PASSWORD, last_organization=org)
    return MembershipFactory(user=user, organization=org, role=role)


@pytest.fixture
def ada(harbor):
    return _member(harbor, Role.ORG_ADMIN, "ada@harbor.test", "Ada Admin").user


@pytest.fixture
def sam(harbor):
    return _member(harbor, Role.SUPERVISOR, "sam@harbor.test", "Sam Supervisor").user


@pytest.fixture
def pat(harbor):
    return _member(harbor, Role.PEER, "pat@harbor.test", "Pat Peer").user


@pytest.fixture
def quinn(harbor):
    return _member(harbor, Role.PEER, "quinn@harbor.test", "Quinn Peer").user


@pytest.fixture
def riley(harbor):
    return _member(harbor, Role.PARTICIPANT, "riley@harbor.test", "Riley Participant").user


@pytest.fixture
def olive(lakeside):
    return _member(lakeside, Role.ORG_ADMIN, "olive@lakeside.test", "Olive Outsider").user


def _participant(org, peer, given, family, **fields):
    participant = ParticipantFactory(
        organization=org, given_name=given, family_name=family, created_by=peer, **fields
    )
    AssignmentFactory(participant=participant, peer=peer, assigned_by=peer)
    return participant


@pytest.fixture
def jordan(harbor, pat):
    return _participant(harbor, pat, "Jordan", "Rivers", phone="555-0101", phone_digits="5550101")


@pytest.fixture
def riley_record(harbor, pat, riley):
    """Riley's own participant record at Harbor (on Pat's caseload), linked to Riley's sign-in:
    what Riley sees in their own Beacon (/my/, docs/portal.md)."""
    record = _participant(harbor, pat, "Riley", "Shore", phone="555-0199")
    record.account = riley
    record.save(update_fields=["account"])
    return record


@pytest.fixture
def casey(harbor, quinn):
    return _participant(harbor, quinn, "Casey", "Lake")


@pytest.fixture
def morgan(lakeside, olive):
    return _participant(lakeside, olive, "Morgan", "Hill")


@pytest.fixture
def client_for():
    """A browser signed in as `user` (through Django's real login, so sessions are tracked)."""

    def make(user, **client_kwargs):
        client = Client(**client_kwargs)
        client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    # Tests send many requests from one address (schemathesis, the authorization matrix);
    # the rate-limit tests turn the limits on with the values they test.
    settings.BEACON_RATE_LIMIT_PUBLIC_API = 0
    settings.BEACON_RATE_LIMIT_PUBLIC_FORMS = 0
    settings.BEACON_RATE_LIMIT_JOIN_CODES = 0
    settings.BEACON_RATE_LIMIT_JOIN_SAME_CODE = 0
    settings.BEACON_RATE_LIMIT_PEER_REQUESTS = 0


# Helpers the apps' tests share (import them: `from conftest import member_of`). --------------


def member_of(user, organization=None) -> Membership:
    """The user's membership, with its organization and user loaded; name the organization
    when the user belongs to several."""
    memberships = Membership.objects.select_related("organization", "user").filter(user=user)
    if organization is not None:
        memberships = memberships.filter(organization=organization)
    return memberships.get()


def bearer(user, organization=None) -> dict:
    """Request headers for the API with a new bearer token of `user` in `organization` (the
    user's only organization unless named), as in `client.get(URL, **bearer(pat))`."""
    if organization is None:
        organization = user.memberships.get().organization
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=user, organization=organization)[1]}"}


def walk_pages(get, url: str) -> tuple[list[str], list[int]]:
    """Follow an API list's `next` links from `url` to the end: the ids of every row in the
    order served, and how many queries each page took. `get(url)` answers the response."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ids, queries = [], []
    while url is not None:
        with CaptureQueriesContext(connection) as captured:
            response = get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        ids += [str(item["id"]) for item in body["items"]]
        queries.append(len(captured))
        sql = " ".join(q["sql"].upper() for q in captured)
        assert " OFFSET " not in sql
        url = body["next"]
    return ids, queries


def without_csrf(html: bytes) -> bytes:
    """The page without its CSRF tokens, which change with every request: for comparing two
    answers (a page and its error page, before and after) byte for byte."""
    html = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)
    return re.sub(rb'"X-CSRFToken": "[^"]+"', b"", html)


@pytest.fixture
def api(client):
    """api(user): a caller of the API with a bearer token for the user's organization, as in
    `api(pat).post(URL, body)`; bodies go as JSON."""

    class Caller:
        def __init__(self, user):
            self.headers = bearer(user)

        def get(self, path, params=None):
            return client.get(path, params or {}, **self.headers)

        def post(self, path, body=None):
            return self._send(client.post, path, body)

        def patch(self, path, body):
            return self._send(client.patch, path, body)

        def put(self, path, body):
            return self._send(client.put, path, body)

        def delete(self, path):
            return client.delete(path, **self.headers)

        def _send(self, method, path, body):
            body = {} if body is None else body
            return method(path, body, content_type="application/json", **self.headers)

    return Caller
