"""Django Ninja throttles backed by Beacon's rate limits (beacon/core/ratelimit.py), so the API
answers 429 with Retry-After from the one count that pages share (errors.py words it)."""

from __future__ import annotations

from contextvars import ContextVar

from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from beacon.core.net import client_ip
from beacon.core.ratelimit import Limit, rate_limit_check

# Ninja asks allow_request(request), then wait() without the request, on one throttle object
# shared by every thread: the wait is kept per request context, not on the object.
_wait: ContextVar[int | None] = ContextVar("rate_limit_wait", default=None)


class RateLimitThrottle(BaseThrottle):
    def __init__(self, limit: Limit):
        self.limit = limit

    def allow_request(self, request: HttpRequest) -> bool:
        wait = rate_limit_check(limit=self.limit, ip=client_ip(request))
        _wait.set(wait)
        return wait is None

    def wait(self) -> int | None:
        return _wait.get()
