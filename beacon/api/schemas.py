from ninja import Schema


class ErrorBody(Schema):
    code: str
    message: str
    details: list[dict] | None = None


class Error(Schema):
    """Every API error has this shape."""

    error: ErrorBody
