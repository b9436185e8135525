"""What the audit trail learns from the request it happens in (the address), without every
service having to pass the request down."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from beacon.core.net import client_ip


@dataclass(frozen=True)
class RequestInfo:
    ip_address: str | None = None


_NO_REQUEST = RequestInfo()
_current: ContextVar[RequestInfo | None] = ContextVar("beacon_audit_request", default=None)


def current_request_info() -> RequestInfo:
    return _current.get() or _NO_REQUEST


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(RequestInfo(ip_address=client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
