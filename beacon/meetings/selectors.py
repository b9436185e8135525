"""Reads for meetings: the public search (page and API share `meeting_matches`), one meeting's
public page, the admins' lists, and what was shared with a participant.

Times are the meeting's own: a meeting at 19:00 America/Chicago starts at 19:00 in Chicago
whatever Beacon's time zone. "Starting within N minutes" is asked of each time zone the listed
meetings use (a handful): now in that zone, as the meeting's day (0 Sunday ... 6 Saturday) and
wall-clock time, up to N minutes later (past midnight: into the next day), all in one query.
Near a ZIP code: the ZIP's centre from Find Help's shipped data (findhelp.selectors.zip_place),
a bounding box in SQL, the exact distance in Python.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Case, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beacon.core.access import load_visible
from beacon.findhelp.selectors import bounding_box, haversine_miles, zip_place
from beacon.meetings import feed as mg
from beacon.meetings.models import Meeting, MeetingFeed, SharedMeeting
from beacon.meetings.permissions import feeds_managed_by, listed_meetings, meetings_managed_by

PAGE_SIZE = 20
MAX_STARTS_WITHIN = 720  # minutes: at most 12 hours ahead
DAY_NAMES = [
    gettext_lazy("Sunday"),
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
]
IN_PERSON, ONLINE = "in_person", "online"


class UnknownZip(ValueError):
    def __init__(self, zip_code: str):
        super().__init__(zip_code)
        self.zip_code = zip_code


@dataclass(frozen=True)
class MeetingQuery:
    zip_code: str = ""
    miles: int = 10
    day: int | None = None  # 0 Sunday ... 6 Saturday
    time_from: datetime.time | None = None
    time_to: datetime.time | None = None
    starts_within: int | None = None  # minutes from now
    types: tuple[str, ...] = ()
    attendance: str = ""  # "", IN_PERSON or ONLINE


def spec_day(moment: datetime.datetime) -> int:
    """The Meeting Guide day (0 Sunday ... 6 Saturday) of a local date and time."""
    return (moment.weekday() + 1) % 7


@lru_cache(maxsize=256)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _day_time_q(day: int, start: datetime.time, end: datetime.time | None) -> Q:
    q = Q(days__contains=str(day), time__gte=start)
    return q & Q(time__lte=end) if end is not None else q


def starting_within_q(minutes: int, now: datetime.datetime, zones: list[str]) -> Q:
    """Meetings that start from now to `minutes` later, each in its own time zone."""
    minutes = max(0, min(minutes, MAX_STARTS_WITHIN))
    condition = Q(pk__in=[])
    for name in zones:
        local = now.astimezone(_zone(name))
        later = local + datetime.timedelta(minutes=minutes)
        start = local.time().replace(second=0, microsecond=0)
        end = later.time().replace(second=0, microsecond=0)
        if later.date() == local.date():
            window = _day_time_q(spec_day(local), start, end)
        else:  # past midnight: the rest of today, then the next day up to `later`
            window = _day_time_q(spec_day(local), start, None) | _day_time_q(
                spec_day(later), datetime.time(0, 0), end
            )
        condition |= Q(timezone=name) & window
    return condition


def _zones() -> list[str]:
    return list(listed_meetings().order_by().values_list("timezone", flat=True).distinct())


def meeting_matches(
    query: MeetingQuery, *, now: datetime.datetime | None = None
) -> tuple[QuerySet[Meeting], dict | None]:
    """The listed meetings that match every filter, and the ZIP code's place when one was
    asked (the distance is checked exactly by `distances`). Raises UnknownZip."""
    now = now or timezone.now()
    qs = listed_meetings()
    origin = None
    if query.zip_code:
        origin = zip_place(query.zip_code)
        if origin is None:
            raise UnknownZip(query.zip_code)
        lat0, lat1, lon0, lon1 = bounding_box(origin["latitude"], origin["longitude"], query.miles)
        qs = qs.filter(
            latitude__gte=lat0, latitude__lte=lat1, longitude__gte=lon0, longitude__lte=lon1
        )
    if query.day is not None:
        qs = qs.filter(days__contains=str(query.day))
    if query.time_from is not None:
        qs = qs.filter(time__gte=query.time_from)
    if query.time_to is not None:
        qs = qs.filter(time__lte=query.time_to)
    if query.starts_within is not None:
        qs = qs.filter(starting_within_q(query.starts_within, now, _zones()))
    for code in query.types:
        qs = qs.filter(types__contains=f",{code},")
    if query.attendance == ONLINE:
        qs = qs.filter(~Q(conference_url="") | ~Q(conference_phone=""))
    elif query.attendance == IN_PERSON:
        qs = qs.filter(~Q(address="") | ~Q(formatted_address="")).filter(approximate=False)
        qs = qs.exclude(types__contains=",TC,")
    return qs, origin


def distances(qs: QuerySet[Meeting], origin: dict, miles: float) -> dict:
    """{meeting id: miles} for the meetings of `qs` within `miles` of `origin`."""
    found = {}
    lat, lon = origin["latitude"], origin["longitude"]
    for pk, m_lat, m_lon in qs.values_list("pk", "latitude", "longitude").iterator():
        d = haversine_miles(lat, lon, m_lat, m_lon)
        if d <= miles:
            found[pk] = round(d, 1)
    return found


def next_start(
    days: str, start: datetime.time | None, zone: str, now: datetime.datetime
) -> datetime.datetime | None:
    """The next time the meeting starts (now counts), in its own time zone."""
    if not days or start is None:
        return None
    local = now.astimezone(_zone(zone))
    for ahead in range(8):
        date = local.date() + datetime.timedelta(days=ahead)
        candidate = datetime.datetime.combine(date, start, tzinfo=_zone(zone))
        if str(spec_day(candidate)) in days and candidate >= local.replace(second=0, microsecond=0):
            return candidate
    return None


@dataclass
class MeetingResult:
    meeting: Meeting
    distance: float | None = None
    next_start: datetime.datetime | None = None
    starts_in: int | None = None  # minutes, when within the next 12 hours
    types: list[str] = field(default_factory=list)

    @property
    def when(self) -> str:
        return meeting_when(self.meeting)

    @property
    def zone_name(self) -> str:
        return self.next_start.tzname() if self.next_start else ""


def meeting_when(meeting: Meeting) -> str:
    """ "Wednesdays, 7:00 p.m. to 8:00 p.m." in the meeting's own time."""
    if not meeting.days or meeting.time is None:
        return _("By appointment")
    days = ", ".join(str(DAY_NAMES[d]) for d in meeting.day_numbers)
    start = time_format(meeting.time, "TIME_FORMAT")
    if meeting.end_time:
        return _("%(days)s, %(start)s to %(end)s") % {
            "days": days,
            "start": start,
            "end": time_format(meeting.end_time, "TIME_FORMAT"),
        }
    return _("%(days)s, %(start)s") % {"days": days, "start": start}


def result_for(meeting: Meeting, *, now: datetime.datetime, distance=None) -> MeetingResult:
    start = next_start(meeting.days, meeting.time, meeting.timezone, now)
    starts_in = None
    if start is not None:
        minutes = int((start - now).total_seconds() // 60)
        starts_in = minutes if minutes <= MAX_STARTS_WITHIN else None
    return MeetingResult(
        meeting=meeting,
        distance=distance,
        next_start=start,
        starts_in=max(0, starts_in) if starts_in is not None else None,
        types=[mg.type_name(code) for code in meeting.type_codes],
    )


@dataclass
class MeetingPage:
    results: list[MeetingResult]
    count: int
    page: int
    origin: dict | None

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // PAGE_SIZE))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


NEVER = 8 * 1440  # minutes: later than any weekly meeting (by appointment, no day or time)
WEEK = 7 * 1440


def _local_now(zone: str, now: datetime.datetime) -> tuple[int, int]:
    """(Meeting Guide day, minute of the day) of `now` in a time zone."""
    local = now.astimezone(_zone(zone))
    return spec_day(local), local.hour * 60 + local.minute


def _minutes_until(row, now, local_now: dict) -> int:
    """Minutes until a meeting (a row of pk, days, time, zone) next starts, now counting."""
    _pk, days, start, zone = row[:4]
    if zone not in local_now:
        local_now[zone] = _local_now(zone, now)
    today, minute = local_now[zone]
    wait = NEVER
    if days and start is not None:
        begins = start.hour * 60 + start.minute
        for day in days:
            ahead = ((int(day) - today) % 7) * 1440 + begins - minute
            wait = min(wait, ahead if ahead >= 0 else ahead + WEEK)
    return wait


class MinuteOfDay(Func):
    """Minutes after midnight of a time column, in the database's own functions. Django's
    ExtractHour on SQLite calls back into Python for each row: with seven days per meeting that
    was 60 ms of the unfiltered search's 80 with 10,000 meetings."""

    arity = 1
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="(CAST(substr(%(expressions)s, 1, 2) AS INTEGER) * 60"
            " + CAST(substr(%(expressions)s, 4, 2) AS INTEGER))",
            **extra_context,
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="(EXTRACT(HOUR FROM %(expressions)s) * 60"
            " + EXTRACT(MINUTE FROM %(expressions)s))::integer",
            **extra_context,
        )


def minutes_until_expression(zones: list[str], now: datetime.datetime):
    """The same minutes as `_minutes_until`, as SQL: for each time zone the listed meetings use
    (a handful), the least wait over the seven days, so the database orders thousands of
    meetings soonest first and hands back one page. `MinuteOfDay` and Least read the same on
    SQLite and PostgreSQL; a day the meeting does not meet counts as NEVER, not NULL (SQLite's
    MIN of a NULL is NULL, PostgreSQL's LEAST skips it)."""
    begins = MinuteOfDay("time")
    by_zone = []
    for zone in zones:
        today, minute = _local_now(zone, now)
        waits = []
        for day in range(7):
            ahead = (day - today) % 7
            if ahead == 0:  # today: later today, or (already started) a week on
                wait = Case(
                    When(time__gte=datetime.time(minute // 60, minute % 60), then=begins - minute),
                    default=begins - minute + WEEK,
                )
            else:
                wait = begins + (ahead * 1440 - minute)
            waits.append(Case(When(days__contains=str(day), then=wait), default=Value(NEVER)))
        by_zone.append(When(timezone=zone, then=Least(*waits)))
    if not by_zone:
        return Value(NEVER, output_field=IntegerField())
    return Case(
        When(Q(time__isnull=True) | Q(days=""), then=Value(NEVER)),
        *by_zone,
        default=Value(NEVER),
        output_field=IntegerField(),
    )


def meeting_search(
    query: MeetingQuery, *, page: int = 1, now: datetime.datetime | None = None
) -> MeetingPage:
    """One page of the search: nearest first with a ZIP code, otherwise soonest first.

    With a ZIP code the meetings in the bounding box (a few hundred at most) are read, measured
    exactly and ordered here. Without one, every listed meeting may match: the database orders
    them by minutes until each next starts (`minutes_until_expression`) and returns one page,
    rather than every row coming to Python to be sorted (124 ms p95 of CPU with 10,000
    meetings, bench/RESULTS.md)."""
    now = now or timezone.now()
    qs, origin = meeting_matches(query, now=now)
    page = max(1, page)
    near = None
    if origin is None:
        count = qs.count()
        ids = list(
            qs.annotate(wait=minutes_until_expression(_zones(), now))
            .order_by("wait", "name", "pk")
            .values_list("pk", flat=True)[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        )
    else:
        rows = list(
            qs.values_list("pk", "days", "time", "timezone", "name", "latitude", "longitude")
        )
        lat, lon = origin["latitude"], origin["longitude"]
        near = {}
        for row in rows:
            miles = haversine_miles(lat, lon, row[5], row[6])
            if miles <= query.miles:
                near[row[0]] = round(miles, 1)
        rows = [row for row in rows if row[0] in near]
        local_now: dict[str, tuple[int, int]] = {}
        rows.sort(
            key=lambda row: (near[row[0]], _minutes_until(row, now, local_now), row[4], str(row[0]))
        )
        count = len(rows)
        ids = [row[0] for row in rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
    meetings = Meeting.objects.in_bulk(ids)
    results = [result_for(meetings[pk], now=now, distance=near[pk] if near else None) for pk in ids]
    return MeetingPage(results=results, count=count, page=page, origin=origin)


def meeting_get_public(*, pk) -> Meeting:
    """A listed meeting for its public page (404 for one removed or missing)."""
    return load_visible(member=None, visible=listed_meetings(), pk=pk)


# The admins' side ------------------------------------------------------------------------------


def managed_meetings(*, member) -> QuerySet[Meeting]:
    return meetings_managed_by(member).select_related("feed").order_by("removed_at", "name", "pk")


def managed_meeting_get(*, member, pk) -> Meeting:
    return load_visible(member=member, visible=meetings_managed_by(member), pk=pk)


def managed_feeds(*, member) -> QuerySet[MeetingFeed]:
    return feeds_managed_by(member).order_by("name", "pk")


def managed_feed_get(*, member, pk) -> MeetingFeed:
    return load_visible(member=member, visible=feeds_managed_by(member), pk=pk)


def organization_meetings_for_export(*, organization) -> QuerySet[Meeting]:
    return listed_meetings().filter(organization=organization).order_by("slug", "pk")


# Shared with a participant -----------------------------------------------------------------------


@dataclass(frozen=True)
class SharedMeetingView:
    shared: SharedMeeting
    result: MeetingResult
    listed: bool  # False once the meeting left its feed or was taken off the list


def shared_meetings(
    *, participant, now: datetime.datetime | None = None
) -> list[SharedMeetingView]:
    """The meetings shared with the participant, newest first (two queries)."""
    now = now or timezone.now()
    rows = list(
        SharedMeeting.objects.filter(participant=participant)
        .select_related("meeting", "shared_by")
        .order_by("-shared_at", "-pk")
    )
    return [
        SharedMeetingView(
            shared=row,
            result=result_for(row.meeting, now=now),
            listed=row.meeting.removed_at is None,
        )
        for row in rows
    ]


def shared_meeting_get(*, member, participant, pk) -> SharedMeeting:
    from beacon.core.access import load_child

    return load_child(
        member=member,
        parent=participant,
        children=participant.shared_meetings.select_related("meeting"),
        pk=pk,
    )
