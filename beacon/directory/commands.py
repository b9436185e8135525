"""`beacon directory import`, `export` and `reindex`: the command-line side of hsds_import.py
and hsds_export.py.

Exit codes: 0 done (warnings printed), 1 refused or failed (the reasons printed, nothing imported).
With --background the import is queued for `beacon worker` instead (imports/services.py): 0
queued, 1 nothing queued.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

BAR_WIDTH = 30


class ProgressBar:
    """A plain text bar on stderr: redrawn in place on a terminal, one line per table otherwise."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()

    def __call__(self, table: str, done: int, total: int) -> None:
        if done == 0 and total:
            return  # the import announcing a table's size before writing it
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        line = f"{table:<24} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}"
        if self.live:
            end = "\n" if done >= total else ""
            self.stream.write(f"\r{line}{end}")
        elif done >= total:
            self.stream.write(line + "\n")
        self.stream.flush()

    def indexing(self, services: int) -> None:
        noun = "service" if services == 1 else "services"
        self.stream.write(f"Updating Find Help's search index for {services:,} {noun}...\n")
        self.stream.flush()


def run_import(path: str, *, organization: str | None = None) -> int:
    from django.db import IntegrityError

    from beacon.directory.hsds_import import DirectoryImportRefused, directory_import
    from beacon.directory.selectors import curator_find

    curator = None
    if organization:
        curator = curator_find(organization)
        if curator is None:
            print(
                f"beacon: no Beacon organization with the id or name {organization!r}. "
                "Nothing was imported.",
                file=sys.stderr,
            )
            return 1
    try:
        bar = ProgressBar()
        report = directory_import(path, curator=curator, progress=bar, on_indexing=bar.indexing)
    except DirectoryImportRefused as refused:
        print(f"beacon: {path} was refused; nothing was imported:", file=sys.stderr)
        for issue in refused.errors:
            print(f"  error: {issue}", file=sys.stderr)
        return 1
    except IntegrityError:
        # Two imports of the same new records at once: the second one is rolled back whole.
        print(
            "beacon: another import changed the directory at the same time; nothing was "
            "imported. Run the command again.",
            file=sys.stderr,
        )
        return 1
    for issue in report.warnings:
        print(f"warning: {issue}")
    counts = report.counts_as_dict()
    print(f"Imported {path} (HSDS 3.0, {report.format}):")
    for table, numbers in counts.items():
        print(f"  {table}: " + ", ".join(f"{n} {what}" for what, n in numbers.items()))
    if not counts:
        print("  nothing to import")
    if report.warnings:
        print(f"{len(report.warnings)} warning(s): see above.")
    return 0


def run_import_background(path: str, *, organization: str | None = None) -> int:
    """Queue the import for `beacon worker` and print where to follow it."""
    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.urls import reverse

    from beacon.directory.imports.services import directory_import_start
    from beacon.directory.selectors import curator_find

    curator = None
    if organization:
        curator = curator_find(organization)
        if curator is None:
            print(
                f"beacon: no Beacon organization with the id or name {organization!r}. "
                "Nothing was queued.",
                file=sys.stderr,
            )
            return 1
    try:
        record = directory_import_start(actor=None, organization=curator, path=path)
    except ValidationError as exc:
        print(f"beacon: {path}: {' '.join(exc.messages)} Nothing was queued.", file=sys.stderr)
        return 1
    address = reverse("directory_imports:detail", kwargs={"import_id": record.pk})
    site = settings.BEACON_SITE_URL
    print(f"Queued the import of {path} (import {record.pk}).")
    print(f"Progress: {site}{address}" + ("" if site else " (on your Beacon's address)"))
    print("`beacon worker` runs it; `beacon demo` runs a worker too.")
    return 0


def run_export(directory: str, *, format: str) -> int:
    from beacon.directory.hsds_export import directory_export

    target = Path(directory)
    if target.exists() and not target.is_dir():
        print(f"beacon: {directory} exists and is not a directory.", file=sys.stderr)
        return 1
    try:
        report = directory_export(target, format=format)
    except OSError as exc:
        print(f"beacon: could not write to {directory}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    for issue in report.warnings:
        print(f"warning: {issue}")
    total = sum(report.counts.values())
    print(f"Exported {total} record(s) as HSDS 3.0 {format} to {directory}:")
    for path in report.files:
        print(f"  {path}")
    if report.warnings:
        print(f"{len(report.warnings)} warning(s): see above (docs/decisions/0002-hsds.md).")
    return 0


def run_reindex() -> int:
    """Tell everything that depends on the directory (Find Help's search index) that any entry
    may have changed, so it is rebuilt from the directory as it is now."""
    import time

    from django.db import transaction

    from beacon.directory.changes import services_changed
    from beacon.directory.models import Service

    started = time.monotonic()
    with transaction.atomic():
        services_changed(None)
    took = time.monotonic() - started
    print(f"Reindexed {Service.objects.count()} directory service(s) in {took:.1f} s.")
    return 0
