"""HSDS 3.0 into the resource directory: `directory_import()`, audited (the way out is
hsds_export.py).

It reads everything, converts and checks every value, and only then writes, in one
transaction: a file Beacon cannot use is refused whole (DirectoryImportRefused, with the file, row
and field at fault) and nothing of it is written. Flaws Beacon can live with (dangling references,
impossible coordinates, values HSDS requires but Beacon does not) become warnings in the report.
The rules are in docs/decisions/0002-hsds.md.
"""

from __future__ import annotations

import csv
import json
import math
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from beacon.audit.services import record_event
from beacon.directory import hsds, peer_fields, selectors
from beacon.directory.changes import services_changed

Progress = Callable[[str, int, int], None]

CHUNK = 500  # rows per query: stays under SQLite's parameter limit


# The report --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    """One problem found in the input: where it is (file, row, field) and what it is."""

    file: str
    row: int | str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}" if isinstance(self.row, int) else f"at {self.row}")
        if self.field:
            where.append(f"field {self.field!r}")
        return f"{', '.join(where)}: {self.message}"


class DirectoryImportRefused(Exception):
    """The input cannot be used; nothing of it was imported."""

    def __init__(self, errors: list[Issue]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s); nothing was imported")


@dataclass
class TableCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0


@dataclass
class ImportReport:
    source: str
    format: str
    counts: dict[str, TableCounts] = field(default_factory=dict)
    warnings: list[Issue] = field(default_factory=list)

    def counts_as_dict(self) -> dict[str, dict[str, int]]:
        return {
            table: {k: v for k, v in vars(c).items() if v}
            for table, c in self.counts.items()
            if any(vars(c).values())
        }


# Reading ---------------------------------------------------------------------------------------


@dataclass
class _Row:
    file: str
    row: int | str  # CSV: the row number as frictionless counts (header = 1); JSON: a path
    values: dict[str, Any]


class _Collector:
    def __init__(self) -> None:
        self.rows: dict[str, list[_Row]] = defaultdict(list)
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []

    def error(self, file: str, row: int | str | None, fld: str | None, message: str) -> None:
        self.errors.append(Issue(file, row, fld, message))

    def warn(self, file: str, row: int | str | None, fld: str | None, message: str) -> None:
        self.warnings.append(Issue(file, row, fld, message))


def _read_csv_table(path: Path, table: hsds.Table, out: _Collector) -> None:
    name = path.name
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            try:
                header = next(reader, None)
            except csv.Error as exc:
                out.error(name, 1, None, f"unreadable CSV: {exc}")
                return
            if not header or not any(h.strip() for h in header):
                out.error(name, 1, None, "no header row: the first line must name the columns")
                return
            header = [h.strip() for h in header]
            seen: set[str] = set()
            usable: list[int] = []
            for index, column in enumerate(header):
                if column in seen:
                    out.error(name, 1, column, "this column appears twice in the header")
                seen.add(column)
                if column in table.fields:
                    usable.append(index)
                elif table.name in hsds.CORE_TABLES:
                    out.error(name, 1, column, f"unknown column in the HSDS {table.name} table")
                else:
                    out.warn(name, 1, column, "unknown column, ignored")
            must_have = {"id"} | hsds.BEACON_REQUIRED.get(table.name, frozenset())
            absent = [c for c, f in table.fields.items() if c not in seen and f.required]
            for column in absent:
                if column in must_have:
                    out.error(name, 1, column, f"the {column} column is missing")
                else:
                    out.warn(name, 1, column, "HSDS requires this column; imported without")
            if must_have & set(absent):
                return
            position = 1
            try:
                for cells in reader:
                    position += 1
                    if not cells or (len(cells) == 1 and not cells[0].strip()):  # a blank line
                        continue
                    if len(cells) != len(header):
                        out.error(
                            name,
                            position,
                            None,
                            f"unreadable row: {len(cells)} values for {len(header)} columns",
                        )
                        continue
                    values = {header[i]: cells[i] for i in usable}
                    out.rows[table.name].append(_Row(name, position, values))
            except csv.Error as exc:
                out.error(name, position + 1, None, f"unreadable CSV: {exc}")
    except UnicodeDecodeError as exc:
        out.error(name, None, None, f"unreadable CSV: not UTF-8 text ({exc.reason})")
    except OSError as exc:
        out.error(name, None, None, f"cannot read the file: {exc.strerror or exc}")


def _read_datapackage_dir(directory: Path, out: _Collector) -> None:
    listed: list[tuple[hsds.Table, Path]] = []
    descriptor = directory / "datapackage.json"
    if descriptor.exists():
        try:
            package = json.loads(descriptor.read_text(encoding="utf-8"))
            resources = package["resources"]
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            out.error("datapackage.json", None, None, f"unreadable datapackage: {exc}")
            return
        known = hsds.tables()
        for resource in resources:
            rname, rpath = resource.get("name"), resource.get("path")
            if rname not in known or not isinstance(rpath, str):
                out.warn(
                    "datapackage.json",
                    None,
                    None,
                    f"resource {rname!r} is not an HSDS table, ignored",
                )
                continue
            path = directory / rpath
            if not path.is_file():
                out.warn("datapackage.json", None, None, f"{rpath} is listed but missing")
                continue
            listed.append((known[rname], path))
    else:
        for path in sorted(directory.glob("*.csv")):
            table = hsds.table_for_file(path.name)
            if table is None:
                out.warn(path.name, None, None, "not an HSDS table file, ignored")
            else:
                listed.append((table, path))
    if not listed:
        out.error(directory.name or str(directory), None, None, "no HSDS CSV files found")
    for table, path in listed:
        _read_csv_table(path, table, out)


def _classify(obj: dict[str, Any]) -> str | None:
    """Which HSDS object a top-level JSON object is, from the keys it has."""
    keys = set(obj)
    if keys & {"service_at_locations", "status", "program", "cost_options", "service_areas"}:
        return "service"
    if keys & {"location", "service"} or {"service_id", "location_id"} <= keys:
        return "service_at_location"
    if keys & {"services", "locations", "programs", "organization_identifiers", "website"}:
        return "organization"
    if keys & {"tax_status", "tax_id", "year_incorporated", "legal_status", "logo"}:
        return "organization"
    if "location_type" in keys or keys & {"addresses", "accessibility", "latitude"}:
        return "location"
    if keys & {"taxonomy_detail", "term_uri", "parent_id", "taxonomy_id", "code"}:
        return "taxonomy_term"
    tables = hsds.tables()
    if keys and keys <= set(tables["taxonomy"].fields) | {"attributes", "metadata"}:
        return "taxonomy"
    return None


def _flatten(obj: Any, table: str, file: str, path: str, out: _Collector) -> str | None:
    """Add an HSDS JSON object and everything nested in it as table rows; returns its id."""
    if not isinstance(obj, dict):
        out.error(file, path or "/", None, f"expected an HSDS {table} object")
        return None
    spec = hsds.tables()[table]
    values: dict[str, Any] = {}
    nested: list[tuple[str, Any]] = []
    for key, value in obj.items():
        if isinstance(value, list) and hsds.nested_child(table, key):
            nested.append((key, value))
        elif isinstance(value, dict) and (table, key) in hsds.NESTED_REFERENCES:
            target, column = hsds.NESTED_REFERENCES[(table, key)]
            child_id = _flatten(value, target, file, f"{path}/{key}", out)
            if child_id and not values.get(column):
                values[column] = child_id
        elif key in spec.fields and not isinstance(value, (list, dict)):
            if value is not None and (value != "" or key not in values):
                values[key] = value
        elif key in spec.fields:
            message = "expected a single value, not a list or an object"
            if table in hsds.CORE_TABLES:
                out.error(file, path or "/", key, message)
            else:
                out.warn(file, path or "/", key, message + "; ignored")
        elif table in hsds.CORE_TABLES:
            out.error(file, path or "/", key, f"unknown field in an HSDS {table} object")
        else:
            out.warn(file, path or "/", key, "unknown field, ignored")
    own_id = values.get("id")
    out.rows[table].append(_Row(file, path or "/", values))
    for key, items in nested:
        child, column = hsds.nested_child(table, key)
        for index, item in enumerate(items):
            child_path = f"{path}/{key}/{index}"
            before = len(out.rows[child])
            _flatten(item, child, file, child_path, out)
            if len(out.rows[child]) > before:
                added = out.rows[child][before]
                if own_id is not None and not added.values.get(column):
                    added.values[column] = str(own_id)
                if child == "metadata" and not added.values.get("resource_type"):
                    added.values["resource_type"] = table
    return None if own_id is None else str(own_id)


def _read_json(path: Path, out: _Collector) -> None:
    name = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        out.error(name, None, None, f"unreadable JSON: not UTF-8 text ({exc.reason})")
        return
    except ValueError as exc:
        out.error(name, None, None, f"unreadable JSON: {exc}")
        return
    except OSError as exc:
        out.error(name, None, None, f"cannot read the file: {exc.strerror or exc}")
        return
    prefix = ""
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data, prefix = data["contents"], "/contents"  # a paginated HSDS API answer
    if isinstance(data, dict) and data and all(str(k).endswith(".csv") for k in data):
        for filename, rows in data.items():  # tables keyed by CSV file name (tabular.json)
            table = hsds.table_for_file(filename)
            if table is None or not isinstance(rows, list):
                out.warn(name, f"/{filename}", None, "not an HSDS table, ignored")
                continue
            for index, row in enumerate(rows):
                _flatten(row, table.name, name, f"/{filename}/{index}", out)
        return
    items = data if isinstance(data, list) else [data]
    for index, item in enumerate(items):
        where = f"{prefix}/{index}" if isinstance(data, list) else ""
        kind = _classify(item) if isinstance(item, dict) else None
        if kind is None:
            out.error(
                name,
                where or "/",
                None,
                "not an HSDS organization, service, location, "
                "service_at_location, taxonomy or taxonomy_term object",
            )
            continue
        _flatten(item, kind, name, where, out)


# Checking --------------------------------------------------------------------------------------


def _convert(kind: str, value: Any) -> Any:
    """A value as the model stores it; raises ValueError when it cannot be one."""
    if kind == "string":
        return value if isinstance(value, str) else json.dumps(value)
    if isinstance(value, bool):
        raise ValueError(value)
    if kind == "number":
        number = float(value.strip() if isinstance(value, str) else value)
        if not math.isfinite(number):
            raise ValueError(value)
        return number
    text = str(value).strip()
    if kind == "date":
        return date.fromisoformat(text)
    if kind == "datetime":
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        # HSDS gives no time zone rule; a moment without one is taken as UTC.
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if kind == "time":
        return time.fromisoformat(text.replace("Z", "")).replace(tzinfo=None)
    return value


_TYPE_WORDS = {
    "number": "a number",
    "date": "a date (YYYY-MM-DD)",
    "datetime": "a date and time",
    "time": "a time (HH:MM:SS)",
}


def _check_row(table: hsds.Table, row: _Row, out: _Collector) -> dict[str, Any] | None:
    """Converted values, or None when the row cannot be imported (an error was recorded)."""
    clean: dict[str, Any] = {}
    must_have = hsds.BEACON_REQUIRED.get(table.name, frozenset())
    ok = True
    for column, spec in table.fields.items():
        if column not in row.values:
            if column in must_have or column == "id":
                out.error(row.file, row.row, column, f"a {table.name} needs a {column}")
                ok = False
            continue
        raw = row.values[column]
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            if column == "id" or column in must_have:
                out.error(row.file, row.row, column, f"a {table.name} needs a {column}")
                ok = False
            else:
                if spec.required:
                    out.warn(row.file, row.row, column, "HSDS requires a value; imported without")
                clean[column] = "" if spec.type == "string" else None
            continue
        if spec.ref_field or (table.name, column) in hsds.SOFT_REFS:
            raw = str(raw).strip()
        try:
            clean[column] = _convert(spec.type, raw)
        except (ValueError, TypeError):
            out.warn(
                row.file,
                row.row,
                column,
                f"{str(raw)[:40]!r} is not {_TYPE_WORDS[spec.type]}; left empty",
            )
            clean[column] = None
    if not ok:
        return None
    clean["id"] = clean["id"].strip()
    try:
        uuid.UUID(clean["id"])
    except ValueError:
        out.warn(row.file, row.row, "id", "HSDS ids are UUIDs; imported as given")
    if table.name == "location":
        lat, lon = clean.get("latitude"), clean.get("longitude")
        bad = [
            (name, v, limit)
            for name, v, limit in (("latitude", lat, 90), ("longitude", lon, 180))
            if v is not None and not -limit <= v <= limit
        ]
        for name, v, limit in bad:
            out.warn(
                row.file,
                row.row,
                name,
                f"{v:g} is not a {name} (-{limit} to {limit}); the location's coordinates "
                "were left empty",
            )
        if bad:
            clean["latitude"] = clean["longitude"] = None
    return clean


def _merge(
    rows: list[tuple[_Row, dict[str, Any]]], out: _Collector
) -> dict[str, tuple[_Row, dict]]:
    """One row per HSDS id: a nested JSON object often appears in several places."""
    merged: dict[str, tuple[_Row, dict[str, Any]]] = {}
    for row, values in rows:
        first = merged.get(values["id"])
        if first is None:
            merged[values["id"]] = (row, values)
            continue
        kept = first[1]
        for column, value in values.items():
            if kept.get(column) in (None, ""):
                kept[column] = value
            elif value not in (None, "") and value != kept[column]:
                out.warn(
                    row.file,
                    row.row,
                    column,
                    f"id {values['id']} appears again with another value; the first is kept",
                )
    return merged


def _existing_ids(model, hsds_ids: Iterable[str]) -> dict[str, Any]:
    ids = list(dict.fromkeys(hsds_ids))
    found: dict[str, Any] = {}
    for start in range(0, len(ids), CHUNK):
        found.update(
            model.objects.filter(hsds_id__in=ids[start : start + CHUNK]).values_list(
                "hsds_id", "pk"
            )
        )
    return found


def _resolve_references(
    batch: dict[str, dict[str, tuple[_Row, dict]]], out: _Collector, counts: dict[str, TableCounts]
) -> dict[str, dict[str, Any]]:
    """Known ids per table (in this import or already in the directory); drop dangling ones."""
    tables = hsds.tables()
    wanted: dict[str, set[str]] = defaultdict(set)
    for name, rows in batch.items():
        for spec in tables[name].refs:
            wanted[spec.ref_table].update(
                v[spec.name] for _, v in rows.values() if v.get(spec.name)
            )
        for (soft_table, column), target in hsds.SOFT_REFS.items():
            if soft_table == name:
                wanted[target].update(v[column] for _, v in rows.values() if v.get(column))
        if name == "attribute":
            wanted["service"].update(v["link_id"] for _, v in rows.values() if v.get("link_id"))
    known: dict[str, dict[str, Any]] = {}
    for name, ids in wanted.items():
        outside = [i for i in ids if i not in batch.get(name, {})]
        known[name] = _existing_ids(tables[name].model, outside)

    def exists(table: str, hsds_id: str) -> bool:
        return hsds_id in batch.get(table, {}) or hsds_id in known.get(table, {})

    def missing(table: str, hsds_id: str) -> str:
        return f"no {table} {hsds_id} in this import or the directory"

    # First drop the rows that cannot stand without their reference, then empty the other
    # dangling references, so a reference to a dropped row is reported too.
    for name, must_have in hsds.BEACON_REQUIRED.items():
        rows = batch.get(name, {})
        for hsds_id, (row, values) in list(rows.items()):
            for spec in tables[name].refs:
                target = values.get(spec.name)
                if spec.name in must_have and target and not exists(spec.ref_table, target):
                    message = f"{missing(spec.ref_table, target)}; this {name} was not imported"
                    out.warn(row.file, row.row, spec.name, message)
                    del rows[hsds_id]
                    counts[name].skipped += 1
                    break
    for name, rows in batch.items():
        for row, values in rows.values():
            for spec in tables[name].refs:
                target = values.get(spec.name)
                if target and not exists(spec.ref_table, target):
                    message = f"{missing(spec.ref_table, target)}; the reference was left empty"
                    out.warn(row.file, row.row, spec.name, message)
                    values[spec.name] = None
            for (soft_table, column), target_table in hsds.SOFT_REFS.items():
                target = values.get(column)
                if soft_table == name and target and not exists(target_table, target):
                    message = f"{missing(target_table, target)}; kept as given"
                    out.warn(row.file, row.row, column, message)
    return known


# Beacon's peer fields ----------------------------------------------------------------------------


@dataclass
class _PeerValues:
    """A service's peer fields read from attributes under the Beacon taxonomy (peer_fields.py):
    Service field -> (value, the row it came from)."""

    values: dict[str, tuple[Any, _Row]] = field(default_factory=dict)
    populations: list[tuple[str, _Row]] = field(default_factory=list)


def _take_peer_attributes(
    batch: dict[str, dict[str, tuple[_Row, dict]]], out: _Collector
) -> dict[str, _PeerValues]:
    """Take the Beacon taxonomy, its terms and the attributes using them out of the batch (they
    are not stored as HSDS rows: they are read into the services' peer fields) and return the
    values per service HSDS id. A term counts as Beacon's by its published id or code, or by
    belonging to the published taxonomy (its id or uri); values Beacon cannot read are warnings
    with file, row and field, and are left out."""
    taxonomy_id, taxonomy_uri = peer_fields.TAXONOMY_ID, peer_fields.TAXONOMY["uri"]
    taxonomies = batch.get("taxonomy", {})
    ours = {taxonomy_id} | {
        hsds_id for hsds_id, (_, v) in taxonomies.items() if v.get("uri") == taxonomy_uri
    }
    terms: dict[str, peer_fields.Term | None] = dict(peer_fields.BY_ID)
    for hsds_id, (row, values) in list(batch.get("taxonomy_term", {}).items()):
        code = values.get("code") or ""
        term = peer_fields.BY_ID.get(hsds_id) or peer_fields.BY_CODE.get(code)
        in_ours = values.get("taxonomy_id") in ours or values.get("taxonomy") in (
            taxonomy_id,
            taxonomy_uri,
        )
        if term is None and in_ours:
            out.warn(
                row.file,
                row.row,
                "code",
                f"{code!r} is not a Beacon peer field (docs/hsds-peer-fields.md); "
                "its attributes were ignored",
            )
        if term is not None or in_ours:
            terms[hsds_id] = term
            del batch["taxonomy_term"][hsds_id]
    for hsds_id in ours:
        taxonomies.pop(hsds_id, None)

    peer: dict[str, _PeerValues] = defaultdict(_PeerValues)
    attributes = batch.get("attribute", {})
    for hsds_id, (row, values) in list(attributes.items()):
        term_id = values.get("taxonomy_term_id")
        if term_id not in terms:
            continue
        del attributes[hsds_id]
        term = terms[term_id]
        if term is None:
            continue  # an unknown term of the Beacon taxonomy: reported once, on the term
        entity = (values.get("link_entity") or "service").strip().lower()
        link = str(values.get("link_id") or "").strip()
        if entity != "service" or not link:
            out.warn(
                row.file,
                row.row,
                "link_entity" if entity != "service" else "link_id",
                f"{term.code} describes a service (link_entity service, link_id the service's "
                "id); ignored",
            )
            continue
        try:
            value = peer_fields.value_read(term, values.get("value") or "")
        except ValueError as exc:
            raw = str(values.get("value") or "")[:40]
            out.warn(
                row.file,
                row.row,
                "value",
                f"{raw!r} is not a value of {term.code}: expected {exc}; ignored",
            )
            continue
        service = peer[link]
        if term.many:
            service.populations.append((value, row))
            continue
        first = service.values.get(term.field)
        if first is None:
            service.values[term.field] = (value, row)
        elif first[0] != value:
            out.warn(
                row.file,
                row.row,
                "value",
                f"{term.code} appears again for service {link} with another value; "
                "the first is kept",
            )
    for link, service in peer.items():
        for dependent, needs in (
            ("verified_by_name", "last_verified_on"),
            ("capacity_updated_on", "capacity_status"),
        ):
            if dependent in service.values and needs not in service.values:
                _, row = service.values.pop(dependent)
                out.warn(
                    row.file,
                    row.row,
                    "taxonomy_term_id",
                    f"{peer_fields.BY_FIELD[dependent].code} needs "
                    f"{peer_fields.BY_FIELD[needs].code} for service {link}; ignored",
                )
    return dict(peer)


_YES_NO = ("same_day_intake", "accepts_medicaid", "accepts_uninsured", "sliding_fee", "offers_moud")
PEER_WRITTEN = (*peer_fields.FIELDS, "verified_by", "updated_at")


def _peer_apply(service, found: _PeerValues) -> bool:
    """Apply peer values to a Service; True when anything changed. Dated values (verification,
    capacity) never replace newer ones already here."""
    values = {name: value for name, (value, _) in found.values.items()}
    changed = False

    def put(name: str, value: Any) -> None:
        nonlocal changed
        if getattr(service, name) != value:
            setattr(service, name, value)
            changed = True

    verified = values.get("last_verified_on")
    if verified is not None and (
        service.last_verified_on is None or verified > service.last_verified_on
    ):
        put("last_verified_on", verified)
        put("verified_by_id", None)  # a person on another Beacon, or in another tool
        put("verified_by_name", values.get("verified_by_name", ""))
    capacity = values.get("capacity_status")
    if capacity is not None:
        dated = values.get("capacity_updated_on")
        older = dated and service.capacity_updated_on and dated < service.capacity_updated_on
        if not older and (capacity != service.capacity_status or dated):
            put("capacity_status", capacity)
            put("capacity_updated_on", dated)
    for name in (*_YES_NO, "recovery_residence_level"):
        if name in values:
            put(name, values[name])
    if found.populations:
        put("populations_served", sorted({value for value, _ in found.populations}))
    return changed


def _write_peer_fields(
    peer: dict[str, _PeerValues],
    pks: dict[str, dict[str, Any]],
    *,
    in_batch: set[str],
    written: set,
    report: ImportReport,
    touched: dict[str, set],
    out: _Collector,
) -> None:
    """Write the peer fields read from Beacon attributes to their services (in this import or
    already in the directory). `in_batch`: HSDS ids of the services in the import; `written`:
    primary keys of those it created or updated (counted already)."""
    from beacon.directory.models import Service

    if not peer:
        return
    service_pks = dict(pks.get("service", {}))
    service_pks.update(_existing_ids(Service, [h for h in peer if h not in service_pks]))
    for link, found in peer.items():
        if link not in service_pks:
            rows = [row for _, row in found.values.values()] + [r for _, r in found.populations]
            if not rows:
                continue  # nothing usable was left of them: reported already
            row = rows[0]
            out.warn(
                row.file,
                row.row,
                "link_id",
                f"no service {link} in this import or the directory; its Beacon peer fields "
                "were ignored",
            )
    wanted = {service_pks[link]: found for link, found in peer.items() if link in service_pks}
    counts = report.counts["service"]
    now = timezone.now()
    ids = list(wanted)
    for start in range(0, len(ids), CHUNK):
        changed = []
        for service in Service.objects.filter(pk__in=ids[start : start + CHUNK]):
            if not _peer_apply(service, wanted[service.pk]):
                continue
            service.updated_at = now
            changed.append(service)
            touched["service"].add(service.pk)
            if service.pk in written:
                continue
            if service.hsds_id in in_batch:
                counts.unchanged -= 1
            counts.updated += 1
        Service.objects.bulk_update(changed, list(PEER_WRITTEN))


# Writing ---------------------------------------------------------------------------------------


def _write(
    batch, known, *, curator, report: ImportReport, progress: Progress | None
) -> tuple[dict[str, dict[str, Any]], dict[str, set], dict[str, set]]:
    """Create and update the rows. Returns the primary keys by table and HSDS id; what was
    written (per table, the primary keys of rows added or changed); and what was touched: those
    rows and what they belonged to before and after (selectors.SHOWN_THROUGH), so the services
    showing them can be found."""
    tables = hsds.tables()
    pks: dict[str, dict[str, Any]] = {name: dict(ids) for name, ids in known.items()}
    written: dict[str, set] = defaultdict(set)
    touched: dict[str, set] = defaultdict(set)
    now = timezone.now()
    for name in hsds.WRITE_ORDER:
        rows = batch.get(name)
        if not rows:
            continue
        spec = tables[name]
        model = spec.model
        counts = report.counts[name]
        existing: dict[str, Any] = {}
        ids = list(rows)
        for start in range(0, len(ids), CHUNK):
            existing.update(
                (obj.hsds_id, obj)
                for obj in model.objects.filter(hsds_id__in=ids[start : start + CHUNK])
            )
        fields_written = [
            (s.ref_field + "_id") if s.ref_field else s.name
            for s in spec.fields.values()
            if s.name != "id"
        ]
        if name == "attribute":
            fields_written.append("service_id")
        if curator is not None and name in ("organization", "service"):
            fields_written.append("curator_id")
        to_create, to_update = [], []
        through = selectors.SHOWN_THROUGH.get(name, ())
        for hsds_id, (_, values) in rows.items():
            obj = existing.get(hsds_id)
            new = obj is None
            if new:
                obj = model(hsds_id=hsds_id)
            before = [getattr(obj, f"{ref}_id") for ref in through]
            changed = False
            for column, value in values.items():
                if column == "id":
                    continue
                s = spec.fields[column]
                attr = s.name
                if s.ref_field:
                    attr = s.ref_field + "_id"
                    value = pks.get(s.ref_table, {}).get(value) if value else None
                if getattr(obj, attr) != value:
                    setattr(obj, attr, value)
                    changed = True
            if name == "attribute" and "link_id" in values:
                service_pk = pks.get("service", {}).get(values["link_id"])
                if obj.service_id != service_pk:
                    obj.service_id, changed = service_pk, True
            if curator is not None and hasattr(obj, "curator_id") and obj.curator_id != curator.pk:
                obj.curator_id, changed = curator.pk, True
            if new:
                to_create.append(obj)
                counts.created += 1
            elif changed:
                obj.updated_at = now
                to_update.append(obj)
                counts.updated += 1
            else:
                counts.unchanged += 1
            if new or changed:
                written[name].add(obj.pk)
                touched[name].add(obj.pk)
                for ref, old in zip(through, before, strict=True):
                    touched[ref].update((old, getattr(obj, f"{ref}_id")))
            pks.setdefault(name, {})[hsds_id] = obj.pk
        # The writes take the time, so progress is told after each chunk of them.
        done = counts.unchanged
        for start in range(0, len(to_create), CHUNK):
            chunk = to_create[start : start + CHUNK]
            model.objects.bulk_create(chunk)
            done += len(chunk)
            if progress:
                progress(name, done, len(rows))
        for start in range(0, len(to_update), CHUNK):
            chunk = to_update[start : start + CHUNK]
            model.objects.bulk_update(chunk, [*fields_written, "updated_at"])
            done += len(chunk)
            if progress:
                progress(name, done, len(rows))
        if progress and not to_create and not to_update:
            progress(name, done, len(rows))
    return pks, written, touched


def directory_import(
    path: str | Path,
    *,
    actor: Any = None,
    curator: Any = None,
    progress: Progress | None = None,
    on_indexing: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import an HSDS 3.0 datapackage directory (datapackage.json and CSV files) or JSON file.

    `progress(table, done, total)` hears of the records written table by table; `on_indexing(n)`
    when they are all written and Find Help's search index is being brought up to date for the
    n services they touched (for a large import, seconds with every record already written).

    Matches records on their HSDS id, so importing the same data again updates rather than
    duplicates. `curator` (a Beacon Organization) is recorded on the organizations and services
    imported. Raises DirectoryImportRefused, having written nothing, when the input is unusable.
    """
    path = Path(path)
    out = _Collector()
    if path.is_dir():
        fmt = "csv"
        _read_datapackage_dir(path, out)
    elif path.is_file() and path.suffix.lower() == ".csv":
        fmt = "csv"
        table = hsds.table_for_file(path.name)
        if table is None:
            out.error(path.name, None, None, "not an HSDS table file name (e.g. services.csv)")
        else:
            _read_csv_table(path, table, out)
    elif path.is_file():
        fmt = "json"
        _read_json(path, out)
    else:
        raise DirectoryImportRefused([Issue(str(path), None, None, "no such file or directory")])

    tables = hsds.tables()
    report = ImportReport(source=path.name, format=fmt)
    report.counts = {name: TableCounts() for name in tables}
    batch: dict[str, dict[str, tuple[_Row, dict]]] = {}
    for name, rows in out.rows.items():
        checked = [(row, values) for row in rows if (values := _check_row(tables[name], row, out))]
        batch[name] = _merge(checked, out)
    if out.errors:
        raise DirectoryImportRefused(out.errors)
    peer = _take_peer_attributes(batch, out)

    with transaction.atomic():
        known = _resolve_references(batch, out, report.counts)
        if progress:  # every table's size first, so a bar can show the whole import
            for name in hsds.WRITE_ORDER:
                if batch.get(name):
                    progress(name, 0, len(batch[name]))
        pks, written, touched = _write(
            batch, known, curator=curator, report=report, progress=progress
        )
        _write_peer_fields(
            peer,
            pks,
            in_batch=set(batch.get("service", {})),
            written=written["service"],
            report=report,
            touched=touched,
            out=out,
        )
        # Only the services showing what was added or changed (Find Help re-indexes them).
        affected = selectors.services_shown_with(touched)
        if affected:
            if on_indexing:
                on_indexing(len(affected))
            services_changed(sorted(affected, key=str))
        report.warnings = out.warnings
        record_event(
            action="directory.imported",
            actor=actor,
            organization=curator,
            details={
                "source": path.name,
                "format": fmt,
                "counts": report.counts_as_dict(),
                "warnings": len(report.warnings),
            },
        )
    return report
