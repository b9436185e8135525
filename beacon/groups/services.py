"""Writes about support groups: groups and their schedules, sessions (generated, moved,
cancelled), enrolment, attendance, and the private calendar feed. Each is audited; the audit
trail names participants by id only, never by name, and never holds session notes.

Schedules are expanded with dateutil's rrule in the server's local time (settings.TIME_ZONE),
so a 6 pm group stays at 6 pm across daylight-saving changes.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from typing import Any

from dateutil.rrule import WEEKLY, rrule
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beacon.audit import reads
from beacon.audit.services import record_event
from beacon.encounters.services import billable_units
from beacon.groups.models import (
    Attendance,
    CalendarFeed,
    Group,
    GroupEnrollment,
    GroupKind,
    GroupSession,
    hash_feed_token,
)
from beacon.groups.permissions import (
    can_create_group,
    can_manage_group,
    can_manage_session,
    can_record_attendance,
    has_calendar_feed,
)
from beacon.groups.selectors import HORIZON_WEEKS, RosterEntry, session_roster
from beacon.organizations.models import Membership, Role
from beacon.participants.models import Participant, RecoveryPathway
from beacon.participants.permissions import participants_visible_to
from beacon.participants.services import participants_came_to_group

SCHEDULE_FIELDS = (
    "weekdays",
    "start_time",
    "duration_minutes",
    "interval_weeks",
    "starts_on",
    "ends_on",
)
EDITABLE_FIELDS = (
    "name",
    "kind",
    "pathway",
    "description",
    "location",
    "video_url",
    *SCHEDULE_FIELDS,
)
MAX_TOPICS = 10
FEED_PREFIX = "cal_"
# billable_units() is the encounters' H0038 rule; a group session is never an "attempt".
GROUP_UNITS_KIND = "group"


def _local(day: datetime.date, at: datetime.time = datetime.time.min) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, at))


def _clean_group(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalize the group's values present in `values`; every problem at once."""
    errors: dict[str, str] = {}
    cleaned = dict(values)
    if "name" in values:
        cleaned["name"] = (values["name"] or "").strip()
        if not cleaned["name"]:
            errors["name"] = _("Give the group a name.")
        elif len(cleaned["name"]) > 200:
            errors["name"] = _("Keep the name under 200 characters.")
    if "kind" in values and values["kind"] not in GroupKind.values:
        errors["kind"] = _("Choose what kind of group it is from the list.")
    if "pathway" in values:
        cleaned["pathway"] = values["pathway"] or ""
        if cleaned["pathway"] and cleaned["pathway"] not in RecoveryPathway.values:
            errors["pathway"] = _("Choose the pathway from the list.")
    for field in ("description", "location"):
        if field in values:
            cleaned[field] = (values[field] or "").strip()
    if "location" in cleaned and len(cleaned["location"]) > 300:
        errors["location"] = _("Keep the place under 300 characters.")
    if "video_url" in values:
        cleaned["video_url"] = (values["video_url"] or "").strip()
        if cleaned["video_url"]:
            try:
                URLValidator(schemes=["https", "http"])(cleaned["video_url"])
            except ValidationError:
                errors["video_url"] = _(
                    "Enter the full video link, starting with https:// (for example "
                    "https://meet.example.org/our-group)."
                )
    if "weekdays" in values:
        try:
            days = sorted({int(d) for d in values["weekdays"] or []})
        except (TypeError, ValueError):
            days = [-1]
        if not days:
            errors["weekdays"] = _("Choose at least one day of the week.")
        elif not all(0 <= d <= 6 for d in days):
            errors["weekdays"] = _("Days of the week are 0 (Monday) to 6 (Sunday).")
        cleaned["weekdays"] = days
    if "start_time" in values and not isinstance(values["start_time"], datetime.time):
        errors["start_time"] = _("Enter the time the group starts, for example 18:30.")
    if "duration_minutes" in values:
        minutes = values["duration_minutes"]
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 5 <= minutes <= 720:
            errors["duration_minutes"] = _("Enter how long it lasts: 5 to 720 minutes.")
    if "interval_weeks" in values:
        weeks = values["interval_weeks"]
        if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= 8:
            errors["interval_weeks"] = _("Enter every how many weeks it meets: 1 to 8.")
    if "starts_on" in values and not isinstance(values["starts_on"], datetime.date):
        errors["starts_on"] = _("Enter the first day of the group.")
    ends_on = values.get("ends_on")
    if ends_on is not None and not isinstance(ends_on, datetime.date):
        errors["ends_on"] = _("Enter the last day as a date, or leave it empty.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _date_problems(values: dict[str, Any]) -> dict[str, str]:
    """The rules between fields, on those of `values` that are there and readable."""
    errors = {}
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    if (
        isinstance(starts_on, datetime.date)
        and isinstance(ends_on, datetime.date)
        and ends_on < starts_on
    ):
        errors["ends_on"] = _("The last day cannot be before the first day.")
    if values.get("kind") == GroupKind.PATHWAY and "pathway" in values and not values["pathway"]:
        errors["pathway"] = _("Choose the pathway this group is for.")
    return errors


def _check_dates(group: Group) -> None:
    errors = _date_problems(
        {f: getattr(group, f) for f in ("starts_on", "ends_on", "kind", "pathway")}
    )
    if errors:
        raise ValidationError(errors)


def group_problems(**values: Any) -> dict[str, list[str]]:
    """Every problem group_create would name in the values given (any of them), without
    saving anything: a form shows them with its own errors, all at once
    (beacon.core.forms.add_problems)."""
    try:
        _clean_group(values)
        errors: dict[str, list[str]] = {}
    except ValidationError as exc:
        errors = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    for field, message in _date_problems(values).items():
        errors.setdefault(field, [str(message)])
    return errors


def _facilitator_users(member: Membership, facilitators: Iterable) -> list:
    """Active staff of the organization, given as users or user ids."""
    ids = {getattr(f, "pk", f) for f in facilitators or []}
    if not ids:
        raise ValidationError({"facilitators": _("Choose at least one facilitator.")})
    memberships = list(
        Membership.objects.filter(
            organization_id=member.organization_id,
            is_active=True,
            role__in=[Role.PEER, Role.SUPERVISOR, Role.ORG_ADMIN],
            user_id__in=[str(i) for i in ids],
        ).select_related("user")
    )
    if len(memberships) != len(ids):
        raise ValidationError(
            {"facilitators": _("Facilitators must be active staff of your organization.")}
        )
    return [m.user for m in memberships]


def group_create(
    *,
    member: Membership,
    name: str,
    kind: str,
    weekdays: Iterable[int],
    start_time: datetime.time,
    duration_minutes: int,
    starts_on: datetime.date,
    facilitators: Iterable,
    interval_weeks: int = 1,
    ends_on: datetime.date | None = None,
    pathway: str = "",
    description: str = "",
    location: str = "",
    video_url: str = "",
) -> Group:
    """Create a group with its schedule and generate its sessions up to the horizon."""
    if not can_create_group(member):
        raise PermissionDenied
    given = {
        "name": name,
        "kind": kind,
        "pathway": pathway,
        "description": description,
        "location": location,
        "video_url": video_url,
        "weekdays": list(weekdays or []),
        "start_time": start_time,
        "duration_minutes": duration_minutes,
        "interval_weeks": interval_weeks,
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    problems = group_problems(**given)
    if problems:
        raise ValidationError(problems)
    values = _clean_group(given)
    users = _facilitator_users(member, facilitators)
    group = Group(
        organization=member.organization,
        created_by=member.user,
        schedule_from=_local(values["starts_on"]),
        **values,
    )
    _check_dates(group)
    group.full_clean()
    with transaction.atomic():
        group.save()
        group.facilitators.set(users)
        record_event(
            action="group.created",
            actor=member.user,
            organization=member.organization,
            target=group,
            details={
                "name": group.name,
                "kind": group.kind,
                "facilitators": [str(u.pk) for u in users],
                "schedule": _schedule_details(group),
            },
        )
        group_sessions_generate(group=group, actor=member.user)
    return group


def _schedule_details(group: Group) -> dict[str, Any]:
    return {
        "weekdays": group.weekdays,
        "start_time": group.start_time.strftime("%H:%M"),
        "duration_minutes": group.duration_minutes,
        "interval_weeks": group.interval_weeks,
        "starts_on": group.starts_on.isoformat(),
        "ends_on": group.ends_on.isoformat() if group.ends_on else None,
    }


def group_update(
    *,
    member: Membership,
    group: Group,
    expected_version: int,
    facilitators: Iterable | None = None,
    **changes: Any,
) -> Group:
    """Change a group. A change of schedule replaces only sessions still to come that nobody
    touched (not moved, cancelled or recorded); everything else stays as it is.

    Raises StaleVersion when someone saved since `expected_version` (409 in the API)."""
    from beacon.core.concurrency import StaleVersion, save_versioned

    unknown = set(changes) - set(EDITABLE_FIELDS) - {"is_active"}
    if unknown:
        raise ValueError(f"Not an editable field: {', '.join(sorted(unknown))}")
    if not can_manage_group(member, group):
        raise PermissionDenied
    values = _clean_group({k: v for k, v in changes.items() if k != "is_active"})
    if "is_active" in changes:
        values["is_active"] = bool(changes["is_active"])
    users = _facilitator_users(member, facilitators) if facilitators is not None else None
    with transaction.atomic():
        current = Group.objects.select_for_update().get(pk=group.pk)
        if current.version != expected_version:
            raise StaleVersion(current, expected_version)
        changed = {f: v for f, v in values.items() if getattr(current, f) != v}
        before_facilitators = set(current.facilitators.values_list("pk", flat=True))
        facilitators_changed = users is not None and {u.pk for u in users} != before_facilitators
        if not changed and not facilitators_changed:
            return current
        before_schedule = _schedule_details(current)
        for field, value in changed.items():
            setattr(current, field, value)
        _check_dates(current)
        schedule_changed = any(f in SCHEDULE_FIELDS for f in changed)
        removed = 0
        fields = list(changed)
        if schedule_changed:
            now = timezone.now()
            current.schedule_from = max(now, _local(current.starts_on))
            current.generated_until = None
            fields += ["schedule_from", "generated_until"]
            removed = _untouched_future(current, now).count()
            _untouched_future(current, now).delete()
        current.full_clean()
        if fields:
            save_versioned(current, expected_version=expected_version, fields=fields)
        if facilitators_changed:
            current.facilitators.set(users)
            if not fields:
                save_versioned(current, expected_version=expected_version, fields=[])
        details: dict[str, Any] = {
            "changed": sorted(
                [f for f in changed if f != "description"]
                + (["facilitators"] if facilitators_changed else [])
            )
        }
        if schedule_changed:
            details["schedule"] = {"old": before_schedule, "new": _schedule_details(current)}
            details["sessions_replaced"] = removed
        if facilitators_changed:
            details["facilitators"] = [str(u.pk) for u in users]
        record_event(
            action="group.updated",
            actor=member.user,
            organization=current.organization,
            target=current,
            details=details,
        )
        if schedule_changed:
            group_sessions_generate(group=current, actor=member.user)
    current.refresh_from_db()
    return current


def _untouched_future(group: Group, now: datetime.datetime):
    """Sessions still to come that hold nothing anyone did: safe to replace."""
    return group.sessions.filter(
        starts_at__gte=now,
        moved_at__isnull=True,
        cancelled_at__isnull=True,
        attendance_recorded_at__isnull=True,
        notes="",
        topics=[],
    )


# How far back a schedule's sessions are made (see _occurrences).
HISTORY_WEEKS = 52


def _occurrences(group: Group, until: datetime.date) -> list[datetime.datetime]:
    """The schedule's occurrences from `group.schedule_from` up to the end of `until`, aware."""
    last = min(until, group.ends_on) if group.ends_on else until
    if last < group.starts_on or not group.weekdays:
        return []
    tz = timezone.get_current_timezone()
    rule = rrule(
        WEEKLY,
        interval=group.interval_weeks,
        byweekday=list(group.weekdays),
        dtstart=datetime.datetime.combine(group.starts_on, group.start_time),
        until=datetime.datetime.combine(last, datetime.time.max),
    )
    after = timezone.localtime(group.schedule_from, tz).replace(tzinfo=None)
    # Sessions are made from at most HISTORY_WEEKS ago: a group whose first day was years back
    # (typed so, or sent so through the API) does not get thousands of past sessions in one
    # request; the attendance anyone records after the fact is of recent weeks.
    earliest = datetime.datetime.combine(
        timezone.localdate() - datetime.timedelta(weeks=HISTORY_WEEKS), datetime.time.min
    )
    after = max(after, earliest)
    return [
        timezone.make_aware(naive, tz)
        for naive in rule.between(
            after, datetime.datetime.combine(last, datetime.time.max), inc=True
        )
    ]


def group_sessions_generate(*, group: Group, until: datetime.date | None = None, actor=None) -> int:
    """Make sure every occurrence of the schedule up to `until` (default: today plus the
    horizon) has its session. Idempotent: an occurrence with a session (even a moved or
    cancelled one) gets no second one. Returns how many were created."""
    until = until or timezone.localdate() + datetime.timedelta(weeks=HORIZON_WEEKS)
    if not group.is_active or (group.generated_until and group.generated_until >= until):
        return 0
    occurrences = _occurrences(group, until)
    with transaction.atomic():
        existing = set(
            group.sessions.filter(occurrence__in=occurrences).values_list("occurrence", flat=True)
        )
        new = [
            GroupSession(
                group=group,
                organization_id=group.organization_id,
                occurrence=at,
                starts_at=at,
                duration_minutes=group.duration_minutes,
            )
            for at in occurrences
            if at not in existing
        ]
        # Two people opening the group at once both generate: the unique occurrence wins.
        GroupSession.objects.bulk_create(new, ignore_conflicts=True)
        Group.objects.filter(pk=group.pk).update(generated_until=until)
        group.generated_until = until
        if new:
            record_event(
                action="group.sessions_generated",
                actor=actor,
                organization=group.organization,
                target=group,
                details={"count": len(new), "until": until.isoformat()},
            )
    return len(new)


def groups_sessions_extend(*, groups: Iterable[Group], actor=None) -> int:
    """Extend every given group's sessions to the horizon (cheap when already there)."""
    until = timezone.localdate() + datetime.timedelta(weeks=HORIZON_WEEKS)
    return sum(
        group_sessions_generate(group=g, until=until, actor=actor)
        for g in groups
        if not g.generated_until or g.generated_until < until
    )


# Sessions -----------------------------------------------------------------------------------


def _lock_session(session: GroupSession) -> GroupSession:
    return GroupSession.objects.select_for_update().get(pk=session.pk)


def session_move(
    *,
    member: Membership,
    session: GroupSession,
    starts_at: datetime.datetime,
    duration_minutes: int | None = None,
) -> GroupSession:
    """Move one session to a new start (and length); the others stay where they are."""
    if not can_manage_session(member, session):
        raise PermissionDenied
    if not isinstance(starts_at, datetime.datetime):
        raise ValidationError({"starts_at": _("Enter the new date and time.")})
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    minutes = session.duration_minutes if duration_minutes is None else duration_minutes
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 5 <= minutes <= 720:
        raise ValidationError({"duration_minutes": _("Enter how long it lasts: 5 to 720 minutes.")})
    with transaction.atomic():
        current = _lock_session(session)
        if current.is_cancelled:
            raise ValidationError(
                {"starts_at": _("This session was cancelled; it cannot be moved.")}
            )
        if current.attendance_recorded_at:
            raise ValidationError(
                {"starts_at": _("Attendance is recorded: this session was held where it was.")}
            )
        before = current.starts_at
        current.starts_at = starts_at
        current.duration_minutes = minutes
        current.moved_at = timezone.now()
        current.version += 1
        current.save(
            update_fields=["starts_at", "duration_minutes", "moved_at", "version", "updated_at"]
        )
        record_event(
            action="group_session.moved",
            actor=member.user,
            organization=member.organization,
            target=current,
            details={
                "group": str(current.group_id),
                "from": before.isoformat(),
                "to": starts_at.isoformat(),
                "minutes": minutes,
            },
        )
    return current


def session_cancel(*, member: Membership, session: GroupSession, reason: str) -> GroupSession:
    """Cancel one session, saying why; the others stay on."""
    if not can_manage_session(member, session):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why it is cancelled (for example: facilitator ill, holiday).")}
        )
    if len(reason) > 300:
        raise ValidationError({"reason": _("Keep the reason under 300 characters.")})
    with transaction.atomic():
        current = _lock_session(session)
        if current.is_cancelled:
            return current
        if current.attendance_recorded_at:
            raise ValidationError(
                {"reason": _("Attendance is recorded: this session was held, so it stays.")}
            )
        current.cancelled_at = timezone.now()
        current.cancel_reason = reason
        current.version += 1
        current.save(update_fields=["cancelled_at", "cancel_reason", "version", "updated_at"])
        record_event(
            action="group_session.cancelled",
            actor=member.user,
            organization=member.organization,
            target=current,
            details={"group": str(current.group_id), "reason": reason},
        )
    return current


# Enrolment ----------------------------------------------------------------------------------


def group_enroll(*, member: Membership, group: Group, participant: Participant) -> GroupEnrollment:
    """Enrol a participant the member may see in a group they run."""
    if not can_manage_group(member, group):
        raise PermissionDenied
    if not participants_visible_to(member).filter(pk=participant.pk).exists():
        raise ValidationError({"participant": _("Choose a participant from the list.")})
    if participant.discharged_on is not None:
        raise ValidationError(
            {"participant": _("This participant is discharged; enrol them again first.")}
        )
    with transaction.atomic():
        if group.enrollments.filter(participant=participant, ended_at__isnull=True).exists():
            raise ValidationError(
                {
                    "participant": _("%(name)s is already in this group.")
                    % {"name": participant.display_name}
                }
            )
        enrollment = GroupEnrollment.objects.create(
            group=group, participant=participant, enrolled_by=member.user
        )
        record_event(
            action="group.enrolled",
            actor=member.user,
            organization=member.organization,
            target=group,
            details={"participant": str(participant.pk)},
        )
    return enrollment


def group_enrollment_end(*, member: Membership, enrollment: GroupEnrollment) -> GroupEnrollment:
    if not can_manage_group(member, enrollment.group):
        raise PermissionDenied
    if enrollment.ended_at is not None:
        return enrollment
    with transaction.atomic():
        enrollment.ended_at = timezone.now()
        enrollment.ended_by = member.user
        enrollment.save(update_fields=["ended_at", "ended_by", "updated_at"])
        record_event(
            action="group.enrollment_ended",
            actor=member.user,
            organization=member.organization,
            target=enrollment.group,
            details={"participant": str(enrollment.participant_id)},
        )
    return enrollment


# Attendance ---------------------------------------------------------------------------------


def _check_recordable(member: Membership, session: GroupSession) -> None:
    if not can_record_attendance(member, session):
        raise PermissionDenied
    if session.is_cancelled:
        raise ValidationError(
            {"present": _("This session was cancelled; there is no attendance to record.")}
        )
    if timezone.localdate(session.starts_at) > timezone.localdate():
        raise ValidationError(
            {"present": _("This session is on a later day: record attendance on the day.")}
        )


def _clean_topics(topics) -> list[str]:
    if isinstance(topics, str):
        topics = topics.split(",")
    cleaned = list(dict.fromkeys(" ".join(str(t).split()) for t in topics or []))
    cleaned = [t for t in cleaned if t]
    if len(cleaned) > MAX_TOPICS or any(len(t) > 100 for t in cleaned):
        raise ValidationError(
            {"topics": _("Up to 10 topics, each under 100 characters, separated by commas.")}
        )
    return cleaned


def attendance_record(
    *,
    member: Membership,
    session: GroupSession,
    present: Iterable[str] | None = None,
    changes: dict[str, bool] | None = None,
    anonymous_count: int | None = None,
    duration_minutes: int | None = None,
    topics: Iterable[str] | str | None = None,
    notes: str | None = None,
) -> GroupSession:
    """Record who came to a session.

    `present`: the keys of everyone on the roster who came (the one-post form: the rest did
    not); `changes`: {key: came?} for some of them (a tap). Keys are participant ids, or
    "walkin-<attendance id>" for name-only walk-ins (selectors.RosterEntry.key). The first
    record marks the session held, fixes who facilitated it, and computes the H0038 units
    from its duration under the organization's rule.
    """
    _check_recordable(member, session)
    errors: dict[str, str] = {}
    if anonymous_count is not None and (
        isinstance(anonymous_count, bool)
        or not isinstance(anonymous_count, int)
        or not 0 <= anonymous_count <= 500
    ):
        errors["anonymous_count"] = _("Enter how many came without giving a name: 0 to 500.")
    if duration_minutes is not None and (
        isinstance(duration_minutes, bool)
        or not isinstance(duration_minutes, int)
        or not 5 <= duration_minutes <= 720
    ):
        errors["duration_minutes"] = _("Enter how long the session lasted: 5 to 720 minutes.")
    if topics is not None:
        try:
            topics = _clean_topics(topics)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _lock_session(session)
        roster = session_roster(session=current)
        by_key = {e.key: e for e in roster}
        wanted: dict[str, bool] = {}
        if present is not None:
            keys = {str(k) for k in present}
            unknown = keys - set(by_key)
            if unknown:
                raise ValidationError(
                    {"present": _("Someone ticked is not on this session's list any more.")}
                )
            wanted = {key: key in keys for key in by_key}
        for key, came in (changes or {}).items():
            if str(key) not in by_key:
                raise ValidationError({"present": _("That person is not on this session's list.")})
            wanted[str(key)] = bool(came)
        _apply(current, roster_by_key=by_key, wanted=wanted, member=member)
        participants_came_to_group(
            participant_ids=current.attendance.filter(present=True).values_list(
                "participant_id", flat=True
            ),
            occurred_at=current.starts_at,
        )
        _mark_held(current, member=member, duration_minutes=duration_minutes)
        fields = ["attendance_recorded_at", "recorded_by", "billable_units", "duration_minutes"]
        if anonymous_count is not None:
            current.anonymous_count = anonymous_count
            fields.append("anonymous_count")
        if topics is not None:
            current.topics = topics
            fields.append("topics")
        if notes is not None:
            current.notes = notes.strip()
            fields.append("notes")
        current.version += 1
        current.save(update_fields=[*fields, "version", "updated_at"])
        _record_attendance_event(member, current, "group_session.attendance_recorded")
    return current


def _apply(
    session: GroupSession,
    *,
    roster_by_key: dict[str, RosterEntry],
    wanted: dict[str, bool],
    member: Membership,
) -> None:
    create, came, left = [], [], []
    for key, value in wanted.items():
        entry = roster_by_key[key]
        if entry.attendance is None:
            if value:
                create.append(
                    Attendance(
                        session=session,
                        participant=entry.participant,
                        enrolled=entry.enrolled,
                        present=True,
                        recorded_by=member.user,
                    )
                )
        elif entry.attendance.present != value:
            (came if value else left).append(entry.attendance.pk)
    if create:
        Attendance.objects.bulk_create(create)
    if came:
        Attendance.objects.filter(pk__in=came).update(present=True, updated_at=timezone.now())
    if left:
        Attendance.objects.filter(pk__in=left).update(present=False, updated_at=timezone.now())


def _mark_held(session: GroupSession, *, member: Membership, duration_minutes=None) -> None:
    if duration_minutes is not None:
        session.duration_minutes = duration_minutes
    if session.attendance_recorded_at is None:
        session.attendance_recorded_at = timezone.now()
        session.recorded_by = member.user
        session.facilitators.set(session.group.facilitators.all())
    session.billable_units = billable_units(
        organization=member.organization,
        minutes=session.duration_minutes,
        kind=GROUP_UNITS_KIND,
    )


def _record_attendance_event(member: Membership, session: GroupSession, action: str) -> None:
    rows = list(session.attendance.filter(present=True).values_list("participant_id", "enrolled"))
    record_event(
        action=action,
        actor=member.user,
        organization=member.organization,
        target=session,
        details={
            "group": str(session.group_id),
            "present": [str(p) for p, _enrolled in rows if p],
            "walk_ins_by_name": sum(1 for p, _enrolled in rows if not p),
            "anonymous": session.anonymous_count,
            "minutes": session.duration_minutes,
            "units": session.billable_units,
        },
    )


def walk_in_add(
    *,
    member: Membership,
    session: GroupSession,
    participant: Participant | None = None,
    name: str = "",
) -> Attendance:
    """Someone who came without being enrolled: a participant the member may see, or a name
    as the person gave it."""
    _check_recordable(member, session)
    name = " ".join((name or "").split())
    if participant is None and not name:
        raise ValidationError(
            {"name": _("Choose a participant from the list or type the name they gave.")}
        )
    if len(name) > 200:
        raise ValidationError({"name": _("Keep the name under 200 characters.")})
    if (
        participant is not None
        and not participants_visible_to(member).filter(pk=participant.pk).exists()
    ):
        raise ValidationError({"participant": _("Choose a participant from the list.")})
    with transaction.atomic():
        current = _lock_session(session)
        if participant is not None:
            enrolled = current.group.enrollments.filter(
                participant=participant, ended_at__isnull=True
            ).exists()
            attendance, created = Attendance.objects.get_or_create(
                session=current,
                participant=participant,
                defaults={"enrolled": enrolled, "recorded_by": member.user},
            )
            if not created and not attendance.present:
                attendance.present = True
                attendance.save(update_fields=["present", "updated_at"])
        else:
            attendance = Attendance.objects.create(
                session=current, name=name, enrolled=False, recorded_by=member.user
            )
        _mark_held(current, member=member)
        current.version += 1
        current.save(
            update_fields=[
                "attendance_recorded_at",
                "recorded_by",
                "billable_units",
                "duration_minutes",
                "version",
                "updated_at",
            ]
        )
        _record_attendance_event(member, current, "group_session.walk_in_added")
    return attendance


def attendance_viewed(*, member: Membership, participants: list[Participant], target) -> None:
    """A page or answer showed these participants' names (a session's attendance, a group's
    roster): one participant.viewed entry each, filed under the participant, in a fixed number
    of queries."""
    reads.note(
        member=member,
        participants=participants,
        seen=f"group_{target._meta.model_name}",
        target=target,
    )


# The calendar feed --------------------------------------------------------------------------


def calendar_feed_create(*, member: Membership) -> tuple[CalendarFeed, str]:
    """A new private calendar address for the member; any earlier one stops working. Returns
    the feed and its token, which is shown once (only a hash is kept)."""
    if not has_calendar_feed(member):
        raise PermissionDenied
    raw = FEED_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        _revoke_active(member)
        feed = CalendarFeed.objects.create(
            membership=member, token_hash=hash_feed_token(raw), prefix=raw[:12]
        )
        record_event(
            action="calendar_feed.created",
            actor=member.user,
            organization=member.organization,
            target=feed,
            details={"prefix": feed.prefix},
        )
    return feed, raw


def _revoke_active(member: Membership) -> int:
    revoked = 0
    for feed in CalendarFeed.objects.select_for_update().filter(
        membership=member, revoked_at__isnull=True
    ):
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at", "updated_at"])
        record_event(
            action="calendar_feed.revoked",
            actor=member.user,
            organization=member.organization,
            target=feed,
            details={"prefix": feed.prefix},
        )
        revoked += 1
    return revoked


def calendar_feed_revoke(*, member: Membership) -> int:
    """Stop the member's calendar address from working (404 from now on)."""
    with transaction.atomic():
        return _revoke_active(member)
