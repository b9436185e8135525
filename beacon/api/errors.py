"""One error shape for the whole API, with real status codes:

{"error": {"code": "not_found", "message": "…", "details": [...], "more": N}}

`details` holds at most MAX_DETAILS entries; `more` says how many there were beyond them. A
request costs little to send and its answer stays small, whatever is wrong with it (issue 14:
a list of 100,000 bad items answered with 18.8 MB, one error each).
"""

from __future__ import annotations

import math

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from beacon.core.concurrency import StaleVersion
from beacon.core.ratelimit import wait_text

MAX_DETAILS = 20

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid",
    429: "too_many_requests",
}


class ApiError(HttpError):
    """An error with a machine-readable code, for when the status alone does not say enough."""

    def __init__(self, status_code: int, code: str, message: str, details=None, extra=None):
        super().__init__(status_code, message)
        self.code = code
        self.details = details
        # More keys of the error object, e.g. "reason" (ErrorBody in beacon/api/schemas.py).
        self.extra = extra


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message,
    details=None,
    *,
    extra=None,
    total=None,
):
    """`total`: how many details there were, when only the first were passed in."""
    body = {"error": {"code": code, "message": str(message)}}
    if details:
        body["error"]["details"] = details[:MAX_DETAILS]
        more = max(total or 0, len(details)) - MAX_DETAILS
        if more > 0:
            body["error"]["more"] = more
    if extra:
        body["error"].update(extra)
    return api.create_response(request, body, status=status)


def _field_path(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload")]
    return ".".join(parts) or ".".join(str(p) for p in loc)


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def _validation(request, exc):
        # Only the details shown are built; the rest are counted.
        shown = [
            {"field": _field_path(err.get("loc", ())), "message": err.get("msg", "")}
            for err in exc.errors[:MAX_DETAILS]
        ]
        message = _("Some values are missing or not valid.")
        return error_response(api, request, 422, "invalid", message, shown, total=len(exc.errors))

    @api.exception_handler(DjangoValidationError)
    def _service_validation(request, exc):
        if hasattr(exc, "error_dict"):
            details = [
                {"field": field, "message": " ".join(str(m) for e in errors for m in e.messages)}
                for field, errors in exc.error_dict.items()
            ]
            message = _("Some values are not valid.")
        else:
            details = None
            message = " ".join(exc.messages)
        return error_response(api, request, 422, "invalid", message, details)

    @api.exception_handler(AuthenticationError)
    def _unauthorized(request, exc):
        response = error_response(
            api,
            request,
            401,
            "unauthorized",
            _("Sign in first: send a valid token as 'Authorization: Bearer <token>'."),
        )
        response["WWW-Authenticate"] = 'Bearer realm="beacon"'
        return response

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return error_response(api, request, 404, "not_found", _("Not found."))

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        # A service that refuses says what it refused (PermissionDenied(message)); a bare
        # PermissionDenied gets the general answer.
        message = str(exc.args[0]) if exc.args and exc.args[0] else ""
        return error_response(
            api, request, 403, "forbidden", message or _("Your role does not allow this.")
        )

    @api.exception_handler(StaleVersion)
    def _conflict(request, exc):
        """Someone saved in between: nothing is overwritten; the caller gets the current
        version to compare with theirs and send again."""
        body = {
            "error": {
                "code": "conflict",
                "message": _(
                    "Someone else saved this record since you loaded it (it is now version "
                    "%(current)d; you sent %(sent)d). Nothing was overwritten: compare, then "
                    "send your change again with version %(current)d."
                )
                % {"current": exc.current.version, "sent": exc.expected_version},
                "details": [{"field": "version", "message": _("This version is out of date.")}],
                "current_version": exc.current.version,
            }
        }
        return api.create_response(request, body, status=409)

    @api.exception_handler(Throttled)
    def _rate_limited(request, exc):
        """A rate limit (beacon/api/throttling.py); Ninja adds Retry-After in seconds."""
        message = _("Too many requests from your address. Please try again later.")
        if exc.wait:
            message = _("Too many requests from your address. Please try again in %(wait)s.") % {
                "wait": wait_text(math.ceil(exc.wait))
            }
        return error_response(api, request, 429, "rate_limited", message)

    @api.exception_handler(HttpError)
    def _http_error(request, exc):
        code = getattr(exc, "code", None) or CODES.get(exc.status_code, "error")
        response = error_response(
            api,
            request,
            exc.status_code,
            code,
            exc.message,
            getattr(exc, "details", None),
            extra=getattr(exc, "extra", None),
        )
        if exc.status_code == 401:
            response["WWW-Authenticate"] = 'Bearer realm="beacon"'
        return response
