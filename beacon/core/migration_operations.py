"""Migration operations that are safe on the big tables of a statewide network.

`AddIndexSafely` adds an index as Django's AddIndex does, except that on PostgreSQL it builds it
with CREATE INDEX CONCURRENTLY: a plain CREATE INDEX blocks every write to the table while it
reads the whole table (minutes at two million encounters), CONCURRENTLY lets Beacon keep working.
SQLite has no such option (its writers wait for the build either way). A migration using it must
say `atomic = False`, as PostgreSQL cannot build an index concurrently inside a transaction.

`DropForeignKeyIndex` drops the index Django gives a foreign key of its own, where a composite
index starting with the same column makes it redundant (beacon/core/tests/test_indexes.py). The
plain AlterField(db_index=False) would do it on PostgreSQL, but SQLite's schema editor copies the
whole table into a new one for any altered field: minutes for the audit trail and the encounters
of a statewide network, twice for a table with two such keys. This one drops just the index, on
PostgreSQL concurrently when the migration says `atomic = False` (a plain DROP INDEX waits for
every query on the table and holds up all others meanwhile).
"""

from __future__ import annotations

from django.db import NotSupportedError
from django.db.migrations import AddIndex, AlterField


class AddIndexSafely(AddIndex):
    atomic = False

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, **self._options(schema_editor))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, **self._options(schema_editor))

    @staticmethod
    def _options(schema_editor) -> dict:
        if schema_editor.connection.vendor != "postgresql":
            return {}
        if schema_editor.connection.in_atomic_block:
            raise NotSupportedError(
                "AddIndexSafely builds the index concurrently on PostgreSQL: set atomic = False "
                "on the migration."
            )
        return {"concurrently": True}


class DropForeignKeyIndex(AlterField):
    """AlterField(model_name, name, field) where `field` is the foreign key with db_index=False,
    carried out as DROP INDEX of the key's own index (CREATE INDEX when reversed)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._switch(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._switch(app_label, schema_editor, from_state, to_state)

    def _switch(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        old = from_state.apps.get_model(app_label, self.model_name)._meta.get_field(self.name)
        new = model._meta.get_field(self.name)
        if old.column != new.column or old.db_index == new.db_index:
            raise ValueError(f"{self.model_name}.{self.name}: only its db_index may change")
        options = {}
        if schema_editor.connection.vendor == "postgresql":
            options["concurrently"] = not schema_editor.connection.in_atomic_block
        if new.db_index:
            schema_editor.execute(schema_editor._create_index_sql(model, fields=[new], **options))
        else:
            name = schema_editor._create_index_name(model._meta.db_table, [old.column])
            schema_editor.execute(schema_editor._delete_index_sql(model, name, **options))
