"""Optimistic concurrency: every editable record carries a `version`.

An update names the version it was based on. If someone saved in between, the update is
refused with StaleVersion (the page shows both versions; the API answers 409 Conflict), so
no one's work is silently overwritten.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F


class StaleVersion(Exception):
    def __init__(self, current: models.Model, expected_version: int):
        self.current = current
        self.expected_version = expected_version
        super().__init__(
            f"{current._meta.verbose_name} was changed by someone else (now version "
            f"{current.version}, you had {expected_version})."
        )


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


def save_versioned(instance: VersionedModel, *, expected_version: int, fields: list[str]) -> None:
    """Write `fields` of `instance` only if the stored version is still `expected_version`.

    One conditional UPDATE, so two people saving at once cannot both win.
    """
    model = type(instance)
    values: dict[str, Any] = {name: getattr(instance, name) for name in fields}
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        from django.utils import timezone

        values["updated_at"] = timezone.now()
    updated = model._base_manager.filter(pk=instance.pk, version=expected_version).update(
        **values, version=F("version") + 1
    )
    if not updated:
        raise StaleVersion(model._base_manager.get(pk=instance.pk), expected_version)
    instance.version = expected_version + 1
