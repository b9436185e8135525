"""Production configuration: what must hold before Beacon may run with real records."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]


def _run(env_overrides, *args, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BEACON_", "DATABASE_URL"))}
    env.update({"BEACON_DATA_DIR": str(tmp_path), **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "BEACON_ENV": "production",
    "BEACON_SECRET_KEY": "q8-x3Jd0vQe1W9z_kLmN4pRsT7uVwXyZ2aBcDeFgHiJkLmNoPqRsTuVwXy",
    "BEACON_ALLOWED_HOSTS": "beacon.example.org",
    "BEACON_SITE_URL": "https://beacon.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/beacon_deploy_check",
}


def test_deploy_check_passes_with_the_documented_production_environment(tmp_path):
    result = _run(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deploy_check_asks_for_the_site_url_that_escalation_emails_link_to(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "BEACON_SITE_URL"}
    result = _run(env, "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "beacon.W001" in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "BEACON_SECRET_KEY"}
    result = _run(env, "check", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "BEACON_SECRET_KEY is not set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "BEACON_ALLOWED_HOSTS"}
    result = _run(env, "check", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "BEACON_ALLOWED_HOSTS" in result.stderr


def test_a_typo_in_a_setting_is_a_clear_error(tmp_path):
    result = _run({"BEACON_LOCKOUT_ATTEMPTS": "five"}, "check", tmp_path=tmp_path)
    assert result.returncode != 0
    assert "BEACON_LOCKOUT_ATTEMPTS must be a whole number" in result.stderr


def test_passwords_are_hashed_with_argon2():
    # conftest swaps in a fast hasher for tests; the configured one is read from the module.
    import config.settings as configured

    assert configured.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("BEACON_LOCKOUT_ATTEMPTS", 5),
        ("BEACON_LOCKOUT_MINUTES", 15),
        ("BEACON_SESSION_IDLE_MINUTES", 30),
        ("BEACON_SESSION_MAX_HOURS", 12),
    ],
)
def test_documented_defaults(name, expected):
    assert getattr(settings, name) == expected


def test_sqlite_runs_in_wal_mode_with_immediate_transactions():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]


def _database_options(env_overrides, tmp_path):
    return _run(
        {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres", **env_overrides},
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS'))",
        tmp_path=tmp_path,
    )


@pytest.mark.django_db
def test_postgresql_connections_price_random_reads_for_memory_and_ssd():
    # With the server's default of 4 the planner hash-joins whole tables for one organization's
    # rows (bench/RESULTS.md); each connection asks for 1.1 when it starts.
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2", "-c random_page_cost=2.0"), ("", None)],
)
def test_the_random_page_cost_can_be_changed_or_left_to_the_server(value, expected, tmp_path):
    result = _database_options({"BEACON_PG_RANDOM_PAGE_COST": value}, tmp_path)
    assert result.returncode == 0, result.stderr
    if expected:
        assert expected in result.stdout
    else:
        assert "random_page_cost" not in result.stdout


def test_a_random_page_cost_that_is_not_a_number_is_a_clear_error(tmp_path):
    result = _database_options({"BEACON_PG_RANDOM_PAGE_COST": "cheap"}, tmp_path)
    assert result.returncode != 0
    assert "BEACON_PG_RANDOM_PAGE_COST must be a number, not 'cheap'" in result.stderr
