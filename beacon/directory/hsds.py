"""What Beacon knows about the HSDS 3.0 format, read from the official files in hsds/.

The tabular datapackage (hsds/datapackage.json) names the tables, their CSV files, fields, types,
required flags and foreign keys; the compiled service schema (hsds/service.compiled.json) gives the
shape of the JSON form. This module adds only what those files do not say: which model holds each
table, how nested JSON objects link to their parent, and which values Beacon cannot do without.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.db import models

from beacon.directory import models as m

HSDS_DIR = Path(__file__).resolve().parent / "hsds"

MODELS: dict[str, type[models.Model]] = {
    "organization": m.DirectoryOrganization,
    "program": m.Program,
    "service": m.Service,
    "attribute": m.Attribute,
    "service_at_location": m.ServiceAtLocation,
    "location": m.Location,
    "phone": m.Phone,
    "contact": m.Contact,
    "address": m.Address,
    "schedule": m.Schedule,
    "funding": m.Funding,
    "service_area": m.ServiceArea,
    "required_document": m.RequiredDocument,
    "language": m.Language,
    "accessibility": m.Accessibility,
    "taxonomy_term": m.TaxonomyTerm,
    "metadata": m.Metadata,
    "meta_table_description": m.MetaTableDescription,
    "cost_option": m.CostOption,
    "organization_identifier": m.OrganizationIdentifier,
    "taxonomy": m.Taxonomy,
}

# HSDS core tables (core_tables.csv): a file with columns Beacon does not know is refused.
CORE_TABLES = frozenset({"organization", "service", "location", "service_at_location"})

# Values without which Beacon cannot use a row: the file is refused. Every other value HSDS
# calls required is reported as a warning when missing, and the row is imported without it.
BEACON_REQUIRED: dict[str, frozenset[str]] = {
    "organization": frozenset({"name"}),
    "service": frozenset({"name"}),
    "service_at_location": frozenset({"service_id", "location_id"}),
}

# Parents before children, so every reference can be resolved while writing.
WRITE_ORDER = (
    "taxonomy",
    "taxonomy_term",
    "organization",
    "organization_identifier",
    "program",
    "service",
    "location",
    "service_at_location",
    "contact",
    "phone",
    "language",
    "address",
    "accessibility",
    "schedule",
    "funding",
    "service_area",
    "required_document",
    "cost_option",
    "attribute",
    "metadata",
    "meta_table_description",
)

# References HSDS declares no foreign key for: kept as HSDS ids, warned about when dangling.
SOFT_REFS: dict[tuple[str, str], str] = {
    ("organization", "parent_organization_id"): "organization",
    ("taxonomy_term", "parent_id"): "taxonomy_term",
}

# Model field names that differ from the HSDS column without "_id".
_REF_FIELD_NAMES = {("taxonomy_term", "taxonomy_id"): "taxonomy_detail"}

# JSON form: arrays of children, each child pointing back at its parent through a column.
NESTED_CHILDREN: dict[tuple[str, str], tuple[str, str]] = {
    ("organization", "funding"): ("funding", "organization_id"),
    ("organization", "contacts"): ("contact", "organization_id"),
    ("organization", "phones"): ("phone", "organization_id"),
    ("organization", "locations"): ("location", "organization_id"),
    ("organization", "programs"): ("program", "organization_id"),
    ("organization", "organization_identifiers"): ("organization_identifier", "organization_id"),
    ("organization", "services"): ("service", "organization_id"),
    ("service", "phones"): ("phone", "service_id"),
    ("service", "schedules"): ("schedule", "service_id"),
    ("service", "service_areas"): ("service_area", "service_id"),
    ("service", "service_at_locations"): ("service_at_location", "service_id"),
    ("service", "languages"): ("language", "service_id"),
    ("service", "funding"): ("funding", "service_id"),
    ("service", "cost_options"): ("cost_option", "service_id"),
    ("service", "required_documents"): ("required_document", "service_id"),
    ("service", "contacts"): ("contact", "service_id"),
    ("service_at_location", "contacts"): ("contact", "service_at_location_id"),
    ("service_at_location", "phones"): ("phone", "service_at_location_id"),
    ("service_at_location", "schedules"): ("schedule", "service_at_location_id"),
    ("location", "languages"): ("language", "location_id"),
    ("location", "addresses"): ("address", "location_id"),
    ("location", "contacts"): ("contact", "location_id"),
    ("location", "accessibility"): ("accessibility", "location_id"),
    ("location", "phones"): ("phone", "location_id"),
    ("location", "schedules"): ("schedule", "location_id"),
    ("contact", "phones"): ("phone", "contact_id"),
    ("phone", "languages"): ("language", "phone_id"),
}
# Any HSDS object may carry attributes and metadata.
ANY_PARENT_CHILDREN: dict[str, tuple[str, str]] = {
    "attributes": ("attribute", "link_id"),
    "metadata": ("metadata", "resource_id"),
}

# JSON form: single objects the parent refers to through one of its own columns.
NESTED_REFERENCES: dict[tuple[str, str], tuple[str, str]] = {
    ("service", "organization"): ("organization", "organization_id"),
    ("service", "program"): ("program", "program_id"),
    ("service_at_location", "location"): ("location", "location_id"),
    ("service_at_location", "service"): ("service", "service_id"),
    ("attribute", "taxonomy_term"): ("taxonomy_term", "taxonomy_term_id"),
    ("taxonomy_term", "taxonomy_detail"): ("taxonomy", "taxonomy_id"),
}


def nested_child(table: str, key: str) -> tuple[str, str] | None:
    return NESTED_CHILDREN.get((table, key)) or ANY_PARENT_CHILDREN.get(key)


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # frictionless type: string, number, date, datetime, time
    required: bool
    # HSDS says the value is a UUID (format "uuid"): ids and references.
    is_uuid: bool = False
    # For references: the model's ForeignKey name and the table it points at.
    ref_field: str | None = None
    ref_table: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    path: str
    fields: dict[str, Field]

    @property
    def model(self) -> type[models.Model]:
        return MODELS[self.name]

    @property
    def refs(self) -> list[Field]:
        return [f for f in self.fields.values() if f.ref_field]


@cache
def datapackage() -> dict[str, Any]:
    return json.loads((HSDS_DIR / "datapackage.json").read_text(encoding="utf-8"))


@cache
def service_schema() -> dict[str, Any]:
    return json.loads((HSDS_DIR / "service.compiled.json").read_text(encoding="utf-8"))


@cache
def tables() -> dict[str, Table]:
    """Every HSDS table, in the datapackage's order."""
    result = {}
    for resource in datapackage()["resources"]:
        name = resource["name"]
        schema = resource["schema"]
        foreign = {
            fk["fields"]: fk["reference"]["resource"] for fk in schema.get("foreignKeys", [])
        }
        fields = {}
        for spec in schema["fields"]:
            column = spec["name"]
            ref_table = foreign.get(column)
            ref_field = None
            if ref_table:
                ref_field = _REF_FIELD_NAMES.get((name, column), column.removesuffix("_id"))
            fields[column] = Field(
                name=column,
                type=spec["type"],
                required=bool(spec.get("constraints", {}).get("required")),
                is_uuid=spec.get("format") == "uuid",
                ref_field=ref_field,
                ref_table=ref_table,
            )
        result[name] = Table(name=name, path=resource["path"], fields=fields)
    return result


def table_for_file(filename: str) -> Table | None:
    for table in tables().values():
        if table.path == filename:
            return table
    return None


# Export -----------------------------------------------------------------------------------------
# HSDS wants every id to be a UUID and some values present that Beacon may not have (an entry
# typed in with nothing but its names, Beacon's own Find Help taxonomy, a 211 file with ids like
# "1"). What the export does about each is written down in docs/decisions/0002-hsds.md.

# Ids that are not UUIDs are published as uuid5(EXPORT_ID_NAMESPACE, "<table>/<id>"): the same
# id in every export, and an import of Beacon's own export reads them back as the record's id,
# so exporting again gives the same file. Never change this value.
EXPORT_ID_NAMESPACE = uuid.UUID("0b3c4f1e-6a2d-5e8f-9c71-3d2a8b5e4f60")

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def export_id(table: str, value: str) -> str:
    """The id HSDS gets for `value`, an id of a `table` record: itself when it is a UUID."""
    if not value or _UUID.match(value):
        return value
    return str(uuid.uuid5(EXPORT_ID_NAMESPACE, f"{table}/{value}"))


# Polymorphic references: the column naming the table the id belongs to.
_LINK_TABLE_COLUMNS = {
    ("attribute", "link_id"): "link_entity",
    ("metadata", "resource_id"): "resource_type",
}

# A required value a record lacks is filled with a stated placeholder when the record matters
# to what refers to it or to the people reading the directory (an organization without a
# description is still the organization its services belong to). Every other required value
# missing leaves the record out of the export (an address without a street line would send
# people nowhere). Either way the export says so, record by record.
NO_DESCRIPTION = "No description yet."
EXPORT_PLACEHOLDERS: dict[tuple[str, str], str] = {
    ("organization", "description"): NO_DESCRIPTION,
    ("program", "description"): NO_DESCRIPTION,
    ("taxonomy", "description"): NO_DESCRIPTION,
    ("taxonomy_term", "description"): NO_DESCRIPTION,
    # Beacon lists a service without a status (Find Help hides only inactive and defunct ones).
    ("service", "status"): "active",
    # Entries Beacon makes are physical places; a location or address not saying otherwise is
    # published as one.
    ("location", "location_type"): "physical",
    ("address", "address_type"): "physical",
}


@cache
def _enums() -> dict[tuple[str, str], frozenset[str]]:
    return {
        (resource["name"], spec["name"]): frozenset(spec["constraints"]["enum"])
        for resource in datapackage()["resources"]
        for spec in resource["schema"]["fields"]
        if spec.get("constraints", {}).get("enum")
    }


def export_row(table: str, row: dict[str, Any]) -> tuple[dict[str, Any] | None, list[str]]:
    """`row` as HSDS accepts it, and what was changed to get there (one sentence per change);
    None for the row when HSDS cannot take it without a value it lacks."""
    spec = tables()[table]
    out = dict(row)
    for column in spec.fields.values():
        value = out.get(column.name)
        if not column.is_uuid or not value:
            continue
        target = table if column.name == "id" else column.ref_table
        target = target or SOFT_REFS.get((table, column.name))
        link_column = _LINK_TABLE_COLUMNS.get((table, column.name))
        if link_column:
            target = str(out.get(link_column) or "")
        out[column.name] = export_id(target or "", str(value))
    notes = []
    label = f"{table} {out['id']}"
    if out.get("name"):
        label += f" ({out['name']})"
    for column in spec.fields.values():
        value = out.get(column.name)
        enum = _enums().get((table, column.name))
        blank = value is None or value == ""
        wrong = not blank and enum is not None and value not in enum
        if not column.required or not (blank or wrong):
            continue
        has = "none" if blank else f"{value!r}, not one of {', '.join(sorted(enum or ()))}"
        placeholder = EXPORT_PLACEHOLDERS.get((table, column.name))
        if placeholder is None:
            notes.append(f"{label}: HSDS requires {column.name}, it has {has}: left out.")
            return None, notes
        out[column.name] = placeholder
        notes.append(
            f"{label}: HSDS requires {column.name}, it has {has}: exported as {placeholder!r}."
        )
    return out, notes
