"""API: the public meeting search (no sign-in): GET /api/v1/meetings.

The same filters as the page at /find-help/meetings/ (selectors.meeting_matches), paged by the
API's one cursor paginator in a fixed order (the meeting's start time, name, id); with a ZIP
code each meeting carries its distance and only those within `miles` are listed.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from beacon.api.errors import ApiError
from beacon.api.pagination import CURSOR_HELP, DEFAULT_PAGE, Cursor, PageSize, cursor_page
from beacon.api.schemas import Error, Text
from beacon.api.throttling import RateLimitThrottle
from beacon.findhelp.ratelimits import DIRECTORY
from beacon.meetings import feed as mg
from beacon.meetings import selectors

router = Router(tags=["meetings"], throttle=[RateLimitThrottle(DIRECTORY)])


class MeetingOut(Schema):
    id: UUID
    name: str
    slug: str
    day: list[int] = Field(description="0 Sunday ... 6 Saturday; empty: by appointment.")
    time: str | None = Field(
        None,
        description="Start as HH:MM (24-hour) in the meeting's own time zone, as the "
        "Meeting Guide format writes it.",
    )
    end_time: str | None = Field(None, description="HH:MM, in the meeting's own time zone.")
    timezone: str
    types: list[str] = Field(description="Meeting Guide type codes.")
    type_names: list[str]
    location: str
    formatted_address: str
    address: str
    city: str
    state: str
    postal_code: str
    latitude: float | None
    longitude: float | None
    approximate: bool
    conference_url: str
    conference_url_notes: str
    conference_phone: str
    conference_phone_notes: str
    notes: str
    group: str
    online: bool
    in_person: bool
    next_start: dt.datetime | None = Field(None, description="Next start, with its UTC offset.")
    distance_miles: float | None = Field(None, description="From the ZIP code asked about.")
    updated: dt.datetime


class MeetingList(Schema):
    items: list[MeetingOut]
    next: str | None


def _out(meeting, *, now, distance) -> dict:
    return {
        **{f: getattr(meeting, f) for f in MeetingOut.model_fields if hasattr(meeting, f)},
        "day": meeting.day_numbers,
        "time": meeting.time.strftime("%H:%M") if meeting.time else None,
        "end_time": meeting.end_time.strftime("%H:%M") if meeting.end_time else None,
        "types": meeting.type_codes,
        "type_names": [mg.type_name(c) for c in meeting.type_codes],
        "next_start": selectors.next_start(meeting.days, meeting.time, meeting.timezone, now),
        "distance_miles": distance,
    }


def _bad(field: str, message: str) -> ApiError:
    return ApiError(
        422,
        "invalid",
        _("Some values are missing or not valid."),
        [{"field": field, "message": message}],
    )


@router.get(
    "",
    response={200: MeetingList, 422: Error, 429: Error},
    summary="Search mutual-aid meetings",
    auth=None,
)
def meetings_search(
    request,
    zip: Text(5) | None = Query(None, pattern=r"^\d{5}$", description="A 5-digit US ZIP code."),  # noqa: B008
    miles: int = Query(10, ge=1, le=100, description="Distance from the ZIP code."),
    day: int | None = Query(None, ge=0, le=6, description="0 Sunday ... 6 Saturday."),
    starts_within: int | None = Query(
        None, ge=1, le=selectors.MAX_STARTS_WITHIN, description="Starting within this many minutes."
    ),
    type: Text(200) | None = Query(  # noqa: B008
        None, max_length=200, description="Type codes, comma-separated (all must apply)."
    ),
    online: bool | None = Query(None, description="true: online or by phone; false: in person."),
    before: Cursor | None = Query(None, description=CURSOR_HELP),  # noqa: B008
    limit: PageSize = DEFAULT_PAGE,
):
    codes = tuple(c.strip() for c in (type or "").split(",") if c.strip())
    known = set(mg.type_codes())
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise _bad(
            "type", _("Unknown meeting type: %(codes)s.") % {"codes": ", ".join(unknown[:5])}
        )
    query = selectors.MeetingQuery(
        zip_code=zip or "",
        miles=miles,
        day=day,
        starts_within=starts_within,
        types=codes,
        attendance="" if online is None else (selectors.ONLINE if online else selectors.IN_PERSON),
    )
    now = timezone.now()
    try:
        qs, origin = selectors.meeting_matches(query, now=now)
    except selectors.UnknownZip:
        raise _bad("zip", _("We don't know this ZIP code.")) from None
    near = None
    if origin is not None:
        near = selectors.distances(qs, origin, miles)
        qs = qs.filter(pk__in=list(near))
    page = cursor_page(request, qs.order_by("time", "name", "id"), before=before, limit=limit)
    page["items"] = [
        _out(m, now=now, distance=near.get(m.pk) if near else None) for m in page["items"]
    ]
    return page
