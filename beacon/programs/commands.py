"""`beacon reports spars --program PROGRAM --out FILE` (beacon/ops/cli.py): the SPARS CSV batch
file of a program, checked first (docs/reports.md)."""

from __future__ import annotations

import datetime
import sys
import uuid
from pathlib import Path

from beacon.programs.models import Program


def _program(key: str) -> tuple[Program | None, str]:
    """The program named by its id, or by its grant number (when only one organization has a
    program with it)."""
    key = (key or "").strip()
    try:
        found = list(Program.objects.filter(pk=uuid.UUID(key)))
    except ValueError:
        found = list(Program.objects.filter(grant_number=key))
    if len(found) > 1:
        return (
            None,
            f"{len(found)} organizations have a program with grant number {key!r}: use its id",
        )
    if not found:
        return None, f"no program with the id or grant number {key!r}"
    return found[0], ""


def run_spars(
    program: str,
    out: str,
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> int:
    from beacon.programs import export

    found, problem = _program(program)
    if found is None:
        print(f"beacon: {problem}. Nothing was written.", file=sys.stderr)
        return 1
    try:
        text, rows = export.spars_export(program=found, since=since, until=until)
    except export.ExportRefused as refused:
        print(
            f"beacon: {len(refused.missing)} required answers are missing; nothing was written. "
            "Complete these first:",
            file=sys.stderr,
        )
        for missing in refused.missing:
            print(f"  - {missing}", file=sys.stderr)
        return 1
    Path(out).write_text(text, encoding="utf-8", newline="")
    print(f"Wrote {rows} assessments of {found.name} ({found.grant_number}) to {out}")
    return 0
