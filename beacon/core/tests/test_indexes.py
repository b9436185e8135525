"""No index that another index already provides.

Django gives every foreign key an index of its own. Where a model's composite index (or unique
constraint) starts with that column, the composite one answers every lookup on the column and the
single-column index only costs writes and disk: on the encounters and the audit trail, the two
tables that grow with every day's work, each redundant index was tens of megabytes at state
scale and updated on every insert (bench/RESULTS.md). A partial index (with a condition) holds
only some rows, so it does not replace the column's own.
"""

from django.apps import apps
from django.db import models


def _leading_columns_of_full_indexes(model) -> dict[str, str]:
    """The first field of each index and unique constraint that covers every row."""
    meta = model._meta
    leading = {}
    for index in meta.indexes:
        if index.fields and index.condition is None:
            leading.setdefault(index.fields[0].lstrip("-"), index.name)
    for constraint in meta.constraints:
        if (
            isinstance(constraint, models.UniqueConstraint)
            and constraint.fields
            and constraint.condition is None
        ):
            leading.setdefault(constraint.fields[0], constraint.name)
    for fields in meta.unique_together:
        leading.setdefault(fields[0], "unique_together")
    return leading


def test_no_foreign_key_has_an_index_another_index_already_provides():
    redundant = []
    for model in apps.get_models():
        meta = model._meta
        if not model.__module__.startswith("beacon.") or meta.auto_created or not meta.managed:
            continue
        leading = _leading_columns_of_full_indexes(model)
        for field in meta.local_fields:
            if isinstance(field, models.ForeignKey) and field.db_index and field.name in leading:
                redundant.append(f"{meta.label}.{field.name} (led by {leading[field.name]})")
    assert redundant == [], "set db_index=False on: " + ", ".join(sorted(redundant))
