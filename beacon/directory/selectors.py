"""Reads of the resource directory."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from beacon.directory import hsds
from beacon.organizations.models import Organization


def hsds_rows(table: str) -> Iterator[dict[str, Any]]:
    """Every record of one HSDS table as a row of HSDS columns, references as HSDS ids.

    One query per table (references are joined in), in HSDS id order.
    """
    spec = hsds.tables()[table]
    lookups = {"id": "hsds_id"}
    for column in spec.fields.values():
        if column.name == "id":
            continue
        lookups[column.name] = f"{column.ref_field}__hsds_id" if column.ref_field else column.name
    queryset = spec.model.objects.order_by("hsds_id").values_list(*lookups.values())
    names = list(lookups)
    for values in queryset.iterator(chunk_size=2000):
        yield dict(zip(names, values, strict=True))


def curator_find(text: str) -> Organization | None:
    """The Beacon organization named by `text` (its id, or its exact name), or None."""
    text = text.strip()
    try:
        return Organization.objects.filter(pk=uuid.UUID(text)).first()
    except ValueError:
        matches = list(Organization.objects.filter(name__iexact=text)[:2])
        return matches[0] if len(matches) == 1 else None
