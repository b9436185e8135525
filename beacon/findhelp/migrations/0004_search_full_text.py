"""Full-text indexes on the search documents' text, one kind per database, and the search index
built for the directory already in the database.

Both index substrings, so a word is found inside any word of the text exactly as the earlier
`LIKE '%word%'` search found it, on both databases alike (docs/decisions/0004-findhelp-search-index.md):

* SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34 or later), holding no copy of the
  text (`content=` the documents table) and kept current by triggers on that table.
* PostgreSQL: a GIN index with pg_trgm's operator class, which serves `LIKE '%word%'`. pg_trgm is
  a "trusted" extension (PostgreSQL 13+): a database owner may create it.

The bounding-box index of 0002 goes: the search reads coordinates from the index's own places.
"""

from django.db import migrations

FTS = "findhelp_search_fts"
DOCS = "findhelp_searchdocument"

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5("
    f"text, content='{DOCS}', content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON {DOCS} BEGIN "
    f"INSERT INTO {FTS}(rowid, text) VALUES (new.id, new.text); END",
    f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON {DOCS} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, text) VALUES ('delete', old.id, old.text); END",
    f"CREATE TRIGGER {FTS}_au AFTER UPDATE ON {DOCS} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, text) VALUES ('delete', old.id, old.text); "
    f"INSERT INTO {FTS}(rowid, text) VALUES (new.id, new.text); END",
    # Anything already in the documents table (none on a fresh database).
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS}_ai",
    f"DROP TRIGGER IF EXISTS {FTS}_ad",
    f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TABLE IF EXISTS {FTS}",
]
POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS findhelp_doc_text_trgm_idx ON {DOCS} USING gin (text gin_trgm_ops)",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS findhelp_doc_text_trgm_idx"]


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql)


def create_full_text(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        import sqlite3

        if sqlite3.sqlite_version_info < (3, 34):
            raise RuntimeError(
                f"Find Help's search needs SQLite 3.34 or later (FTS5 trigram); this Python has "
                f"SQLite {sqlite3.sqlite_version}. Use a newer Python or PostgreSQL."
            )
        _run(schema_editor, SQLITE_CREATE)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_CREATE)


def drop_full_text(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_DROP)


def build_index(apps, schema_editor):
    """Built the index for services already in the directory; now a no-op, since the builder
    needs the languages table of 0005, which builds the index instead (0005_search_languages)."""


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0002_directoryorganization_beacon_organization"),
        ("findhelp", "0003_search_index"),
    ]

    operations = [
        migrations.RunPython(create_full_text, drop_full_text),
        migrations.RunSQL(
            "DROP INDEX IF EXISTS findhelp_location_geo_idx",
            "CREATE INDEX IF NOT EXISTS findhelp_location_geo_idx "
            "ON directory_location (latitude, longitude)",
        ),
        migrations.RunPython(build_index, migrations.RunPython.noop),
    ]
