"""Standing people for every test (healthchecks' Alice/Bob/Charlie, Beacon-style):

Harbor (the home organization): Ada (organization admin), Sam (supervisor), Pat (peer
specialist), Quinn (another peer), Riley (a participant who signs in). Lakeside (another
organization): Olive (organization admin).
Participants: Jordan (on Pat's caseload), Casey (on Quinn's), Morgan (at Lakeside).
Every view and API test also checks what Olive cannot do.
"""

import pytest
from django.test import Client

from beacon.accounts.tests.factories import UserFactory
from beacon.organizations.models import Role
from beacon.organizations.tests.factories import MembershipFactory, OrganizationFactory
from beacon.participants.tests.factories import AssignmentFactory, ParticipantFactory

PASSWORD = "correct horse battery staple"


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
