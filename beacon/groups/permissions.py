"""Who may see and run support groups (docs/permissions.md, docs/groups.md).

* Groups and their sessions (name, schedule, place, counts) are the organization's programme:
  every active staff member of the organization sees them; anyone else gets 404.
* Names on a group's roster and attendance: supervisors, organization admins and the group's
  facilitators see every name (they run the group); other peers see only the names of
  participants they may see anyway (participants_visible_to), the rest as a count.
* Running a group (schedule, enrolment, moving or cancelling a session) and recording
  attendance: supervisors, organization admins and the group's facilitators. A peer who does
  not facilitate reads, and gets 403 when trying to write.
"""

from __future__ import annotations

from django.db.models import QuerySet

from beacon.groups.models import Attendance, Group, GroupSession
from beacon.organizations.models import Membership
from beacon.participants.permissions import SEES_WHOLE_ORGANIZATION, STAFF


def _staff(member: Membership | None) -> bool:
    return member is not None and member.is_active and member.role in STAFF


def groups_visible_to(member: Membership | None) -> QuerySet[Group]:
    if not _staff(member):
        return Group.objects.none()
    return Group.objects.filter(organization_id=member.organization_id)


def sessions_visible_to(member: Membership | None) -> QuerySet[GroupSession]:
    if not _staff(member):
        return GroupSession.objects.none()
    return GroupSession.objects.filter(organization_id=member.organization_id)


def attendance_visible_to(member: Membership | None) -> QuerySet[Attendance]:
    if not _staff(member):
        return Attendance.objects.none()
    return Attendance.objects.filter(session__organization_id=member.organization_id)


def is_facilitator(member: Membership | None, group: Group) -> bool:
    if member is None:
        return False
    # The prefetched set when there is one (pages prefetch it), so no query per call.
    cache = getattr(group, "_prefetched_objects_cache", {})
    if "facilitators" in cache:
        return any(u.pk == member.user_id for u in cache["facilitators"])
    return group.facilitators.filter(pk=member.user_id).exists()


def can_create_group(member: Membership | None) -> bool:
    return _staff(member)


def can_manage_group(member: Membership | None, group: Group) -> bool:
    """Change the schedule, facilitators and enrolment; move or cancel a session."""
    if not _staff(member) or group.organization_id != member.organization_id:
        return False
    return member.role in SEES_WHOLE_ORGANIZATION or is_facilitator(member, group)


def can_record_attendance(member: Membership | None, session: GroupSession) -> bool:
    return can_manage_group(member, session.group)


def sees_whole_roster(member: Membership | None, group: Group) -> bool:
    """Whether every name on the roster is shown (otherwise only participants they may see)."""
    return can_manage_group(member, group)


def can_manage_session(member: Membership | None, session: GroupSession) -> bool:
    return can_manage_group(member, session.group)


def has_calendar_feed(member: Membership | None) -> bool:
    return _staff(member)
