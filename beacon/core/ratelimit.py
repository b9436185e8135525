"""Rate limits per address for what anyone may use without signing in.

Counted in the database (RateLimitCounter), like sign-in lockout, so a limit holds across
gunicorn's worker processes and across several app servers; a process's memory or Django's
default per-process cache would give each worker its own count. Each request is one statement,
an upsert that adds one and returns the new count (INSERT ... ON CONFLICT DO UPDATE SET
count = count + 1 RETURNING count): the database serializes the additions to one row, so two
processes counting at once never both pass the limit (tested from two processes).

Windows are fixed and aligned to the clock (a 60-second limit counts 12:00:00 to 12:00:59): at
worst twice the limit passes around a window's end, the usual price of one row per address and
window. The counter of an ended window is deleted by the next request that opens a new one, so
no scheduled job is needed and the table holds one row per address active in the current
window. The address is never stored: the row's key is an HMAC of the limit, the window and the
address under the secret key. docs/decisions/0011-rate-limits.md weighs the alternatives.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import ngettext

from beacon.core.models import RateLimitCounter


@dataclass(frozen=True)
class Limit:
    """At most `settings.<setting>` requests from one address every `seconds` (0: no limit)."""

    scope: str
    setting: str
    seconds: int

    @property
    def requests(self) -> int:
        return getattr(settings, self.setting)


def _client(ip: str | None) -> str:
    """Who is counted: the address, or for IPv6 its /64 network, which one subscriber usually
    holds whole (counting each of its addresses apart would let one person take billions)."""
    if not ip:
        return "unknown"
    if ":" in ip:
        return ipaddress.ip_network(f"{ip}/64", strict=False).compressed
    return ip


def _key(scope: str, window: int, ip: str | None) -> str:
    message = f"{scope}|{window}|{_client(ip)}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


# One statement each (the table is RateLimitCounter's; the migration makes it), valid on SQLite
# (3.35 or later for RETURNING) and PostgreSQL.
_COUNT_ONE = """
INSERT INTO "core_ratelimitcounter" ("key", "scope", "expires_at", "count") VALUES (%s, %s, %s, 1)
ON CONFLICT ("key") DO UPDATE SET "count" = "core_ratelimitcounter"."count" + 1
"""
_DELETE_ENDED = 'DELETE FROM "core_ratelimitcounter" WHERE "expires_at" <= %s'


def _count_one(*, key: str, scope: str, expires_at: datetime) -> int:
    """Add one to the key's counter (made at 1 if new); the new count."""
    params = [key, scope, connection.ops.adapt_datetimefield_value(expires_at)]
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(f'{_COUNT_ONE} RETURNING "count"', params)
            return cursor.fetchone()[0]
        # Older SQLite has no RETURNING: the upsert, then a read of the row.
        cursor.execute(_COUNT_ONE, params)
        return RateLimitCounter.objects.values_list("count", flat=True).get(pk=key)


def _delete_ended(now: datetime) -> None:
    """Counters of windows that have ended, of every limit (the model has no relations and no
    signals, so one DELETE does what the ORM's delete() would in three statements)."""
    with connection.cursor() as cursor:
        cursor.execute(_DELETE_ENDED, [connection.ops.adapt_datetimefield_value(now)])


def rate_limit_check(*, limit: Limit, ip: str | None) -> int | None:
    """Count one request from `ip` against `limit`.

    None when it is within the limit; otherwise the whole seconds until the window ends (for
    Retry-After, at least 1). Refused requests are counted too, which changes nothing: the
    window's end alone lifts the limit.
    """
    allowed = limit.requests
    if not allowed:
        return None
    now = timezone.now()
    window = math.floor(now.timestamp() / limit.seconds)
    expires_at = datetime.fromtimestamp((window + 1) * limit.seconds, tz=UTC)
    count = _count_one(key=_key(limit.scope, window, ip), scope=limit.scope, expires_at=expires_at)
    if count == 1:
        # This address opened a window: counters of ended windows (any limit) go, in one
        # statement (the model has no relations and no signals to honour).
        _delete_ended(now)
    if count <= allowed:
        return None
    return max(1, math.ceil((expires_at - now) / timedelta(seconds=1)))


def wait_text(seconds: int) -> str:
    """'45 seconds', '4 minutes': how long to wait, for a person."""
    if seconds < 60:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
