"""AddIndexSafely: indexes on big tables built without blocking writes on PostgreSQL."""

from types import SimpleNamespace

import pytest
from django.db import NotSupportedError, connection

from beacon.core.migration_operations import AddIndexSafely


def _editor(vendor, in_atomic_block=False):
    return SimpleNamespace(
        connection=SimpleNamespace(vendor=vendor, in_atomic_block=in_atomic_block)
    )


def test_postgresql_builds_the_index_concurrently_outside_a_transaction():
    assert AddIndexSafely._options(_editor("postgresql")) == {"concurrently": True}
    with pytest.raises(NotSupportedError):
        AddIndexSafely._options(_editor("postgresql", in_atomic_block=True))


def test_sqlite_builds_it_as_usual():
    assert AddIndexSafely._options(_editor("sqlite")) == {}


@pytest.mark.django_db
def test_the_inbox_index_is_there():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "referrals_referral")
    assert constraints["referral_inbox_recent"]["index"]
