"""The API's one paginator: lists are paged by position (keyset), never by OFFSET or COUNT.

A list endpoint hands `cursor_page()` its queryset, ordered as the list reads (the order ends
with a unique key, the primary key unless one is there), with the `before` cursor and the
`limit` it was asked for. It reads `limit + 1` rows after the cursor's position and answers
`{"items": ..., "next": ...}`, `next` being the URL of the next page (the same query with
`before` set to the last row's position) or None on the last page. Each page costs the same
however far into the list it is, and rows added or removed meanwhile shift nothing.

A cursor is opaque: the last row's values of the ordering columns, as JSON in URL-safe
base64. A list ordered by its integer id alone (the audit trail) pages by that id, as it
always has (`before=<id>`). A cursor Beacon did not make answers 422 naming `before`.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import decimal
import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections
from django.db.models import F, IntegerField, OrderBy, Q, QuerySet
from django.utils.translation import gettext as _

from beacon.api.errors import ApiError
from beacon.api.schemas import Integer, Text

#: The most rows one page of any list holds.
MAX_PAGE = 200
#: How many rows a page holds unless `limit` says otherwise.
DEFAULT_PAGE = 50
#: A page's size as the API accepts it: 1 to MAX_PAGE.
PageSize = Integer(ge=1, le=MAX_PAGE)
#: A cursor as the API accepts it (the `next` link's `before`): short text.
Cursor = Text(200)
#: The description every list gives its `before` parameter.
CURSOR_HELP = "Paging cursor: use the `next` link of the page before."


class BadCursor(ValueError):
    """The cursor was not made by Beacon for this list."""


@dataclass(frozen=True)
class _Key:
    name: str
    descending: bool
    nulls_after: bool  # whether NULLs come after every value in this order
    nullable: bool


@dataclass(frozen=True)
class KeysetPage:
    items: list
    next_before: str | None


def _keys(qs: QuerySet) -> list[_Key]:
    order = list(qs.query.order_by)
    if not order:
        raise ValueError("a paged list needs an order")
    nulls_largest = connections[qs.db].features.nulls_order_largest
    keys = []
    for item in order:
        if isinstance(item, str):
            expr = F(item[1:]).desc() if item.startswith("-") else F(item).asc()
        else:
            expr = item if isinstance(item, OrderBy) else item.asc()
        if not isinstance(expr.expression, F):
            raise ValueError(f"a paged list is ordered by columns: {item!r}")
        name = expr.expression.name
        if name == "pk":
            name = qs.model._meta.pk.name
        if expr.nulls_first:
            nulls_after = False
        elif expr.nulls_last:
            nulls_after = True
        else:  # the database's own order: PostgreSQL's NULL is largest, SQLite's smallest
            nulls_after = nulls_largest != expr.descending
        try:
            nullable = qs.model._meta.get_field(name).null
        except FieldDoesNotExist:
            annotation = qs.query.annotations.get(name)
            nullable = annotation is None or annotation.output_field.null
        keys.append(_Key(name, expr.descending, nulls_after, nullable))
    pk = qs.model._meta.pk.name
    if keys[-1].name != pk:  # ties broken by the primary key, so every row has one position
        keys.append(_Key(pk, keys[-1].descending, False, False))
    return keys


def _after(key: _Key, value: Any) -> Q:
    """Rows that come after `value` in this key's order."""
    if value is None:
        return Q(**{f"{key.name}__isnull": False}) if not key.nulls_after else Q(pk__in=[])
    condition = Q(**{f"{key.name}__{'lt' if key.descending else 'gt'}": value})
    if key.nullable and key.nulls_after:
        condition |= Q(**{f"{key.name}__isnull": True})
    return condition


def _equal(key: _Key, value: Any) -> Q:
    return Q(**{f"{key.name}__isnull": True}) if value is None else Q(**{key.name: value})


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    return value


def _by_id_alone(keys: list[_Key], qs: QuerySet) -> bool:
    return len(keys) == 1 and isinstance(qs.model._meta.pk, IntegerField)


def encode_cursor(keys: list[_Key], row: Any, *, by_id: bool = False) -> str:
    values = [_plain(getattr(row, key.name)) for key in keys]
    if by_id:
        return str(values[0])
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(keys: list[_Key], cursor: str | int, *, by_id: bool = False) -> list:
    if by_id:
        try:
            return [int(cursor)]
        except ValueError as exc:
            raise BadCursor from exc
    text = str(cursor)
    try:
        values = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadCursor from exc
    if not isinstance(values, list) or len(values) != len(keys):
        raise BadCursor
    if any(not isinstance(v, str | int | float | None) or isinstance(v, bool) for v in values):
        raise BadCursor
    return values


def keyset_page(qs: QuerySet, *, before: str | int | None, limit: int) -> KeysetPage:
    """One page of `qs` (ordered), from after the `before` cursor: at most `limit` rows."""
    limit = max(1, min(limit, MAX_PAGE))
    keys = _keys(qs)
    by_id = _by_id_alone(keys, qs)
    if before not in (None, ""):
        values = decode_cursor(keys, before, by_id=by_id)
        condition = Q()
        for i, key in enumerate(keys):
            step = _after(key, values[i])
            for earlier, value in zip(keys[:i], values[:i], strict=True):
                step &= _equal(earlier, value)
            condition |= step
        try:
            qs = qs.filter(condition)
        except (ValidationError, TypeError, ValueError) as exc:  # a value of the wrong kind
            raise BadCursor from exc
    if len(keys) > len(qs.query.order_by):
        qs = qs.order_by(*qs.query.order_by, ("-" if keys[-1].descending else "") + keys[-1].name)
    try:
        rows = list(qs[: limit + 1])
    except (ValidationError, TypeError, ValueError) as exc:
        raise BadCursor from exc
    more = len(rows) > limit
    rows = rows[:limit]
    next_before = encode_cursor(keys, rows[-1], by_id=by_id) if more and rows else None
    return KeysetPage(items=rows, next_before=next_before)


def position(qs: QuerySet, row: Any) -> str:
    """The cursor of `row` in `qs`'s order: the page after it starts after it (for a list
    merged from two, beacon/portal/selectors_access.py)."""
    keys = _keys(qs)
    return encode_cursor(keys, row, by_id=_by_id_alone(keys, qs))


def next_url(request, next_before: str | None, *, param: str = "before") -> str | None:
    """The URL of the next page: this request's query with the cursor set."""
    if next_before is None:
        return None
    params = request.GET.copy()
    params[param] = next_before
    return f"{request.path}?{params.urlencode()}"


def cursor_page(request, qs: QuerySet, *, before: str | int | None, limit: int) -> dict:
    """The API's answer for one page of a list: `{"items": [...], "next": url or None}`. A
    cursor Beacon did not make answers 422 naming `before`."""
    try:
        page = keyset_page(qs, before=before, limit=limit)
    except BadCursor:
        raise ApiError(
            422,
            "invalid",
            _("Some values are missing or not valid."),
            [{"field": "before", "message": _("Use the `next` link of an earlier page.")}],
        ) from None
    return {"items": page.items, "next": next_url(request, page.next_before)}
