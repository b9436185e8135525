"""What the rate limit costs a request, on SQLite and (when DATABASE_URL is set) PostgreSQL.
Not a test: run it by hand and record the figures in bench/RESULTS.md.

    .venv/bin/python bench/ratelimit.py [--requests 2000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/ratelimit.py

Each database is a fresh, temporary one (a temporary directory for SQLite; a database named
beacon_bench_rl_<pid> on the PostgreSQL server, dropped afterwards), migrated, in autocommit as
a server runs. Timed, warm, wall time:

  * check, one address: beacon.core.ratelimit.rate_limit_check for the same address again and
    again (the upsert adds one to an existing row);
  * check, new addresses: a new address each time (the upsert inserts a row; the first of each
    window also deletes the ended ones);
  * API off / on: GET /api/v1/directory/locations/<unknown id> (a 404: the cheapest open
    operation, so the limit's share shows) through Django's test client with the limit off and
    on, alternating, the limit high enough never to refuse.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run(args.requests)
        return
    url = os.environ.get("DATABASE_URL")
    targets = [("sqlite", None)] + ([("postgresql", url)] if url else [])
    for vendor, base_url in targets:
        with tempfile.TemporaryDirectory() as data_dir:
            env = {
                **os.environ,
                "BEACON_DATA_DIR": data_dir,
                "PYTHONPATH": str(ROOT),
                "BEACON_LOG_LEVEL": "ERROR",
            }
            env.pop("DATABASE_URL", None)
            drop = None
            if vendor == "postgresql":
                env["DATABASE_URL"], drop = _pg_database(base_url)
            try:
                subprocess.run(  # noqa: S603 - our own script, with our own arguments
                    [sys.executable, __file__, "--run", "--requests", str(args.requests)],
                    env=env,
                    check=True,
                )
            finally:
                if drop:
                    drop()


def _pg_database(url: str):
    import psycopg

    name = f"beacon_bench_rl_{os.getpid()}"
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def _ms(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    return f"p50 {statistics.median(samples) * 1000:.3f} ms, p95 {p95 * 1000:.3f} ms"


def run(requests: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import uuid

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from beacon.core.ratelimit import rate_limit_check
    from beacon.findhelp.ratelimits import DIRECTORY

    call_command("migrate", verbosity=0)
    settings.BEACON_RATE_LIMIT_PUBLIC_API = 10**9
    print(f"{connection.vendor}, load average {os.getloadavg()[0]:.1f}")

    def timed(fn, n):
        for _ in range(50):
            fn(0)
        out = []
        cpu = time.process_time()
        for i in range(n):
            start = time.perf_counter()
            fn(i)
            out.append(time.perf_counter() - start)
        cpu_each.append((time.process_time() - cpu) / n)
        return out

    cpu_each: list[float] = []

    same = timed(lambda i: rate_limit_check(limit=DIRECTORY, ip="203.0.113.5"), requests)
    print(f"  check, one address:    {_ms(same)}, CPU here {cpu_each[-1] * 1000:.3f} ms")
    new = timed(
        lambda i: rate_limit_check(
            limit=DIRECTORY, ip=f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"
        ),
        requests,
    )
    print(f"  check, new addresses:  {_ms(new)}, CPU here {cpu_each[-1] * 1000:.3f} ms")

    client = Client()
    url = f"/api/v1/directory/locations/{uuid.uuid4()}"
    off, on = [], []
    for i in range(requests):
        for limit, samples in ((0, off), (10**9, on)):
            settings.BEACON_RATE_LIMIT_PUBLIC_API = limit
            start = time.perf_counter()
            assert client.get(url, REMOTE_ADDR="203.0.113.9").status_code == 404
            if i >= 50:
                samples.append(time.perf_counter() - start)
    print(f"  API 404, limit off:    {_ms(off)}")
    print(f"  API 404, limit on:     {_ms(on)}")
    print(
        f"  added at the median:   {(statistics.median(on) - statistics.median(off)) * 1000:.3f} ms"
    )


if __name__ == "__main__":
    main()
