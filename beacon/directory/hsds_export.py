"""The resource directory written out as HSDS 3.0: `directory_export()`, audited.

csv writes the tabular datapackage, json a list of compiled service objects; what the format
requires and a record lacks is filled in or left out (hsds.export_row) and reported. The rules
are in docs/decisions/0002-hsds.md; the way in is hsds_import.py.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from beacon.audit.services import record_event
from beacon.directory import hsds, selectors


@dataclass
class ExportReport:
    directory: Path
    format: str
    files: list[Path] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    # What HSDS required that a record lacked, and what the export did about it (hsds.export_row).
    warnings: list[str] = field(default_factory=list)


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    return _csv_value(value)


def _export_tables(warnings: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Every row of every HSDS table as HSDS takes it (hsds.export_row): the directory's, then
    the rows carrying the peer fields (stored rows never hold the published Beacon ids: an import
    reads those into the fields). A row referring to one left out is left out too, so the
    package's foreign keys hold. What had to be filled in or left out goes to `warnings`."""
    peer = selectors.peer_field_rows()
    result: dict[str, list[dict[str, Any]]] = {}
    left_out: dict[str, set[str]] = defaultdict(set)

    def dangling(name: str, row: dict[str, Any]) -> tuple[str, str] | None:
        for column in hsds.tables()[name].refs:
            value = row.get(column.name)
            if value and value in left_out[column.ref_table or ""]:
                return column.ref_table or "", value
        if name == "attribute" and row.get("link_id") in left_out[row.get("link_entity") or ""]:
            return row["link_entity"], row["link_id"]
        return None

    for name in hsds.WRITE_ORDER:
        added = peer.get(name, [])
        ids = {row["id"] for row in added}
        rows = []
        for row in selectors.hsds_rows(name):
            if row["id"] in ids:
                continue
            exported, notes = hsds.export_row(name, row)
            warnings.extend(notes)
            if exported is not None and (gone := dangling(name, exported)):
                warnings.append(
                    f"{name} {exported['id']}: refers to {gone[0]} {gone[1]}, which was left "
                    "out: left out."
                )
                exported = None
            if exported is None:
                left_out[name].add(hsds.export_id(name, row["id"]))
            else:
                rows.append(exported)
        # In the order of the ids as published (ids that were not UUIDs sort differently once
        # they are), so an import of the export exports the same file, whatever the collation.
        rows.sort(key=lambda row: row["id"])
        result[name] = rows + [row for row in added if not dangling(name, row)]
    return result


def _export_csv(directory: Path, report: ExportReport) -> None:
    rows = _export_tables(report.warnings)
    for name, table in hsds.tables().items():
        columns = list(table.fields)
        target = directory / table.path
        with target.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            count = 0
            for row in rows[name]:
                writer.writerow([_csv_value(row.get(c)) for c in columns])
                count += 1
        report.files.append(target)
        report.counts[name] = count
    descriptor = directory / "datapackage.json"
    descriptor.write_text(
        json.dumps(hsds.datapackage(), indent=4, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    report.files.append(descriptor)


class _Index:
    """Every row of every table in memory, by id and by the columns children point back with."""

    def __init__(self, warnings: list[str]) -> None:
        self.by_id: dict[str, dict[str, dict]] = {}
        self.children: dict[tuple[str, str], dict[str, list[dict]]] = {}
        for name, rows in _export_tables(warnings).items():
            self.by_id[name] = {row["id"]: row for row in rows}

    def children_of(self, table: str, column: str, parent_id: str) -> list[dict]:
        key = (table, column)
        if key not in self.children:
            grouped: dict[str, list[dict]] = defaultdict(list)
            for row in self.by_id[table].values():
                if row.get(column):
                    grouped[row[column]].append(row)
            self.children[key] = grouped
        return self.children[key].get(parent_id, [])


def _json_object(table: str, row: dict, schema: dict, index: _Index) -> dict[str, Any]:
    """An HSDS object shaped by its (compiled) schema: nested arrays and objects filled in."""
    result: dict[str, Any] = {}
    for prop, spec in schema.get("properties", {}).items():
        kind = spec.get("type")
        if kind == "array":
            link = hsds.nested_child(table, prop)
            if link is None:
                continue
            child, column = link
            items = [
                _json_object(child, r, spec.get("items", {}), index)
                for r in index.children_of(child, column, row["id"])
            ]
            if items:
                result[prop] = items
        elif kind == "object":
            link = hsds.NESTED_REFERENCES.get((table, prop))
            target_id = row.get(link[1]) if link else None
            target = index.by_id[link[0]].get(target_id) if target_id else None
            if target is not None:
                result[prop] = _json_object(link[0], target, spec, index)
        elif row.get(prop) not in (None, ""):
            result[prop] = _json_value(row[prop])
    return result


def _export_json(directory: Path, report: ExportReport) -> None:
    index = _Index(report.warnings)
    schema = hsds.service_schema()
    services = [
        _json_object("service", row, schema, index)
        for row in sorted(index.by_id["service"].values(), key=lambda r: r["id"])
    ]
    target = directory / "services.json"
    target.write_text(json.dumps(services, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    report.files.append(target)
    report.counts["service"] = len(services)


def directory_export(directory: str | Path, *, format: str, actor: Any = None) -> ExportReport:
    """Write the whole directory as HSDS 3.0.

    csv: the tabular datapackage (one CSV per HSDS table and datapackage.json, the official
    descriptor), which `frictionless validate` accepts. json: services.json, a list of compiled
    HSDS service objects (schema/service.compiled.json) with their organization, locations and
    everything else nested.
    """
    if format not in ("csv", "json"):
        raise ValueError(f"unknown export format {format!r}: csv or json")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    report = ExportReport(directory=directory, format=format)
    if format == "csv":
        _export_csv(directory, report)
    else:
        _export_json(directory, report)
    record_event(
        action="directory.exported",
        actor=actor,
        details={"format": format, "counts": {k: v for k, v in report.counts.items() if v}},
    )
    return report
