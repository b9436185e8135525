"""Migration operations for big tables: AddIndexSafely (indexes built without blocking writes
on PostgreSQL) and DropForeignKeyIndex (an index dropped without copying the table on SQLite)."""

import re
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


def _index_names() -> set[str]:
    sql = {
        "sqlite": "SELECT name FROM sqlite_master WHERE type = 'index'",
        "postgresql": "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()",
    }[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_foreign_keys_without_an_index_of_their_own_have_none_in_the_database():
    """DropForeignKeyIndex dropped each one (under the name Django gave it), and the composite
    indexes that answer for them are there."""
    from django.apps import apps
    from django.db import models

    names = _index_names()
    dropped = []
    editor = connection.schema_editor()  # for its naming only: nothing is executed
    for model in apps.get_models():
        if not model.__module__.startswith("beacon."):
            continue
        for field in model._meta.local_fields:
            if isinstance(field, models.ForeignKey) and not field.db_index:
                dropped.append(editor._create_index_name(model._meta.db_table, [field.column]))
    assert "encounters_encounter_peer_id_32d10d63" in dropped
    assert not names & set(dropped)
    assert {"encounter_peer", "encounter_participant", "audit_actor_recent"} <= names


@pytest.mark.django_db(transaction=True)  # SQLite's schema editor refuses an open transaction
def test_dropping_a_foreign_keys_index_copies_no_table():
    """On SQLite, AlterField would rebuild the audit trail and the encounters table (a copy of
    every row); the operation drops the index alone, and puts it back when reversed."""
    from io import StringIO

    from django.core.management import call_command

    forwards, backwards = StringIO(), StringIO()
    call_command("sqlmigrate", "encounters", "0006", stdout=forwards)
    call_command("sqlmigrate", "encounters", "0006", backwards=True, stdout=backwards)
    assert re.search(
        r'DROP INDEX (CONCURRENTLY )?(IF EXISTS )?"encounters_encounter_peer_id_32d10d63"',
        forwards.getvalue(),
    )
    assert "TABLE" not in forwards.getvalue()
    assert re.search(
        r'CREATE INDEX (CONCURRENTLY )?"encounters_encounter_peer_id_32d10d63"',
        backwards.getvalue(),
    )
    assert "TABLE" not in backwards.getvalue()
    if connection.vendor == "postgresql":  # without holding up the table's other queries
        assert "DROP INDEX CONCURRENTLY" in forwards.getvalue()
