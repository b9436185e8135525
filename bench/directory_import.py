"""A large directory import in the background, watched from outside as the progress page sees it.
Not a test: run it by hand and record the figures in bench/RESULTS.md.

    BEACON_DATA_DIR=$(mktemp -d) .venv/bin/python bench/directory_import.py [--services 20000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/beacon_bench .venv/bin/python \
        bench/directory_import.py

It migrates the database it is given (use a scratch one), builds an HSDS CSV datapackage .zip
(one organization per ten services; per service a location, a service_at_location, an address
and a phone), queues it like an upload, runs `beacon worker --batch` in another process and,
meanwhile, every quarter second: reads the progress as the page does, times a read of the
database, and times a small write (what a page's session refresh does once a minute).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build_zip(services: int) -> bytes:
    organizations = max(1, services // 10)
    org_ids = [str(uuid.uuid4()) for _ in range(organizations)]
    tables: dict[str, tuple[list[str], list[list[str]]]] = {
        "organizations.csv": (["id", "name", "description"], []),
        "services.csv": (["id", "organization_id", "name", "description", "status"], []),
        "locations.csv": (["id", "organization_id", "name", "latitude", "longitude"], []),
        "service_at_location.csv": (["id", "service_id", "location_id"], []),
        "addresses.csv": (
            ["id", "location_id", "address_1", "city", "state_province", "postal_code", "country"],
            [],
        ),
        "phones.csv": (["id", "service_id", "number"], []),
    }
    for n, org in enumerate(org_ids):
        tables["organizations.csv"][1].append([org, f"Organization {n}", "Peer support"])
    for n in range(services):
        org = org_ids[n % organizations]
        service, location = str(uuid.uuid4()), str(uuid.uuid4())
        tables["services.csv"][1].append(
            [service, org, f"Service {n}", "Recovery support", "active"]
        )
        tables["locations.csv"][1].append(
            [location, org, f"Site {n}", f"{42 + n % 100 / 100:.4f}", "-71.0589"]
        )
        tables["service_at_location.csv"][1].append([str(uuid.uuid4()), service, location])
        tables["addresses.csv"][1].append(
            [str(uuid.uuid4()), location, f"{n} Main St", "Boston", "MA", "02108", "US"]
        )
        tables["phones.csv"][1].append([str(uuid.uuid4()), service, f"617-555-{n % 10000:04d}"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (header, rows) in tables.items():
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
            archive.writestr(name, text.getvalue())
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=20_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("BEACON_IMPORT_MAX_MB", "500")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import OperationalError, connection
    from django.utils import timezone

    from beacon.directory.imports.services import directory_import_start, progress_read
    from beacon.directory.models import DirectoryImport

    call_command("migrate", interactive=False, verbosity=0)
    started = time.monotonic()
    data = build_zip(args.services)
    print(
        f"database: {connection.vendor}; built a {len(data) / 1e6:.1f} MB .zip in "
        f"{time.monotonic() - started:.1f} s"
    )
    settings.BEACON_IMPORTS_DIR = Path(tempfile.mkdtemp(prefix="beacon-bench-imports-"))
    os.environ["BEACON_IMPORTS_DIR"] = str(settings.BEACON_IMPORTS_DIR)
    record = directory_import_start(
        actor=None, organization=None, upload=SimpleUploadedFile("bench.zip", data)
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "beacon", "worker", "--batch", "--interval", "0.2"],
        cwd=ROOT,
    )
    started = time.monotonic()
    stages: dict[str, float] = {}
    observed: list[tuple[float, int, int]] = []
    reads: list[float] = []
    writes: list[float] = []
    failed_writes: list[int] = []

    def probe_writes() -> None:
        # In its own thread (and connection): a blocked write must not stop the watching.
        while worker.poll() is None:
            t = time.monotonic()
            try:
                Session.objects.update_or_create(
                    session_key="bench-session",
                    defaults={"session_data": "x", "expire_date": timezone.now()},
                )
            except OperationalError:
                failed_writes.append(1)
            writes.append(time.monotonic() - t)
            time.sleep(0.25)
        connection.close()

    prober = threading.Thread(target=probe_writes)
    prober.start()
    while worker.poll() is None:
        now = time.monotonic() - started
        t = time.monotonic()
        current = DirectoryImport.objects.get(pk=record.pk)
        reads.append(time.monotonic() - t)
        progress = progress_read(current)
        stages.setdefault(progress.stage, now)
        if progress.stage == "writing":
            observed.append((now, progress.done, progress.total))
        time.sleep(0.25)
    prober.join()
    failed_writes = len(failed_writes)
    total = time.monotonic() - started
    record.refresh_from_db()
    print(f"status: {record.status}; {record.done} records in {total:.1f} s (with worker start)")
    print("stages first seen at: " + ", ".join(f"{k} {v:.1f} s" for k, v in stages.items()))
    if observed:
        print(
            "while writing, seen: "
            + ", ".join(
                f"{t:.0f} s {100 * d // n}%" for t, d, n in observed[:: max(1, len(observed) // 8)]
            )
        )
    print(
        f"progress readings while writing: {len(observed)}; "
        f"distinct values: {len({d for _t, d, _n in observed})}; "
        f"total announced: {sorted({n for _t, _d, n in observed})}"
    )
    print(f"reads: median {statistics.median(reads) * 1000:.1f} ms, max {max(reads) * 1000:.1f} ms")
    print(
        f"writes: median {statistics.median(writes) * 1000:.1f} ms, "
        f"max {max(writes) * 1000:.1f} ms, failed {failed_writes} of {len(writes)}"
    )


if __name__ == "__main__":
    main()
