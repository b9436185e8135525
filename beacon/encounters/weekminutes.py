"""Minutes of the week: stored in UTC, compared in local time.

A record that needs "which part of the week did this happen in" (an encounter outside working
hours) stores `minute of the week in UTC` of its timestamp in a generated column: 0 is Monday
00:00 UTC, 10,079 is Sunday 23:59 UTC. The database computes it on every write (bulk inserts,
`update()`, raw SQL included), and it depends on nothing but the timestamp, so a change of
`BEACON_TIME_ZONE` (or, one day, an organization's own time zone) never makes it wrong.

A question in local time ("weekdays 8:00-18:00 in America/New_York") becomes, for a stretch of
time with one UTC offset, a few ranges of these minutes; a stretch that crosses a daylight
saving change is split at the change (`local_minute_ranges`). The count is then an integer
comparison on an index, instead of reading every row into Python to work out its local time.
"""

from __future__ import annotations

import datetime
import math
from zoneinfo import ZoneInfo

from django.db import NotSupportedError
from django.db.models import Func, IntegerField

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY


class UTCMinuteOfWeek(Func):
    """The minute of the week (Monday 00:00 UTC = 0) of a timestamp, in SQL that both
    databases accept in a generated column (immutable, and without `%`, which the schema
    editor would read as a placeholder)."""

    output_field = IntegerField()
    arity = 1

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError("UTCMinuteOfWeek is written for SQLite and PostgreSQL.")

    def as_sqlite(self, compiler, connection, **extra):
        # Django stores a timestamp as UTC text, 'YYYY-MM-DD HH:MM:SS[.ffffff]'. The Julian day
        # number of the date is 0 on a Monday modulo 7; hour and minute are read from the text
        # (exact, where julianday() of the full time would round at minute boundaries).
        template = (
            "((CAST(julianday(substr(%(expressions)s, 1, 10)) + 0.5 AS INTEGER)"
            " - (CAST(julianday(substr(%(expressions)s, 1, 10)) + 0.5 AS INTEGER) / 7) * 7)"
            " * 1440"
            " + CAST(substr(%(expressions)s, 12, 2) AS INTEGER) * 60"
            " + CAST(substr(%(expressions)s, 15, 2) AS INTEGER))"
        )
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        utc = "(%(expressions)s AT TIME ZONE 'UTC')"
        template = (
            f"((EXTRACT(ISODOW FROM {utc})::integer - 1) * 1440"
            f" + EXTRACT(HOUR FROM {utc})::integer * 60"
            f" + EXTRACT(MINUTE FROM {utc})::integer)"
        )
        return super().as_sql(compiler, connection, template=template, **extra)


def utc_minute_of_week(moment: datetime.datetime) -> int:
    """What UTCMinuteOfWeek stores for an aware datetime."""
    utc = moment.astimezone(datetime.UTC)
    return utc.weekday() * MINUTES_PER_DAY + utc.hour * 60 + utc.minute


def _offset_minutes(tz: ZoneInfo, moment: datetime.datetime) -> int:
    return int(moment.astimezone(tz).utcoffset().total_seconds() // 60)


def offset_stretches(
    tz: ZoneInfo, start: datetime.datetime, end: datetime.datetime
) -> list[tuple[datetime.datetime, datetime.datetime, int]]:
    """[start, end) cut where the UTC offset of `tz` changes: (from, to, offset in minutes).

    The offset is probed every 6 hours (zones change it at most a few times a year) and each
    change is narrowed down to the second it happens."""
    step = datetime.timedelta(hours=6)
    stretches = []
    here, offset = start, _offset_minutes(tz, start)
    probe = start
    while probe < end:
        following = min(probe + step, end)
        if _offset_minutes(tz, following) != offset:
            low, high = int(probe.timestamp()), math.ceil(following.timestamp())
            while high - low > 1:  # offset(low) is the old one, offset(high) the new one
                middle = (low + high) // 2
                if _offset_minutes(tz, _at(middle)) == offset:
                    low = middle
                else:
                    high = middle
            change = max(_at(high), here)
            stretches.append((here, change, offset))
            here, offset = change, _offset_minutes(tz, change)
        probe = following
    stretches.append((here, end, offset))
    return stretches


def _at(seconds: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)


def to_utc_ranges(local: list[tuple[int, int]], offset_minutes: int) -> list[tuple[int, int]]:
    """Half-open ranges of local minutes of the week, as half-open ranges of the UTC minutes
    they are at a UTC offset of `offset_minutes` (local = UTC + offset): shifted, cut where they
    wrap around the end of the week, sorted and joined."""
    pieces: list[tuple[int, int]] = []
    for lo, hi in local:
        if lo >= hi:
            continue
        lo, hi = lo - offset_minutes, hi - offset_minutes
        shift = (lo // MINUTES_PER_WEEK) * MINUTES_PER_WEEK
        lo, hi = lo - shift, hi - shift
        if hi <= MINUTES_PER_WEEK:
            pieces.append((lo, hi))
        else:
            pieces += [(lo, MINUTES_PER_WEEK), (0, hi - MINUTES_PER_WEEK)]
    joined: list[tuple[int, int]] = []
    for lo, hi in sorted(pieces):
        if joined and lo <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(hi, joined[-1][1]))
        else:
            joined.append((lo, hi))
    return joined
