"""The edit pages' side of optimistic concurrency (beacon/core/concurrency.py).

An edit page posts the version its form was based on. When the service refuses the save as
stale, the page answers 409 with what the person typed still in the form, now based on the
version stored (so saving again is a choice, not an accident), beside the record as it is now.
`save_edit` is that sequence; how each page shows the two versions stays with the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms import BaseForm
from django.http import QueryDict

from beacon.core.concurrency import StaleVersion
from beacon.core.forms import apply_validation_error

F = TypeVar("F", bound=BaseForm)
T = TypeVar("T")


@dataclass(frozen=True)
class Edit(Generic[F, T]):
    """What an edit page shows next. `Edit(form)` is a page not posted yet."""

    form: F
    status: int = 200  # 400 when not valid, 409 when stale
    saved: bool = False
    result: T | None = None  # what the service returned, once saved
    current: Model | None = None  # after a stale save: the record as it is now

    @property
    def stale(self) -> bool:
        return self.current is not None


def save_edit(
    form: F,
    save: Callable[[F], T],
    *,
    rebind: Callable[[QueryDict], F],
    invalid: Callable[[F, ValidationError], None] = apply_validation_error,
) -> Edit[F, T]:
    """Validate the posted `form` and `save(form)` (which passes the form's version to the
    service as `expected_version`).

    Not valid, or refused with a ValidationError (shown on the form by `invalid`): 400 with
    the form as posted. Stale: 409 with `rebind(data)`, a new form of the same data with the
    version now stored, and `current`, the record as it is now. Nothing is written then.
    """
    if not form.is_valid():
        return Edit(form, status=400)
    try:
        result = save(form)
    except StaleVersion as stale:
        data = form.data.copy()
        data["version"] = str(stale.current.version)
        again = rebind(data)
        again.is_valid()
        return Edit(again, status=409, current=stale.current)
    except ValidationError as exc:
        invalid(form, exc)
        return Edit(form, status=400)
    return Edit(form, saved=True, result=result)
