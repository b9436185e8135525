"""The rate limit's counting: per address, per window, in the database (shared by processes)."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import time_machine
from django.db import connection

from beacon.core.models import RateLimitCounter
from beacon.core.ratelimit import Limit, rate_limit_check, wait_text

LIMIT = Limit(scope="directory", setting="BEACON_RATE_LIMIT_PUBLIC_API", seconds=60)
NOON = datetime(2026, 12, 7, 12, 0, 15, tzinfo=UTC)


@pytest.fixture
def three_a_minute(settings):
    settings.BEACON_RATE_LIMIT_PUBLIC_API = 3


def check(ip="203.0.113.5"):
    return rate_limit_check(limit=LIMIT, ip=ip)


@pytest.mark.django_db
def test_the_request_after_the_limit_waits_until_the_window_ends(three_a_minute):
    with time_machine.travel(NOON, tick=False):
        assert [check() for _ in range(3)] == [None, None, None]
        assert check() == 45  # the window is 12:00:00-12:00:59
        assert check() == 45
        assert check(ip="203.0.113.6") is None  # another address has its own count
    with time_machine.travel(datetime(2026, 12, 7, 12, 0, 59, 500_000, tzinfo=UTC), tick=False):
        assert check() == 1  # never "0 seconds"
    with time_machine.travel(datetime(2026, 12, 7, 12, 1, 0, tzinfo=UTC), tick=False):
        assert check() is None


@pytest.mark.django_db
def test_an_ipv6_subscriber_is_counted_by_its_64_network(three_a_minute):
    """One home or phone usually holds a whole /64: its addresses share one count."""
    with time_machine.travel(NOON, tick=False):
        for n in range(3):
            assert check(ip=f"2001:db8:1:2::{n + 1}") is None
        assert check(ip="2001:db8:1:2:ffff:ffff:ffff:ffff") == 45
        assert check(ip="2001:db8:1:3::1") is None


@pytest.mark.django_db
def test_zero_turns_the_limit_off_and_writes_nothing(settings):
    settings.BEACON_RATE_LIMIT_PUBLIC_API = 0
    assert all(check() is None for _ in range(100))
    assert not RateLimitCounter.objects.exists()


@pytest.mark.django_db
def test_counters_keep_no_address_and_ended_windows_are_deleted_without_a_job(three_a_minute):
    with time_machine.travel(NOON, tick=False):
        check()
        check(ip="2001:db8::1")
    assert RateLimitCounter.objects.count() == 2
    assert not RateLimitCounter.objects.filter(key__contains="203.0.113").exists()
    assert {c.count for c in RateLimitCounter.objects.all()} == {1}
    # A minute later, the first request of a new window clears the ended ones.
    with time_machine.travel(datetime(2026, 12, 7, 12, 1, 5, tzinfo=UTC), tick=False):
        check(ip="198.51.100.7")
    assert list(RateLimitCounter.objects.values_list("count", flat=True)) == [1]


def test_wait_text():
    assert wait_text(1) == "1 second"
    assert wait_text(45) == "45 seconds"
    assert wait_text(60) == "1 minute"
    assert wait_text(61) == "2 minutes"


def _database_url_of_the_test_database() -> str:
    """DATABASE_URL for another process to use the database this test uses."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


CHILD = """
import sys
import django
django.setup()
from beacon.core.ratelimit import Limit, rate_limit_check
limit = Limit(scope="directory", setting="BEACON_RATE_LIMIT_PUBLIC_API", seconds=3600)
print("ready", flush=True)
sys.stdin.readline()
checks = [rate_limit_check(limit=limit, ip="203.0.113.5") for _ in range(int(sys.argv[1]))]
passed = checks.count(None)
print(passed, flush=True)
"""


@pytest.mark.django_db(transaction=True)
def test_two_processes_share_one_count_and_never_both_pass_it(settings):
    """Another process (another gunicorn worker, another app server) counts in the same row:
    both count at the same time, and exactly the limit passes in all."""
    settings.BEACON_RATE_LIMIT_PUBLIC_API = 50
    hour = Limit(scope="directory", setting="BEACON_RATE_LIMIT_PUBLIC_API", seconds=3600)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_of_the_test_database(),
        "BEACON_RATE_LIMIT_PUBLIC_API": "50",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(Path(__file__).resolve().parents[3]),
    }
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, "40"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "ready"
        child.stdin.write("go\n")
        child.stdin.flush()
        passed_here = sum(rate_limit_check(limit=hour, ip="203.0.113.5") is None for _ in range(40))
        passed_there = int(child.stdout.readline())
    finally:
        child.stdin.close()
        child.wait(timeout=60)
    assert passed_here + passed_there == 50
    assert passed_there > 0 and passed_here > 0
    # Every one of the 80 requests was counted in the one row: no addition was lost.
    assert RateLimitCounter.objects.get().count == 80
