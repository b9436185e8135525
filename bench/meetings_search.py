"""Meeting search time (issue 18) with 10,000 meetings (a statewide Beacon holding several
intergroups' feeds), on SQLite and (when DATABASE_URL is set) PostgreSQL. Not a test: run it by
hand and record the figures in bench/RESULTS.md.

    .venv/bin/python bench/meetings_search.py [--meetings 10000] [--searches 200]

Each database is a fresh, temporary one (as bench/findhelp_search.py, whose helpers it uses).
Meetings are spread over the standard ZIP codes of New England, one to three days a week, a
fifth online only, a tenth in America/Chicago's time zone. Each search (the first page of 20
with its count) is timed three ways: the selector (meetings.selectors.meeting_search), the
anonymous page GET /find-help/meetings/?..., and GET /api/v1/meetings?... (one cursor page of 50).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from findhelp_search import STATES, _figures, _pg_database, _server_cpu_reader  # noqa: E402

TYPES = ["O", "C", "SP", "D", "BE", "S", "LGBTQ", "W", "M", "Y", "X", "B", "ST", "MED"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--run", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run(args.meetings, args.searches)
        return
    targets = ["sqlite"] + (["postgresql"] if os.environ.get("DATABASE_URL") else [])
    if args.only:
        targets = [t for t in targets if t == args.only]
    for target in targets:
        env = dict(os.environ)
        if target == "sqlite":
            env.pop("DATABASE_URL", None)
            tmp = tempfile.TemporaryDirectory(prefix="beacon-bench-")
            env["BEACON_DATA_DIR"], cleanup = tmp.name, tmp.cleanup
        else:
            env["DATABASE_URL"], cleanup = _pg_database(os.environ["DATABASE_URL"], None)
            env.setdefault("BEACON_DB_CONN_MAX_AGE", "86400")
        try:
            subprocess.run(  # noqa: S603 - our own script, with our own arguments
                [
                    sys.executable,
                    __file__,
                    "--run",
                    target,
                    "--meetings",
                    str(args.meetings),
                    "--searches",
                    str(args.searches),
                ],
                env=env,
                cwd=ROOT,
                check=True,
            )
        finally:
            cleanup()


def _generate(count: int, zips: list[dict], rng: random.Random, organization) -> None:
    from beacon.meetings.feed import types_text
    from beacon.meetings.models import Meeting, MeetingFeed

    feed = MeetingFeed.objects.create(organization=organization, name="bench", source="file:bench")
    rows = []
    for i in range(count):
        z = rng.choice(zips)
        online_only = rng.random() < 0.2
        rows.append(
            Meeting(
                organization=organization,
                feed=feed,
                name=f"Meeting {i}",
                slug=f"m-{i}",
                days="".join(
                    sorted({str(rng.randrange(7)) for _ in range(rng.choice((1, 1, 2, 3)))})
                ),
                time=datetime.time(
                    rng.choice((6, 7, 9, 10, 12, 17, 18, 19, 20)), rng.choice((0, 15, 30))
                ),
                timezone="America/Chicago" if rng.random() < 0.1 else "America/New_York",
                types=types_text(rng.sample(TYPES, rng.randint(1, 4))),
                address="" if online_only else f"{rng.randint(1, 999)} Main Street",
                formatted_address=f"{z['city']}, {z['state']}, USA" if online_only else "",
                approximate=online_only,
                city=z["city"],
                state=z["state"],
                postal_code=z["zip_code"],
                latitude=round(float(z["lat"]) + rng.uniform(-0.02, 0.02), 5),
                longitude=round(float(z["long"]) + rng.uniform(-0.02, 0.02), 5),
                conference_url=f"https://meet.example.org/j/{i}"
                if online_only or rng.random() < 0.1
                else "",
            )
        )
    Meeting.objects.bulk_create(rows, batch_size=1000)


def _searches(count: int, zips: list[str], rng: random.Random):
    from beacon.meetings.selectors import MeetingQuery

    def near():
        return rng.choice(zips)

    shapes = [
        ("zip 10 mi, next 2 h", lambda: MeetingQuery(zip_code=near(), miles=10, starts_within=120)),
        ("zip 5/10/25 mi", lambda: MeetingQuery(zip_code=near(), miles=rng.choice((5, 10, 25)))),
        ("zip + spanish", lambda: MeetingQuery(zip_code=near(), miles=25, types=("S",))),
        (
            "zip + day + time",
            lambda: MeetingQuery(
                zip_code=near(),
                miles=10,
                day=rng.randrange(7),
                time_from=datetime.time(17, 0),
                time_to=datetime.time(21, 0),
            ),
        ),
        ("zip + women + open", lambda: MeetingQuery(zip_code=near(), miles=25, types=("W", "O"))),
        ("online, next 2 h", lambda: MeetingQuery(attendance="online", starts_within=120)),
        (
            "in person + zip",
            lambda: MeetingQuery(zip_code=near(), miles=10, attendance="in_person"),
        ),
        ("everything", lambda: MeetingQuery()),
    ]
    return [(shapes[i % len(shapes)][0], shapes[i % len(shapes)][1]()) for i in range(count)]


def _params(query) -> dict[str, str]:
    params = {"zip": query.zip_code, "miles": str(query.miles), "attendance": query.attendance}
    if query.starts_within:
        params["starts_within"] = str(query.starts_within)
    if query.day is not None:
        params["day"] = str(query.day)
    if query.time_from:
        params["time_from"] = query.time_from.strftime("%H:%M")
    if query.time_to:
        params["time_to"] = query.time_to.strftime("%H:%M")
    params = {k: v for k, v in params.items() if v}
    return params | ({"type": list(query.types)} if query.types else {})


def _api_params(query) -> dict[str, str]:
    params = {
        k: v for k, v in _params(query).items() if k in ("zip", "miles", "day", "starts_within")
    }
    if query.types:
        params["type"] = ",".join(query.types)
    if query.attendance:
        params["online"] = "true" if query.attendance == "online" else "false"
    return params


def run(meetings: int, searches: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # One address sends every search here: the limit per address is measured apart
    # (bench/ratelimit.py), not in the search's time.
    os.environ["BEACON_RATE_LIMIT_PUBLIC_API"] = "0"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import zipcodes
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from beacon.meetings.selectors import meeting_search
    from beacon.organizations.models import Organization

    call_command("migrate", verbosity=0)
    places = [
        z
        for state in STATES
        for z in zipcodes.filter_by(state=state)
        if z["zip_code_type"] == "STANDARD" and z.get("lat")
    ]
    rng = random.Random(2026)  # noqa: S311 - benchmark inputs, not secrets
    started = time.perf_counter()
    _generate(meetings, places, rng, Organization.objects.create(name="Bench intergroup"))
    print(
        f"{connection.vendor}: {meetings} meetings built in {time.perf_counter() - started:.0f} s"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    queries = _searches(searches, sorted(z["zip_code"] for z in places), rng)
    client = Client()

    def page_request(query):
        response = client.get("/find-help/meetings/", _params(query))
        if response.status_code != 200 or b'id="results-heading"' not in response.content:
            raise SystemExit(f"the page did not show results for {_params(query)}")

    def api_request(query):
        response = client.get("/api/v1/meetings", _api_params(query))
        if response.status_code != 200:
            raise SystemExit(f"the API answered {response.status_code} for {_api_params(query)}")

    ways = {"selector": lambda q: meeting_search(q), "page": page_request, "api": api_request}
    for _shape, query in queries[:16]:  # warm up
        for call in ways.values():
            call(query)
    wall: dict[str, dict[str, list[float]]] = {way: {} for way in ways}
    cpu: dict[str, list[float]] = {way: [] for way in ways}
    found = []
    server_cpu = _server_cpu_reader(connection)
    load = os.getloadavg()[0]
    for shape, query in queries:
        for way, call in ways.items():
            t0, c0, s0 = time.perf_counter(), time.process_time(), server_cpu()
            result = call(query)
            wall[way].setdefault(shape, []).append((time.perf_counter() - t0) * 1000)
            cpu[way].append((time.process_time() - c0) * 1000 + server_cpu() - s0)
            if way == "selector":
                found.append(result.count)
    print(
        f"{connection.vendor}: {len(queries)} searches, median count "
        f"{statistics.median(found):.0f}; load average {load:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after ({os.cpu_count()} CPUs); times in ms"
    )
    for way in ways:
        every = [t for ts in wall[way].values() for t in ts]
        print(f"  {way:<22} all      wall {_figures(every)}   CPU {_figures(cpu[way], short=True)}")
        for shape, timings in wall[way].items():
            print(f"    {shape:<20} wall {_figures(timings, short=True)}")


if __name__ == "__main__":
    main()
