"""Find Help search time with 50,000 services, on SQLite and (when DATABASE_URL is set) on
PostgreSQL. Not a test: run it by hand and record the figures in bench/RESULTS.md.

    .venv/bin/python bench/findhelp_search.py [--services 50000] [--searches 200]
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/findhelp_search.py   # then both

Each database is a fresh, temporary one (a temporary directory for SQLite; a database named
beacon_bench_<pid> on the PostgreSQL server, dropped afterwards), unless --sqlite-dir or
--pg-database names one to keep: it is built on the first run and searched again on later runs
(migrations run each time; `--reindex` rebuilds the Find Help search index first). The directory
is spread over the standard ZIP codes of New England. Each search (first page of 20 results with
its count) is timed three ways, one after the other:

  * selector: beacon.findhelp.selectors.service_search, the one search the page and API call;
  * page: what a visitor waits for, the anonymous GET /find-help/?... request through Django's
    test client (every middleware, the form, the search, the template);
  * api: GET /api/v1/directory/services?... with the same parameters (the schema's output).

Figures (wall p50, p95, max, share under 50 ms; CPU p50 and p95) are printed for all searches
and for each of the 16 shapes, with the load average before and after. CPU is this process's
and, on PostgreSQL running on this machine, the server process's too (from /proc): on a shared
machine wall time is mostly waiting for a core, CPU time is the work.
"""

from __future__ import annotations

import argparse
import math
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
    parser.add_argument("--sqlite-dir", help="Keep the SQLite database in this directory.")
    parser.add_argument("--pg-database", help="Keep the PostgreSQL database under this name.")
    parser.add_argument(
        "--reindex", action="store_true", help="Rebuild the search index of a kept database."
    )
    parser.add_argument("--run", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run(args.services, args.searches, reindex=args.reindex)
        return
    targets = ["sqlite"] + (["postgresql"] if os.environ.get("DATABASE_URL") else [])
    if args.only:
        targets = [t for t in targets if t == args.only]
    for target in targets:
        env = dict(os.environ)
        cleanup = None
        if target == "sqlite":
            env.pop("DATABASE_URL", None)
            if args.sqlite_dir:
                env["BEACON_DATA_DIR"] = str(Path(args.sqlite_dir).resolve())
            else:
                tmp = tempfile.TemporaryDirectory(prefix="beacon-bench-")
                env["BEACON_DATA_DIR"] = tmp.name
                cleanup = tmp.cleanup
        else:
            env["DATABASE_URL"], cleanup = _pg_database(
                os.environ["DATABASE_URL"], args.pg_database
            )
            # One server connection for the whole run, as a long-lived server process keeps
            # (and so one server process whose CPU time can be read).
            env.setdefault("BEACON_DB_CONN_MAX_AGE", "86400")
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
                    *(["--reindex"] if args.reindex else []),
                ],
                env=env,
                cwd=ROOT,
                check=True,
            )
        finally:
            if cleanup:
                cleanup()


def _pg_database(url: str, keep: str | None):
    """The URL of a database to benchmark in, and how to drop it (None when it is kept)."""
    import psycopg

    name = keep or f"beacon_bench_{os.getpid()}"
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    if keep:
        return urlunsplit(parts._replace(path=f"/{name}")), None

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
    # Issue 18: people's own words (synonyms replaced), and the same misspelled (corrected).
    everyday = [
        "narcan",
        "suboxone",
        "detox",
        "aa meeting",
        "rehab",
        "sober house",
        "methadone clinic",
        "food stamps",
        "bupe",
        "needle exchange",
    ]
    misspelled = ["narcann", "suboxon", "buprenorphin", "detoxx", "methadon clinic", "naloxome"]
    types = ["moud", "recovery-center", "food", "housing", "recovery-meeting", "legal"]
    populations = ["veterans", "youth", "reentry", "women", "families"]

    def near():
        return rng.choice(zips)

    shapes = [
        ("words", lambda: SearchQuery(words=rng.choice(words))),
        ("zip 5/10/25 mi", lambda: SearchQuery(zip_code=near(), miles=rng.choice((5, 10, 25)))),
        ("words + zip", lambda: SearchQuery(words=rng.choice(words), zip_code=near(), miles=10)),
        (
            "type + zip",
            lambda: SearchQuery(service_type=rng.choice(types), zip_code=near(), miles=10),
        ),
        (
            "medicaid + moud + zip",
            lambda: SearchQuery(zip_code=near(), miles=10, payment="medicaid", moud=True),
        ),
        ("open now 25 mi", lambda: SearchQuery(zip_code=near(), miles=25, open_now=True)),
        ("spanish + zip", lambda: SearchQuery(zip_code=near(), miles=10, language="Spanish")),
        (
            "population + zip",
            lambda: SearchQuery(zip_code=near(), miles=10, population=rng.choice(populations)),
        ),
        ("same day + zip", lambda: SearchQuery(zip_code=near(), miles=10, same_day=True)),
        ("type only", lambda: SearchQuery(service_type=rng.choice(types))),
        ("words + open now", lambda: SearchQuery(words=rng.choice(words), open_now=True)),
        ("everything", lambda: SearchQuery()),
        ("everyday words", lambda: SearchQuery(words=rng.choice(everyday))),
        (
            "everyday + zip",
            lambda: SearchQuery(words=rng.choice(everyday), zip_code=near(), miles=10),
        ),
        (
            "misspelled + zip",
            lambda: SearchQuery(words=rng.choice(misspelled), zip_code=near(), miles=10),
        ),
        # Nothing found: the search, then "did you mean" (suggested words searched once more).
        ("no match + zip", lambda: SearchQuery(words="recovry housng", zip_code=near(), miles=5)),
    ]
    return [(shapes[i % len(shapes)][0], shapes[i % len(shapes)][1]()) for i in range(count)]


def _figures(timings: list[float], *, short: bool = False) -> str:
    timings = sorted(timings)
    p50 = statistics.median(timings)
    p95 = timings[max(0, math.ceil(len(timings) * 0.95) - 1)]
    under = sum(t < 50 for t in timings) / len(timings) * 100
    if short:
        return f"p50 {p50:6.1f}  p95 {p95:6.1f}  {under:3.0f}% < 50"
    return f"p50 {p50:6.1f}  p95 {p95:6.1f}  max {timings[-1]:6.1f}  {under:3.0f}% < 50"


def _params(query) -> dict[str, str]:
    """What the search form sends for `query`: every field (empty ones too), ticked boxes."""
    params = {
        "q": query.words,
        "zip": query.zip_code,
        "miles": str(int(query.miles)),
        "service_type": query.service_type,
        "payment": query.payment,
        "language": query.language,
        "population": query.population,
    }
    for flag in ("open_now", "same_day", "moud"):
        if getattr(query, flag):
            params[flag] = "on"
    return params


def _api_params(query) -> dict[str, str]:
    return {k: ("true" if v == "on" else v) for k, v in _params(query).items() if v}


def _server_cpu_reader(connection):
    """A function giving the CPU time (ms) used so far by the PostgreSQL server process serving
    `connection`, read from /proc when the server runs on this machine; 0 otherwise (SQLite
    runs in this process, whose CPU time is counted already). `.reads` says which."""

    def read() -> float:
        if connection.connection is None:
            return 0.0
        try:
            pid = connection.connection.info.backend_pid
            with open(f"/proc/{pid}/schedstat") as stat:
                return int(stat.read().split()[0]) / 1e6
        except (OSError, ValueError, AttributeError):
            return 0.0

    connection.ensure_connection()
    read.reads = connection.vendor == "postgresql" and read() > 0
    return read


def run(services: int, searches: int, *, reindex: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # One client sends hundreds of searches a minute: the per-address limit (60 a minute) would
    # answer 429. Its cost (one statement a request) is measured apart, bench/ratelimit.py.
    os.environ.setdefault("BEACON_RATE_LIMIT_PUBLIC_API", "0")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import zipcodes
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from beacon.directory.models import Service
    from beacon.findhelp.demo import directory_generate
    from beacon.findhelp.selectors import service_search

    call_command("migrate", verbosity=0)
    zips = sorted(
        z["zip_code"]
        for state in STATES
        for z in zipcodes.filter_by(state=state)
        if z["zip_code_type"] == "STANDARD" and z.get("lat")
    )
    existing = Service.objects.count()
    if existing:
        print(f"{connection.vendor}: reusing {existing} services")
        if reindex:
            from beacon.findhelp.services import search_index_rebuild

            started = time.perf_counter()
            search_index_rebuild()
            print(f"  search index rebuilt in {time.perf_counter() - started:.1f} s")
    else:
        started = time.perf_counter()
        # Builds the search index too (the generator tells Find Help what changed).
        counts = directory_generate(count=services, seed=50, zips=zips)
        built = time.perf_counter() - started
        print(f"{connection.vendor}: {counts['service']} services built in {built:.0f} s")
    if connection.vendor == "postgresql":
        # What autovacuum would have done by the time anyone searches, after a bulk load.
        # (SQLite: Beacon never runs ANALYZE, and its planner does best without statistics.)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # As every server process does after start-up (config/wsgi.py).
    from beacon.ops.startup import prepare_process

    prepare_process()
    rng = random.Random(2026)  # noqa: S311 - benchmark inputs, not secrets
    # Searches near where people are: ZIPs of the places in the directory.
    queries = _searches(searches, zips, rng)
    client = Client()

    def page_request(query):
        response = client.get("/find-help/", _params(query))
        if response.status_code != 200 or b'id="findhelp-results"' not in response.content:
            raise SystemExit(f"the page did not show results for {_params(query)}")
        return response

    def api_request(query):
        response = client.get("/api/v1/directory/services", _api_params(query))
        if response.status_code != 200:
            raise SystemExit(f"the API answered {response.status_code} for {_api_params(query)}")
        return response

    ways = {
        "selector": lambda query: service_search(query=query),
        "page": page_request,
        "api": api_request,
    }
    # Warm up caches and connections; count each way's queries once (not timed).
    queries_per_request: dict[str, set[int]] = {way: set() for way in ways}
    for _shape, query in queries[:24]:
        for way, call in ways.items():
            with CaptureQueriesContext(connection) as captured:
                call(query)
            queries_per_request[way].add(len(captured))
    wall: dict[str, dict[str, list[float]]] = {way: {} for way in ways}
    cpu: dict[str, dict[str, list[float]]] = {way: {} for way in ways}
    found = []
    load = os.getloadavg()[0]
    server_cpu = _server_cpu_reader(connection)
    for shape, query in queries:
        for way, call in ways.items():
            connection.ensure_connection()
            t0, c0, s0 = time.perf_counter(), time.process_time(), server_cpu()
            result = call(query)
            wall[way].setdefault(shape, []).append((time.perf_counter() - t0) * 1000)
            cpu[way].setdefault(shape, []).append(
                (time.process_time() - c0) * 1000 + server_cpu() - s0
            )
            if way == "selector":
                found.append(result.count)
    print(
        f"{connection.vendor}: {len(queries)} searches, median count "
        f"{statistics.median(found):.0f}; load average {load:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after ({os.cpu_count()} CPUs); times in ms"
    )
    # On a shared machine wall time is mostly waiting for a core; CPU time shows the work: the
    # benchmark's own (Python and, on SQLite, the database too) plus, on PostgreSQL, the server
    # process serving it when the server runs on this machine.
    what = "CPU"
    if connection.vendor == "postgresql":
        what += " (this process + server)" if server_cpu.reads else " (this process only)"
    print(f"  {'':<22} {'':<8} {'wall':<45} {what}")
    for way in ways:
        every = [t for ts in wall[way].values() for t in ts]
        every_cpu = [t for ts in cpu[way].values() for t in ts]
        counts = ", ".join(str(n) for n in sorted(queries_per_request[way]))
        print(
            f"  {'all (' + counts + ' queries)':<22} {way:<8} {_figures(every)}   "
            f"{_figures(every_cpu, short=True)}"
        )
    for shape in wall["selector"]:
        for way in ways:
            label = shape if way == "selector" else ""
            print(
                f"  {label:<22} {way:<8} {_figures(wall[way][shape])}   "
                f"{_figures(cpu[way][shape], short=True)}"
            )


if __name__ == "__main__":
    main()
