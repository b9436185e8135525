"""A small HSDS import into a large directory: what it costs beside the rows it writes.
Not a test: run it by hand on a scratch copy of a large directory (it adds services to it).

    cp -r /tmp/bench-sqlite /tmp/me-bench   # 50,000 services
    BEACON_DATA_DIR=/tmp/me-bench .venv/bin/python bench/directory_small_import.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/beacon_bench_kept \
        .venv/bin/python bench/directory_small_import.py

Each run builds a datapackage of --services new services (with an organization, a location, an
address, a phone and hours each) plus a new name for --updates services already in the
directory, imports it with `directory_import` (as `beacon directory import` does) and prints,
as the median of --runs imports: CPU time of this process (time.process_time: the database's
own work is included on SQLite, not on PostgreSQL), wall time, queries, and how many services
the import asked Find Help to re-index ("all" when it asked for a full rebuild).
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _write(folder: Path, name: str, header: list[str], rows: list[list[str]]) -> None:
    with (folder / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def build_package(folder: Path, *, services: int, updates: list[tuple[str, str, str]]) -> None:
    org = str(uuid.uuid4())
    _write(folder, "organizations.csv", ["id", "name", "description"], [[org, "Bench Org", "x"]])
    service_rows, locations, sals, addresses, phones, schedules = [], [], [], [], [], []
    for n in range(services):
        service, location = str(uuid.uuid4()), str(uuid.uuid4())
        service_rows.append([service, org, f"Bench service {n}", "Peer support", "active"])
        locations.append([location, org, f"Bench site {n}", "42.36", "-71.06"])
        sals.append([str(uuid.uuid4()), service, location])
        addresses.append([str(uuid.uuid4()), location, "1 Main St", "Boston", "MA", "02108", "US"])
        phones.append([str(uuid.uuid4()), service, "617-555-0100"])
        schedules.append([str(uuid.uuid4()), service, "WEEKLY", "MO,TU", "09:00", "17:00"])
    for hsds_id, org_id, name in updates:
        service_rows.append([hsds_id, org_id, name, "Updated by the benchmark", "active"])
    _write(
        folder,
        "services.csv",
        ["id", "organization_id", "name", "description", "status"],
        service_rows,
    )
    _write(
        folder,
        "locations.csv",
        ["id", "organization_id", "name", "latitude", "longitude"],
        locations,
    )
    _write(folder, "service_at_location.csv", ["id", "service_id", "location_id"], sals)
    _write(
        folder,
        "addresses.csv",
        ["id", "location_id", "address_1", "city", "state_province", "postal_code", "country"],
        addresses,
    )
    _write(folder, "phones.csv", ["id", "service_id", "number"], phones)
    _write(
        folder,
        "schedules.csv",
        ["id", "service_id", "freq", "byday", "opens_at", "closes_at"],
        schedules,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=5, help="new services per import")
    parser.add_argument("--updates", type=int, default=5, help="existing services renamed")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from beacon.directory.changes import services_changed_listen
    from beacon.directory.hsds_import import directory_import
    from beacon.directory.models import Service

    call_command("migrate", verbosity=0)
    asked: list = []
    services_changed_listen(lambda ids: asked.append("all" if ids is None else len(ids)))
    total = Service.objects.count()
    print(f"{connection.vendor}: {total} services in the directory")
    cpu, wall, queries, reindexed = [], [], [], []
    existing = list(
        Service.objects.filter(organization__isnull=False)
        .order_by("?")
        .values_list("hsds_id", "organization__hsds_id")[: args.updates * args.runs]
    )
    for run in range(args.runs):
        mine = existing[run * args.updates : (run + 1) * args.updates]
        updates = [(h, org, f"Renamed {uuid.uuid4().hex[:6]}") for h, org in mine]
        with tempfile.TemporaryDirectory() as tmp:
            build_package(Path(tmp), services=args.services, updates=updates)
            asked.clear()
            started_cpu, started = time.process_time(), time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                report = directory_import(tmp)
            cpu.append(time.process_time() - started_cpu)
            wall.append(time.perf_counter() - started)
            queries.append(len(captured))
            reindexed.append(asked[0] if asked else 0)
            assert report.counts["service"].created == args.services, report.counts["service"]
    print(
        f"import of {args.services} new + {args.updates} updated services, median of "
        f"{args.runs}: CPU {statistics.median(cpu) * 1000:.0f} ms, "
        f"wall {statistics.median(wall) * 1000:.0f} ms, "
        f"{statistics.median(queries):.0f} queries, re-indexed: {reindexed}"
    )


if __name__ == "__main__":
    main()
