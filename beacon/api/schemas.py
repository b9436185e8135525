from datetime import UTC, datetime

from ninja import Schema
from pydantic import Field


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
    details: list[dict] | None = None
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
