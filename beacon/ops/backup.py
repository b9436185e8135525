"""Backups that can be trusted: a consistent copy of the database and the uploaded files, with a
manifest of checksums that a restore checks before it touches anything and proves after.

A backup is a directory:
    manifest.json     what was backed up: Beacon version, database vendor, when, the sha256 of
                      every file below, and each table's row count and content fingerprint
    database.sqlite3  SQLite: an online copy made with SQLite's backup API (safe while Beacon runs)
    database.dump     PostgreSQL: pg_dump's custom format, taken from an exported snapshot
    files/media/...   the uploaded files (MEDIA_ROOT)
    files/private/... the private files (training certificates), never served by a web server

The fingerprints are computed from the same snapshot as the copy, so a restore can show that
the restored database matches the original row for row. Neither the secret key nor the audit
key is written to a backup (whoever holds a backup and the key could forge the audit trail); the
manifest keeps a fingerprint of the audit key so a restore says when the key differs.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

MANIFEST = "manifest.json"
SQLITE_COPY = "database.sqlite3"
PG_DUMP = "database.dump"
FILES = "files"
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class TableFingerprint:
    rows: int
    sha256: str


@dataclass
class RestoreReport:
    path: Path
    tables: int = 0
    rows: int = 0
    files: int = 0
    mismatches: list[str] = field(default_factory=list)
    audit_checked: int = 0
    audit_problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.audit_problem


# Fingerprints ------------------------------------------------------------------------------------


def _value(value: Any) -> str:
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        return "b:" + value.hex()
    if value is None:
        return "\x00"
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = value.astimezone(datetime.UTC)
    return f"{type(value).__name__}:{value}"


def _digest(rows: Iterable[tuple]) -> TableFingerprint:
    digest = hashlib.sha256()
    count = 0
    for row in rows:
        digest.update("\x1f".join(_value(v) for v in row).encode())
        digest.update(b"\x1e")
        count += 1
    return TableFingerprint(count, digest.hexdigest())


def _fetch(cursor, sql: str, size: int = 2000) -> Iterator[tuple]:
    cursor.execute(sql)
    while batch := cursor.fetchmany(size):
        yield from batch


def _select_all(table: str, order: str) -> str:
    # Table and column names come from the database's own catalogue, never from a user.
    name = table.replace('"', '""')
    return f'SELECT * FROM "{name}" ORDER BY {order}'  # noqa: S608


def _sqlite_tables(db: sqlite3.Connection) -> dict[str, str]:
    """{table: ORDER BY clause} for every table, the FTS shadow tables included."""
    tables = {}
    for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ):
        info = db.execute(f'PRAGMA table_info("{name}")').fetchall()
        keys = [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]]
        without_rowid = db.execute(
            "SELECT sql LIKE '%WITHOUT ROWID%' FROM sqlite_master WHERE name = ?", (name,)
        ).fetchone()[0]
        if keys:
            order = ", ".join(f'"{k}"' for k in keys)
        elif without_rowid:
            order = ", ".join(str(i + 1) for i in range(len(info)))
        else:
            order = "rowid"
        tables[name] = order
    return tables


def sqlite_fingerprints(path: Path) -> dict[str, TableFingerprint]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {
            table: _digest(_fetch(db.cursor(), _select_all(table, order)))
            for table, order in _sqlite_tables(db).items()
        }
    finally:
        db.close()


def _postgres_tables(cursor) -> dict[str, str]:
    cursor.execute(
        """
        SELECT c.relname,
               (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord)
                  FROM pg_index i
                  CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                 WHERE i.indrelid = c.oid AND i.indisprimary),
               (SELECT count(*) FROM pg_attribute a
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()
         ORDER BY c.relname
        """
    )
    return {
        name: keys or ", ".join(str(i + 1) for i in range(columns))
        for name, keys, columns in cursor.fetchall()
    }


def postgres_fingerprints(cursor) -> dict[str, TableFingerprint]:
    """Fingerprints through an open cursor (inside the snapshot's transaction)."""
    return {
        table: _digest(_fetch(cursor, _select_all(table, order)))
        for table, order in _postgres_tables(cursor).items()
    }


def database_fingerprints() -> dict[str, TableFingerprint]:
    """The configured database's fingerprints as it is now."""
    if connection.vendor == "sqlite":
        connection.close()
        return sqlite_fingerprints(Path(settings.DATABASES["default"]["NAME"]))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return postgres_fingerprints(cursor)


# Files -------------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_roots() -> dict[str, Path]:
    """The directories of stored files a backup carries: uploads (MEDIA_ROOT) and the private
    files no web server serves (certificates, under <data dir>/private)."""
    return {
        "media": Path(settings.MEDIA_ROOT),
        "private": Path(settings.DATA_DIR) / "private",
    }


def _copy_files(target: Path) -> int:
    copied = 0
    for name, source in file_roots().items():
        if source.is_dir():
            shutil.copytree(source, target / FILES / name)
            copied += sum(1 for p in (target / FILES / name).rglob("*") if p.is_file())
    return copied


def _audit_key_fingerprint() -> str:
    from beacon.audit.chain import chain_key

    return hmac.new(chain_key(), b"beacon backup: which audit key", "sha256").hexdigest()[:16]


def _pg_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _run(argv: list[str], what: str) -> None:
    tool = shutil.which(argv[0])
    if tool is None:
        raise BackupError(
            f"{argv[0]} was not found; install the PostgreSQL client tools (same major version "
            f"as the server) to {what}."
        )
    result = subprocess.run(  # noqa: S603 - our arguments, no shell
        [tool, *argv[1:]], env=_pg_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{argv[0]} failed ({result.returncode}): {result.stderr.strip()}")


# Backup ------------------------------------------------------------------------------------------


def _beacon_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("beacon")
    except PackageNotFoundError:  # pragma: no cover - running from a tree without an install
        return "unknown"


def backup_create(destination: Path, *, now: datetime.datetime | None = None) -> Path:
    """Write a backup into a new directory under `destination`; returns the directory."""
    now = now or datetime.datetime.now(datetime.UTC)
    target = Path(destination) / f"beacon-backup-{now:%Y%m%d-%H%M%S}"
    if target.exists():
        raise BackupError(f"{target} exists already; wait a second or choose another directory.")
    target.mkdir(parents=True)
    if connection.vendor == "sqlite":
        tables = _backup_sqlite(target)
    elif connection.vendor == "postgresql":
        tables = _backup_postgres(target)
    else:  # pragma: no cover - Beacon supports SQLite and PostgreSQL only
        raise BackupError(f"Backups of {connection.vendor} are not supported.")
    _copy_files(target)
    files = {
        str(p.relative_to(target)): {"bytes": p.stat().st_size, "sha256": _sha256(p)}
        for p in sorted(target.rglob("*"))
        if p.is_file()
    }
    manifest = {
        "format": FORMAT,
        "beacon_version": _beacon_version(),
        "created_at": now.isoformat(),
        "database": connection.vendor,
        "audit_key": _audit_key_fingerprint(),
        "files": files,
        "tables": {name: vars(fp) for name, fp in tables.items()},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return target


def _backup_sqlite(target: Path) -> dict[str, TableFingerprint]:
    source_path = Path(settings.DATABASES["default"]["NAME"])
    connection.close()
    copy_path = target / SQLITE_COPY
    source = sqlite3.connect(source_path)
    copy = sqlite3.connect(copy_path)
    try:
        source.backup(copy)
        # One self-contained file: no -wal or -shm beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
        source.close()
    return sqlite_fingerprints(copy_path)


def _backup_postgres(target: Path) -> dict[str, TableFingerprint]:
    # One snapshot for both the dump and the fingerprints: what the manifest describes is
    # exactly what the dump holds, even with Beacon writing meanwhile.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run(
            ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target / PG_DUMP}"],
            "back up PostgreSQL",
        )
        return postgres_fingerprints(cursor)


# Restore -----------------------------------------------------------------------------------------


def backup_read(path: Path) -> dict[str, Any]:
    """The manifest, after checking every file it lists (BackupError names the first bad one)."""
    path = Path(path)
    try:
        manifest = json.loads((path / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{path} is not a Beacon backup: it has no {MANIFEST}.") from None
    except json.JSONDecodeError as error:
        raise BackupError(f"{path / MANIFEST} is not valid JSON: {error}.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} has backup format {manifest.get('format')!r}; expected 1.")
    for name, expected in manifest["files"].items():
        file = path / name
        if not file.is_file():
            raise BackupError(f"{name} is missing from the backup.")
        if _sha256(file) != expected["sha256"]:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged.")
    listed = {str(p.relative_to(path)) for p in path.rglob("*") if p.is_file()} - {MANIFEST}
    extra = sorted(listed - set(manifest["files"]))
    if extra:
        raise BackupError(f"{extra[0]} is in the backup directory but not in its manifest.")
    return manifest


def _database_has_data() -> bool:
    tables = set(connection.introspection.table_names())
    if "django_migrations" not in tables:
        return False
    with connection.cursor() as cursor:
        for table in ("accounts_user", "audit_auditevent"):
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
                if cursor.fetchone():
                    return True
    return False


def backup_restore(path: Path, *, force: bool = False) -> RestoreReport:
    """Restore a backup into the configured database and MEDIA_ROOT, then prove it: every
    table's rows match the manifest and the audit chain verifies."""
    from beacon.audit.chain import verify_chain

    path = Path(path)
    manifest = backup_read(path)
    if manifest["database"] != connection.vendor:
        raise BackupError(
            f"This backup is of a {manifest['database']} database; Beacon is configured for "
            f"{connection.vendor}. Set DATABASE_URL to match."
        )
    if not force and _database_has_data():
        raise BackupError(
            "The configured database already holds Beacon data. Restore replaces all of it: "
            "run again with --force if that is what you want."
        )
    if not force:
        for root in file_roots().values():
            if root.is_dir() and any(root.iterdir()):
                raise BackupError(
                    f"{root} already holds files; run again with --force to replace them."
                )
    if connection.vendor == "sqlite":
        _restore_sqlite(path / SQLITE_COPY)
    else:
        _restore_postgres(path / PG_DUMP)
    report = RestoreReport(path=path)
    for name, root in file_roots().items():
        if root.exists():
            shutil.rmtree(root)
        if (path / FILES / name).is_dir():
            shutil.copytree(path / FILES / name, root)
            report.files += sum(1 for p in root.rglob("*") if p.is_file())
    restored = database_fingerprints()
    expected = manifest["tables"]
    for table in sorted(set(expected) | set(restored)):
        want, got = expected.get(table), restored.get(table)
        if want is None or got is None:
            report.mismatches.append(f"{table}: {'missing' if got is None else 'unexpected'}")
        elif (want["rows"], want["sha256"]) != (got.rows, got.sha256):
            report.mismatches.append(f"{table}: {got.rows} rows restored, {want['rows']} expected")
    report.tables = len(restored)
    report.rows = sum(fp.rows for fp in restored.values())
    if manifest.get("audit_key") != _audit_key_fingerprint():
        report.audit_problem = (
            "the audit key differs from the one the backup was made with: set BEACON_AUDIT_KEY "
            "(or BEACON_SECRET_KEY) as on the original server, then run `beacon audit verify`"
        )
    else:
        chain = verify_chain()
        report.audit_checked = chain.checked
        if not chain.ok:
            report.audit_problem = f"entry {chain.first_broken_id}: {chain.reason}"
    return report


def _restore_sqlite(copy_path: Path) -> None:
    target = Path(settings.DATABASES["default"]["NAME"])
    connection.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{copy_path}?mode=ro", uri=True)
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()


def _restore_postgres(dump_path: Path) -> None:
    connection.close()
    db = settings.DATABASES["default"]["NAME"]
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={db}",
            str(dump_path),
        ],
        "restore PostgreSQL",
    )
