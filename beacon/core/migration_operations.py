"""Migration operations that are safe on the big tables of a statewide network.

`AddIndexSafely` adds an index as Django's AddIndex does, except that on PostgreSQL it builds it
with CREATE INDEX CONCURRENTLY: a plain CREATE INDEX blocks every write to the table while it
reads the whole table (minutes at two million encounters), CONCURRENTLY lets Beacon keep working.
SQLite has no such option (its writers wait for the build either way). A migration using it must
say `atomic = False`, as PostgreSQL cannot build an index concurrently inside a transaction.
"""

from __future__ import annotations

from django.db import NotSupportedError
from django.db.migrations import AddIndex


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
