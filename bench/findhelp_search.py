"""Find Help search time with 50,000 services, on SQLite and (when DATABASE_URL is set) on
PostgreSQL. Not a test: run it by hand and record the figures in bench/RESULTS.md.

    .venv/bin/python bench/findhelp_search.py [--services 50000] [--searches 200]
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/findhelp_search.py   # then both

Each database is a fresh, temporary one (a temporary directory for SQLite; a database named
beacon_bench_<pid> on the PostgreSQL server, dropped afterwards). The directory is spread over
the standard ZIP codes of New England, the searches run through the same selector the page uses
(beacon.findhelp.selectors.service_search), first page of 20 results with its count.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
STATES = ("MA", "CT", "RI", "NH", "VT", "ME")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=50_000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="Run one database only.")
    parser.add_argument("--run", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run(args.services, args.searches)
        return
    targets = ["sqlite"] + (["postgresql"] if os.environ.get("DATABASE_URL") else [])
    if args.only:
        targets = [t for t in targets if t == args.only]
    for target in targets:
        env = dict(os.environ)
        cleanup = None
        if target == "sqlite":
            tmp = tempfile.TemporaryDirectory(prefix="beacon-bench-")
            env.pop("DATABASE_URL", None)
            env["BEACON_DATA_DIR"] = tmp.name
            cleanup = tmp.cleanup
        else:
            env["DATABASE_URL"], cleanup = _temporary_pg_database(os.environ["DATABASE_URL"])
        try:
            subprocess.run(  # noqa: S603 - our own script, with our own arguments
                [
                    sys.executable,
                    __file__,
                    "--run",
                    target,
                    "--services",
                    str(args.services),
                    "--searches",
                    str(args.searches),
                ],
                env=env,
                cwd=ROOT,
                check=True,
            )
        finally:
            cleanup()


def _temporary_pg_database(url: str):
    import psycopg

    name = f"beacon_bench_{os.getpid()}"
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def _searches(count: int, zips: list[str], rng: random.Random):
    from beacon.findhelp.selectors import SearchQuery

    words = [
        "recovery",
        "food pantry",
        "legal",
        "housing",
        "meeting",
        "naloxone",
        "smart",
        "bridge clinic",
        "career",
        "benefits",
        "methadone",
        "shelter",
        "coffee",
    ]
    types = ["moud", "recovery-center", "food", "housing", "recovery-meeting", "legal"]
    populations = ["veterans", "youth", "reentry", "women", "families"]
    shapes = [
        lambda: SearchQuery(words=rng.choice(words)),
        lambda: SearchQuery(zip_code=rng.choice(zips), miles=rng.choice((5, 10, 25))),
        lambda: SearchQuery(words=rng.choice(words), zip_code=rng.choice(zips), miles=10),
        lambda: SearchQuery(service_type=rng.choice(types), zip_code=rng.choice(zips), miles=10),
        lambda: SearchQuery(zip_code=rng.choice(zips), miles=10, payment="medicaid", moud=True),
        lambda: SearchQuery(zip_code=rng.choice(zips), miles=25, open_now=True),
        lambda: SearchQuery(zip_code=rng.choice(zips), miles=10, language="Spanish"),
        lambda: SearchQuery(
            zip_code=rng.choice(zips), miles=10, population=rng.choice(populations)
        ),
        lambda: SearchQuery(zip_code=rng.choice(zips), miles=10, same_day=True),
        lambda: SearchQuery(service_type=rng.choice(types)),
        lambda: SearchQuery(words=rng.choice(words), open_now=True),
        lambda: SearchQuery(),
    ]
    return [shapes[i % len(shapes)]() for i in range(count)]


def run(services: int, searches: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import zipcodes
    from django.core.management import call_command
    from django.db import connection

    from beacon.findhelp.demo import directory_generate
    from beacon.findhelp.selectors import service_search

    call_command("migrate", verbosity=0)
    zips = sorted(
        z["zip_code"]
        for state in STATES
        for z in zipcodes.filter_by(state=state)
        if z["zip_code_type"] == "STANDARD" and z.get("lat")
    )
    started = time.perf_counter()
    counts = directory_generate(count=services, seed=50, zips=zips)
    built = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # What autovacuum would have done by the time anyone searches. (SQLite: Beacon never
        # runs ANALYZE, and its planner does best without statistics here.)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    rng = random.Random(2026)  # noqa: S311 - benchmark inputs, not secrets
    # Searches near where people are: ZIPs of the places in the directory.
    queries = _searches(searches, zips, rng)
    for query in queries[:10]:  # warm up caches and connections
        service_search(query=query)
    timings = []
    found = []
    for query in queries:
        t0 = time.perf_counter()
        page = service_search(query=query)
        timings.append((time.perf_counter() - t0) * 1000)
        found.append(page.count)
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    under = sum(t < 50 for t in timings) / len(timings) * 100
    print(
        f"{connection.vendor}: {counts['service']} services built in {built:.0f} s; "
        f"{len(timings)} searches: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms, "
        f"{under:.0f}% under 50 ms; median results {statistics.median(found):.0f}"
    )


if __name__ == "__main__":
    main()
