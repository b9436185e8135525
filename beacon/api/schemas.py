"""Shared API types. Every text, list and integer the API accepts is bounded through these
(docs/security-proof.md, "Bounded input"; a test walks the OpenAPI schema for any that is not)."""

from datetime import UTC, datetime
from typing import Annotated, Any

import annotated_types
from django.db import models
from ninja import Schema
from pydantic import Field
from pydantic_core import PydanticCustomError, core_schema

from beacon.api.errors import MAX_DETAILS

#: The largest value of PostgreSQL's `integer` (Django's IntegerField and its positive kinds),
#: the narrowest integer column of either database: the bound for any integer the API passes
#: to a query (versions, offsets, pages, ids that are not UUIDs). Beyond it PostgreSQL answers
#: "integer out of range" and SQLite "datatype mismatch" (beyond 64 bits): a 500.
DB_INT_MAX = 2**31 - 1
#: The largest value of a bigint (BigIntegerField, BigAutoField) in both databases.
DB_BIGINT_MAX = 2**63 - 1
#: The bound for a TextField (a note, a description) that has no max_length of its own: about
#: eight pages, far beyond any note written so far, and small enough that a refusal is quick.
LONG_TEXT = 20_000
#: The most ids of other records one list may name (goals, peers, facilitators, participants):
#: more than any plan, session or group holds, and few enough to check in one query.
MAX_IDS = 500
#: What a text may not contain: NUL, which PostgreSQL refuses in text (a 500 before) and which
#: no person types. Documented in the OpenAPI schema as a pattern; refused with its own message.
NO_NUL_PATTERN = "^[^\\x00]*$"


def _refuse_nul(value: str, info: core_schema.ValidationInfo) -> str:
    # Answers (validated with a response_status by django-ninja) show what is stored as it is.
    if "\x00" in value and "response_status" not in (info.context or {}):
        raise PydanticCustomError(
            "nul_character", "Text may not contain the NUL character (\\u0000)."
        )
    return value


class _RefusesNul:
    def __get_pydantic_core_schema__(self, source, handler):
        return core_schema.with_info_after_validator_function(_refuse_nul, handler(source))

    def __get_pydantic_json_schema__(self, schema, handler):
        json_schema = handler(schema)
        json_schema.setdefault("pattern", NO_NUL_PATTERN)
        return json_schema


def Text(max_length: int, *, min_length: int = 0) -> Any:
    """A text of at most `max_length` characters without NUL: the length is checked first."""
    return Annotated[str, annotated_types.Len(min_length, max_length), _RefusesNul()]


def ModelText(model: type[models.Model], field: str) -> Any:
    """The text stored in `model.field`, bounded as the column is: its max_length, or LONG_TEXT
    for a TextField without one."""
    return Text(model._meta.get_field(field).max_length or LONG_TEXT)


def Items(item: Any, max_items: int, *, min_items: int = 0) -> Any:
    """A list of at most `max_items`. pydantic checks the length before any item, so a list of
    400,000 is refused at once with one error, not one per item."""
    return Annotated[list[item], annotated_types.Len(min_items, max_items)]


def Mapping(key: Any, value: Any, max_items: int) -> Any:
    """A JSON object of at most `max_items` entries (maxProperties)."""
    return Annotated[dict[key, value], annotated_types.MaxLen(max_items)]


def Integer(*, ge: int = 0, le: int = DB_INT_MAX) -> Any:
    """An integer the databases can hold (by default 0 to DB_INT_MAX)."""
    return Annotated[int, annotated_types.Interval(ge=ge, le=le)]


#: A record's version as read (optimistic concurrency).
Version = Integer(ge=1)
#: How many rows of a list to skip.
Offset = Integer(ge=0)
#: A page number, 1 first.
Page = Integer(ge=1)


def utc(value: datetime | None) -> datetime | None:
    """A time sent to the API, in UTC: without an offset it is read as UTC; with one it is
    converted. PostgreSQL refuses offsets beyond ±15:59 that Python accepts (up to ±23:59), so
    such a time passed on as sent was a 500 there (found by schemathesis); converted, it is just
    a time. One that falls outside the years Python can hold is a validation error (422)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("This time is out of range.") from exc


class ErrorBody(Schema):
    code: str
    message: str
    details: list[dict] | None = Field(
        None, description=f"What is wrong, field by field: the first {MAX_DETAILS} found."
    )
    more: int | None = Field(
        None, description=f"How many more details there were beyond the {MAX_DETAILS} shown."
    )
    reason: str | None = Field(
        None,
        description=(
            "Why a token stopped working (with token_expired_by_security_change and "
            "mfa_enrolment_required): password_changed, mfa_enrolled, mfa_required, "
            "mfa_not_set_up, membership_ended."
        ),
    )


class Error(Schema):
    """Every API error has this shape."""

    error: ErrorBody
