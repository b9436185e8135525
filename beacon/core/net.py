from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def normalize_ip(value: str | None) -> str | None:
    """An address in the one spelling databases store (2001:db8::1), or None if it is not one.

    Proxies sometimes send "unknown"; an IPv6 address has many spellings. Both must neither
    break a request nor make a genuine audit entry look edited.
    """
    if not value:
        return None
    try:
        return ipaddress.ip_address(value.strip()).compressed
    except ValueError:
        return None


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
            return normalize_ip(forwarded[-count])
    return normalize_ip(request.META.get("REMOTE_ADDR"))
