from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address of the person making the request.

    REMOTE_ADDR, unless Beacon runs behind BEACON_TRUSTED_PROXY_COUNT proxies that each append
    to X-Forwarded-For; then the entry that the outermost trusted proxy saw. Entries further left
    are whatever the client claimed and are never trusted.
    """
    count = settings.BEACON_TRUSTED_PROXY_COUNT
    if count:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR") or None
