"""Hand-written SQL through Django's connection, converted the way the ORM converts.

For the few reads where building and compiling a queryset costs more than running it (My day
and the workload signals, docs/decisions/0006-myday-sql.md). Parameters go through the model
fields' own `get_db_prep_value()` and results through the converters the ORM applies, so each
database gets and gives its own representation (UUIDs as 32-character text on SQLite, native on
PostgreSQL; SQLite's timestamps as UTC text) and the rows hold the same Python values a
queryset would. Rows become model instances with `Model.from_db()`: only the columns read are
loaded, any other field is deferred.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import DEFERRED, Field, Model


def param(field: Field, value: Any) -> Any:
    """`value` as the database takes it for `field` (a model field, a foreign key included)."""
    return field.get_db_prep_value(value, connection, prepared=False)


class Columns:
    """What a SELECT returns, column by column: a model field, whose converters apply (the
    same as the ORM's), or None for a value the database already gives as Python wants it
    (counts, text)."""

    def __init__(self, *fields: Field | None):
        self.fields = fields
        self._converters: dict[str, list] = {}

    def __len__(self) -> int:
        return len(self.fields)

    def _for_connection(self) -> list:
        vendor = connection.vendor
        if vendor not in self._converters:
            converters = []
            for field in self.fields:
                if field is None:
                    converters.append(None)
                    continue
                column = field.get_col("c")
                found = connection.ops.get_db_converters(column) + column.get_db_converters(
                    connection
                )
                converters.append((found, column) if found else None)
            self._converters[vendor] = converters
        return self._converters[vendor]

    def convert(self, rows: Sequence[Sequence]) -> list[list]:
        converters = self._for_connection()
        converted = []
        for row in rows:
            values = list(row)
            for index, converter in enumerate(converters):
                if converter is not None:
                    value = values[index]
                    functions, column = converter
                    for function in functions:
                        value = function(value, column, connection)
                    values[index] = value
            converted.append(values)
        return converted


def fetch(sql: str, params: Sequence, columns: Columns) -> list[list]:
    """Run `sql` and return its rows converted (lists, in the order of `columns`)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return columns.convert(rows)


_PLANS: dict[tuple, list[str | None]] = {}


def instance(model: type[Model], values: dict[str, Any]) -> Model:
    """A model instance of the values read (by attribute name), its other fields deferred: what
    `Model.from_db()` makes for a queryset with .only(), with the fields' order worked out
    once per model and set of names."""
    key = (model, tuple(values))
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = [
            f.attname if f.attname in values else None for f in model._meta.concrete_fields
        ]
    new = model(*[DEFERRED if name is None else values[name] for name in plan])
    new._state.adding = False
    new._state.db = DEFAULT_DB_ALIAS
    return new


def placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)
