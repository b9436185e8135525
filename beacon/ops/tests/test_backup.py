"""`beacon backup` and `beacon restore`, run as the commands operators run, on the database the
suite is using (SQLite, or PostgreSQL when DATABASE_URL is set): a restored copy matches row for
row and its audit chain verifies; damaged backups, existing data and another audit key are
refused or reported, never silently accepted."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

REPO_ROOT = Path(__file__).resolve().parents[3]
POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
KEY = "backup-test-secret-key-0123456789-0123456789-0123456789"


def _admin_connection():
    import psycopg

    db = settings.DATABASES["default"]
    return psycopg.connect(
        dbname="postgres",
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        autocommit=True,
    )


class Site:
    """One Beacon installation: its own data directory and database, run through the CLI."""

    def __init__(self, tmp_path: Path, name: str):
        self.data_dir = tmp_path / name
        self.env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"} and not k.startswith("BEACON_")
        }
        self.env["BEACON_DATA_DIR"] = str(self.data_dir)
        self.env["BEACON_SECRET_KEY"] = KEY
        self.database = None
        if POSTGRES:
            db = settings.DATABASES["default"]
            self.database = f"beacon_backup_{name}_{uuid.uuid4().hex[:8]}"
            with _admin_connection() as conn:
                conn.execute(f'CREATE DATABASE "{self.database}"')
            auth = db.get("USER") or "postgres"
            self.env["DATABASE_URL"] = (
                f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/"
                f"{self.database}"
            )

    def beacon(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "beacon", *args],
            cwd=REPO_ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    def drop(self) -> None:
        if self.database:
            with _admin_connection() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


@pytest.fixture
def site(tmp_path):
    made: list[Site] = []

    def make(name: str) -> Site:
        made.append(Site(tmp_path, name))
        return made[-1]

    yield make
    for each in made:
        each.drop()


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    """A site with an admin, an uploaded file and a few audit entries, and its backup (made
    once: migrating takes seconds)."""
    base = tmp_path_factory.mktemp("backup")
    source = Site(base, "original")
    assert source.beacon("migrate").returncode == 0
    created = source.beacon(
        "createadmin",
        "--email",
        "lee@example.org",
        "--name",
        "Lee",
        "--password-stdin",
        stdin="a-long-Passphrase-42\n",
    )
    assert created.returncode == 0, created.stderr
    upload = source.data_dir / "private" / "certificates" / "first-aid.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"%PDF-1.4 certificate")
    result = source.beacon("backup", str(base / "backups"))
    assert result.returncode == 0, result.stderr
    (path,) = (base / "backups").iterdir()
    yield source, path
    source.drop()


@pytest.fixture
def backed_up(original, tmp_path):
    """The original site and a fresh copy of its backup this test may damage."""
    source, path = original
    copy = tmp_path / path.name
    shutil.copytree(path, copy)
    return source, copy


def test_a_restored_copy_matches_row_for_row_and_its_audit_chain_verifies(site, backed_up):
    _, path = backed_up
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["database"] == ("postgresql" if POSTGRES else "sqlite")
    assert manifest["tables"]["accounts_user"]["rows"] == 1
    assert manifest["tables"]["audit_auditevent"]["rows"] >= 1
    assert "files/private/certificates/first-aid.pdf" in manifest["files"]
    assert KEY not in (path / "manifest.json").read_text()

    copy = site("copy")
    result = copy.beacon("restore", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Every table matches the backup row for row; audit chain verified" in result.stdout
    assert (copy.data_dir / "private/certificates/first-aid.pdf").read_bytes() == (
        b"%PDF-1.4 certificate"
    )
    # The copy is a working Beacon: its own audit check passes and the admin exists.
    assert copy.beacon("audit", "verify").returncode == 0
    refused = copy.beacon(
        "createadmin",
        "--email",
        "lee@example.org",
        "--name",
        "Lee",
        "--password-stdin",
        stdin="a-long-Passphrase-42\n",
    )
    assert refused.returncode != 0


def test_a_difference_from_the_manifest_is_reported_not_hidden(site, backed_up):
    _, path = backed_up
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["tables"]["accounts_user"]["rows"] = 2
    (path / "manifest.json").write_text(json.dumps(manifest))
    result = site("copy").beacon("restore", str(path))
    assert result.returncode == 1
    assert "MISMATCH accounts_user: 1 rows restored, 2 expected" in result.stdout


def test_a_damaged_backup_is_refused_before_anything_is_restored(site, backed_up):
    _, path = backed_up
    damaged = path / ("database.dump" if POSTGRES else "database.sqlite3")
    with damaged.open("ab") as handle:
        handle.write(b"x")
    check = site("check").beacon("restore", "--check", str(path))
    assert check.returncode == 2
    assert f"{damaged.name} does not match its checksum" in check.stderr
    copy = site("copy")
    assert copy.beacon("restore", str(path)).returncode == 2
    if not POSTGRES:
        assert not (copy.data_dir / "beacon.sqlite3").exists()


def test_restore_will_not_replace_existing_data_without_force(backed_up):
    original, path = backed_up
    refused = original.beacon("restore", str(path))
    assert refused.returncode == 2
    assert "already holds Beacon data" in refused.stderr
    forced = original.beacon("restore", "--force", str(path))
    assert forced.returncode == 0, forced.stdout + forced.stderr


def test_restoring_with_another_audit_key_says_so(site, backed_up):
    _, path = backed_up
    copy = site("copy")
    copy.env["BEACON_SECRET_KEY"] = KEY + "-another"
    result = copy.beacon("restore", str(path))
    assert result.returncode == 1
    assert "the audit key differs" in result.stdout


@pytest.mark.skipif(POSTGRES, reason="the SQLite copy's own format")
def test_the_sqlite_copy_is_one_self_contained_file(backed_up):
    _, path = backed_up
    assert not list(path.glob("database.sqlite3-*"))
    db = sqlite3.connect(path / "database.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert db.execute("SELECT count(*) FROM accounts_user").fetchone()[0] == 1
