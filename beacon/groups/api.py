"""API: support groups (/api/v1/groups), their sessions (/api/v1/groups/{id}/sessions) and a
session's attendance (/api/v1/sessions/{id}/attendance).

The same services as the pages: a schedule change replaces only untouched sessions to come;
attendance marks the session held and computes its H0038 HQ units. Reading attendance records
a read of each participant whose name it returns.
"""

from __future__ import annotations

import datetime
from uuid import UUID

from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field, field_validator

from beacon.api.schemas import MAX_IDS, Error, Integer, Items, Text, Version, utc
from beacon.core.access import staff_member
from beacon.groups import selectors, services
from beacon.groups.models import GROUP_MODIFIER, GROUP_PROCEDURE_CODE, GroupKind
from beacon.participants.selectors import participant_get_for_member

groups_router = Router(tags=["groups"])
sessions_router = Router(tags=["groups"])

# How far ahead a session list may ask sessions to be generated.
MAX_AHEAD_DAYS = 366


class PersonOut(Schema):
    id: UUID
    name: str


# A local wall-clock time in the organization's time zone, sent as "HH:MM:SS" with no offset:
# RFC 3339's partial-time, not its "time" (which requires an offset; schemathesis caught the
# published schema promising one).
WALL_CLOCK = {"format": "partial-time"}


class GroupIn(Schema):
    name: Text(200)
    kind: GroupKind
    pathway: Text(30) = Field("", description="For kind=pathway: a recovery pathway.")
    description: Text(2000) = ""
    location: Text(300) = ""
    video_url: Text(500) = ""
    facilitators: Items(UUID, MAX_IDS) = Field(
        default_factory=list, description="User ids of active staff; default: you."
    )
    weekdays: Items(Integer(ge=0, le=6), 7) = Field(..., description="0 = Monday ... 6 = Sunday.")
    start_time: datetime.time = Field(..., json_schema_extra=WALL_CLOCK)
    duration_minutes: int = Field(..., ge=5, le=720)
    interval_weeks: int = Field(1, ge=1, le=8)
    starts_on: datetime.date
    ends_on: datetime.date | None = None
    participants: Items(UUID, MAX_IDS) = Field(
        default_factory=list, description="Participants to enrol (ones you may see)."
    )


class GroupPatch(Schema):
    version: Version = Field(..., description="The version the change is based on.")
    name: Text(200) | None = None
    kind: GroupKind | None = None
    pathway: Text(30) | None = None
    description: Text(2000) | None = None
    location: Text(300) | None = None
    video_url: Text(500) | None = None
    facilitators: Items(UUID, MAX_IDS) | None = None
    weekdays: Items(Integer(ge=0, le=6), 7) | None = None
    start_time: datetime.time | None = Field(None, json_schema_extra=WALL_CLOCK)
    duration_minutes: int | None = Field(None, ge=5, le=720)
    interval_weeks: int | None = Field(None, ge=1, le=8)
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    is_active: bool | None = None


class GroupOut(Schema):
    id: UUID
    name: str
    kind: str
    pathway: str
    description: str
    location: str
    video_url: str
    facilitators: list[PersonOut]
    weekdays: list[int]
    start_time: datetime.time = Field(..., json_schema_extra=WALL_CLOCK)
    duration_minutes: int
    interval_weeks: int
    starts_on: datetime.date
    ends_on: datetime.date | None
    is_active: bool
    version: int


class SessionOut(Schema):
    id: UUID
    group: UUID
    status: str = Field(..., description="scheduled, cancelled or held.")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    duration_minutes: int
    occurrence: datetime.datetime = Field(..., description="When the schedule put it.")
    moved: bool
    cancel_reason: str
    anonymous_count: int
    version: int


class SessionPatch(Schema):
    starts_at: datetime.datetime | None = Field(None, description="Move it here.")
    duration_minutes: int | None = Field(None, ge=5, le=720)
    cancel_reason: Text(300) | None = Field(None, description="Cancel it, saying why.")

    @field_validator("starts_at")
    @classmethod
    def _offset_to_utc(cls, value):
        # With an offset, in UTC (PostgreSQL refuses offsets beyond ±15:59); without one, as
        # before (the services read it in the organization's time zone).
        return utc(value) if value is not None and value.tzinfo is not None else value


class SessionQuery(Schema):
    start: datetime.date | None = Field(None, description="Default: 30 days ago.")
    end: datetime.date | None = Field(None, description="Default: 8 weeks ahead.")


class AttendeeOut(Schema):
    key: str = Field(..., description="What to send in `present`.")
    participant: UUID | None
    name: str | None = Field(None, description="Null when you may not see who it is.")
    enrolled: bool
    present: bool


class ClaimLineOut(Schema):
    participant: UUID | None = Field(..., description="Null when you may not see who it is.")
    record_number: int
    service_date: datetime.date
    code: str
    modifier: str
    minutes: int
    units: int
    rendering_peer: str


class BillingOut(Schema):
    code: str
    modifier: str
    units_per_participant: int
    total_units: int
    lines: list[ClaimLineOut]
    reason: str = Field("", description="Why there are no lines, when there are none.")


class AttendanceOut(Schema):
    session: SessionOut
    attendees: list[AttendeeOut]
    anonymous_count: int
    topics: list[str]
    notes: str
    billing: BillingOut


class WalkInIn(Schema):
    participant: UUID | None = None
    name: Text(200) = ""


class AttendanceIn(Schema):
    present: Items(Text(100), MAX_IDS) = Field(
        ..., description="Keys of everyone on the list who came; the rest did not."
    )
    walk_ins: Items(WalkInIn, MAX_IDS) = Field(default_factory=list)
    anonymous_count: int | None = Field(None, ge=0, le=500)
    duration_minutes: int | None = Field(None, ge=5, le=720)
    topics: Items(Text(100), services.MAX_TOPICS) | None = None
    notes: Text(10000) | None = None


def _group_out(group) -> dict:
    data = {
        field: getattr(group, field)
        for field in (
            "id",
            "name",
            "kind",
            "pathway",
            "description",
            "location",
            "video_url",
            "weekdays",
            "start_time",
            "duration_minutes",
            "interval_weeks",
            "starts_on",
            "ends_on",
            "is_active",
            "version",
        )
    }
    data["facilitators"] = [{"id": u.pk, "name": u.name} for u in group.facilitators.all()]
    return data


def _session_out(session) -> dict:
    status = "cancelled" if session.is_cancelled else "held" if session.is_held else "scheduled"
    return {
        "id": session.pk,
        "group": session.group_id,
        "status": status,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "duration_minutes": session.duration_minutes,
        "occurrence": session.occurrence,
        "moved": session.is_moved,
        "cancel_reason": session.cancel_reason,
        "anonymous_count": session.anonymous_count,
        "version": session.version,
    }


@groups_router.get("", response={200: list[GroupOut], 403: Error}, summary="Support groups")
def list_groups(request):
    return [_group_out(g) for g in selectors.group_list(member=staff_member(request))]


@groups_router.post(
    "", response={201: GroupOut, 403: Error, 404: Error, 422: Error}, summary="Create a group"
)
def create_group(request, payload: GroupIn):
    """Creates the group with its recurring schedule and its sessions for the next 8 weeks,
    and enrols `participants`."""
    member = staff_member(request)
    participants = [participant_get_for_member(member=member, pk=pk) for pk in payload.participants]
    data = payload.dict(exclude={"participants"})
    data["kind"] = str(data["kind"])
    data["facilitators"] = data["facilitators"] or [member.user_id]
    from django.db import transaction

    with transaction.atomic():
        group = services.group_create(member=member, **data)
        for participant in participants:
            services.group_enroll(member=member, group=group, participant=participant)
    group = selectors.group_get_for_member(member=member, pk=group.pk)
    return Status(201, _group_out(group))


@groups_router.get(
    "/{group_id}", response={200: GroupOut, 403: Error, 404: Error}, summary="One group"
)
def get_group(request, group_id: UUID):
    return _group_out(selectors.group_get_for_member(member=staff_member(request), pk=group_id))


@groups_router.patch(
    "/{group_id}",
    response={200: GroupOut, 403: Error, 404: Error, 409: Error, 422: Error},
    summary="Change a group or its schedule",
)
def update_group(request, group_id: UUID, payload: GroupPatch):
    """A new schedule replaces only sessions to come that nobody moved, cancelled or recorded.
    Send `version` as read: 409 if someone changed the group since."""
    member = staff_member(request)
    group = selectors.group_get_for_member(member=member, pk=group_id, for_write=True)
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    if "kind" in changes and changes["kind"] is not None:
        changes["kind"] = str(changes["kind"])
    facilitators = changes.pop("facilitators", None)
    services.group_update(
        member=member,
        group=group,
        expected_version=payload.version,
        facilitators=facilitators,
        **changes,
    )
    return _group_out(selectors.group_get_for_member(member=member, pk=group_id))


@groups_router.get(
    "/{group_id}/sessions",
    response={200: list[SessionOut], 403: Error, 404: Error, 422: Error},
    summary="A group's sessions",
)
def list_sessions(request, group_id: UUID, q: Query[SessionQuery]):
    """Sessions from `start` to `end` (dates, inclusive), generated from the schedule as far as
    `end` (at most a year ahead)."""
    group = selectors.group_get_for_member(member=staff_member(request), pk=group_id)
    today = timezone.localdate()
    first = q.start or today - datetime.timedelta(days=30)
    last = q.end or today + datetime.timedelta(weeks=selectors.HORIZON_WEEKS)
    last = min(last, today + datetime.timedelta(days=MAX_AHEAD_DAYS))
    services.group_sessions_generate(
        group=group,
        until=max(last, today + datetime.timedelta(weeks=selectors.HORIZON_WEEKS)),
        actor=request.user,
    )
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min)
    )
    return [
        _session_out(s)
        for s in selectors.group_session_list(group=group, start=start, end=end, limit=500)
    ]


@groups_router.patch(
    "/{group_id}/sessions/{session_id}",
    response={200: SessionOut, 403: Error, 404: Error, 422: Error},
    summary="Move or cancel one session",
)
def update_session(request, group_id: UUID, session_id: UUID, payload: SessionPatch):
    """`cancel_reason`: cancel it; otherwise `starts_at` (and `duration_minutes`) move it. The
    other sessions stay as they are."""
    member = staff_member(request)
    group = selectors.group_get_for_member(member=member, pk=group_id)
    session = selectors.session_get_for_member(member=member, pk=session_id, for_write=True)
    if session.group_id != group.pk:
        from django.http import Http404

        raise Http404
    if payload.cancel_reason is not None:
        session = services.session_cancel(
            member=member, session=session, reason=payload.cancel_reason
        )
    else:
        session = services.session_move(
            member=member,
            session=session,
            starts_at=payload.starts_at,
            duration_minutes=payload.duration_minutes,
        )
    return _session_out(session)


def _attendance(request, session) -> dict:
    member = request.member
    roster = selectors.session_roster(session=session, member=member)
    services.attendance_viewed(
        member=member, participants=selectors.named_participants(roster), target=session
    )
    billing = selectors.session_billing(session=session, roster=roster)
    return {
        "session": _session_out(session),
        "attendees": [
            {
                "key": e.key if e.named else "",
                "participant": e.participant.pk if e.named and e.participant else None,
                "name": e.name if e.named else None,
                "enrolled": e.enrolled,
                "present": e.present,
            }
            for e in roster
        ],
        "anonymous_count": session.anonymous_count,
        "topics": session.topics,
        "notes": session.notes,
        "billing": {
            "code": GROUP_PROCEDURE_CODE,
            "modifier": GROUP_MODIFIER,
            "units_per_participant": session.billable_units if billing.lines else 0,
            "total_units": billing.total_units,
            "lines": [
                {
                    "participant": line.participant.pk if line.named else None,
                    "record_number": line.participant.record_number,
                    "service_date": line.service_date,
                    "code": line.code,
                    "modifier": line.modifier,
                    "minutes": line.minutes,
                    "units": line.units,
                    "rendering_peer": line.rendering_peer,
                }
                for line in billing.lines
            ],
            "reason": billing.reason,
        },
    }


@sessions_router.get(
    "/{session_id}/attendance",
    response={200: AttendanceOut, 403: Error, 404: Error},
    summary="Who came to a session, and its claim lines",
)
def get_attendance(request, session_id: UUID):
    session = selectors.session_get_for_member(member=staff_member(request), pk=session_id)
    return _attendance(request, session)


@sessions_router.put(
    "/{session_id}/attendance",
    response={200: AttendanceOut, 403: Error, 404: Error, 422: Error},
    summary="Record who came to a session",
)
def put_attendance(request, session_id: UUID, payload: AttendanceIn):
    """`present`: the keys (from GET) of everyone on the list who came; the others are recorded
    as not there. `walk_ins`: people not on the list, each a participant id or a name.
    Facilitators, supervisors and organization admins only (403 for other peers)."""
    member = staff_member(request)
    session = selectors.session_get_for_member(member=member, pk=session_id, for_write=True)
    walk_ins = [
        (
            participant_get_for_member(member=member, pk=w.participant) if w.participant else None,
            w.name,
        )
        for w in payload.walk_ins
    ]
    from django.db import transaction

    with transaction.atomic():
        session = services.attendance_record(
            member=member,
            session=session,
            present=payload.present,
            anonymous_count=payload.anonymous_count,
            duration_minutes=payload.duration_minutes,
            topics=payload.topics,
            notes=payload.notes,
        )
        for participant, name in walk_ins:
            services.walk_in_add(member=member, session=session, participant=participant, name=name)
    session = selectors.session_get_for_member(member=member, pk=session_id)
    return _attendance(request, session)
