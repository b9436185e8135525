import pytest
from django.db import transaction

from tests.security import matrix
from tests.security.world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once per module inside a transaction that is rolled back at the end; each test
    (marked django_db) runs in a savepoint inside it, and each request in another."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        built.sessions = matrix.sessions(built)
        yield built
        transaction.set_rollback(True)
