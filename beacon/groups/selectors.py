"""Reads of groups, sessions and attendance, always through the caller's visibility.

The roster of a session (who is enrolled, who walked in, who came) is built in a fixed number
of queries, so the attendance page costs the same for 5 people or 50.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from beacon.core.access import load_child, load_visible
from beacon.groups.models import (
    GROUP_MODIFIER,
    GROUP_PROCEDURE_CODE,
    Attendance,
    CalendarFeed,
    Group,
    GroupEnrollment,
    GroupSession,
    hash_feed_token,
)
from beacon.groups.permissions import (
    can_manage_group,
    can_manage_session,
    groups_visible_to,
    sees_whole_roster,
    sessions_visible_to,
)
from beacon.organizations.models import Membership, Role
from beacon.participants.models import Participant
from beacon.participants.permissions import participants_visible_to

# Sessions exist this far ahead (extended when a group is viewed, or by a service call).
HORIZON_WEEKS = 8
MAX_PAGE = 200


def _with_people(qs: QuerySet[Group]) -> QuerySet[Group]:
    return qs.prefetch_related("facilitators")


def group_list(*, member: Membership, include_inactive: bool = False) -> list[Group]:
    """The organization's groups with their facilitators, how many are enrolled and when the
    next session is: 2 queries."""
    qs = groups_visible_to(member)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    next_session = (
        GroupSession.objects.filter(
            group=OuterRef("pk"), starts_at__gte=timezone.now(), cancelled_at__isnull=True
        )
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    qs = qs.annotate(
        enrolled_count=Count("enrollments", filter=Q(enrollments__ended_at__isnull=True)),
        next_session_at=Subquery(next_session),
    )
    return list(_with_people(qs).order_by("name", "pk")[:MAX_PAGE])


def group_get_for_member(*, member: Membership, pk, for_write: bool = False) -> Group:
    """One group of the member's organization (404 otherwise); 403 when asked for writing by
    someone who does not run it."""
    return load_visible(
        member=member,
        visible=_with_people(groups_visible_to(member).select_related("organization")),
        pk=pk,
        for_write=for_write,
        can_write=can_manage_group,
    )


def session_get_for_member(*, member: Membership, pk, for_write: bool = False) -> GroupSession:
    return load_visible(
        member=member,
        visible=sessions_visible_to(member)
        .select_related("group", "group__organization", "organization", "recorded_by")
        .prefetch_related("group__facilitators", "facilitators"),
        pk=pk,
        for_write=for_write,
        can_write=can_manage_session,
    )


def group_session_list(
    *,
    group: Group,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    newest_first: bool = False,
    limit: int = MAX_PAGE,
) -> list[GroupSession]:
    """A group's sessions between `start` and `end` with how many came: one query."""
    qs = group.sessions.all()
    if start is not None:
        qs = qs.filter(starts_at__gte=start)
    if end is not None:
        qs = qs.filter(starts_at__lt=end)
    qs = qs.annotate(
        present_count=Count("attendance", filter=Q(attendance__present=True))
    ).order_by(*(["-starts_at", "-pk"] if newest_first else ["starts_at", "pk"]))
    return list(qs[:limit])


def enrollment_get(*, member: Membership, group: Group, participant_id) -> GroupEnrollment:
    """The current enrolment of a participant in a group the caller already loaded (404
    otherwise; a participant names no enrolment outside the group, so nothing is audited)."""
    return load_child(
        member=member,
        parent=group,
        children=group.enrollments.select_related("participant", "group"),
        participant_id=participant_id,
        ended_at__isnull=True,
    )


def facilitator_choices(*, member: Membership) -> list[tuple[str, str]]:
    """The organization's active staff, who may facilitate a group."""
    return [
        (str(m.user_id), f"{m.user.name} ({m.get_role_display()})")
        for m in Membership.objects.filter(
            organization_id=member.organization_id,
            is_active=True,
            role__in=[Role.PEER, Role.SUPERVISOR, Role.ORG_ADMIN],
        )
        .select_related("user")
        .order_by("user__name", "pk")
    ]


def current_enrollments(*, group: Group) -> list[GroupEnrollment]:
    return list(
        group.enrollments.filter(ended_at__isnull=True)
        .select_related("participant")
        .order_by("participant__given_name", "participant__family_name", "pk")
    )


@dataclass
class RosterEntry:
    """One tap target on the attendance page."""

    key: str  # the participant's id, or "walkin-<attendance id>" for a name-only walk-in
    participant: Participant | None
    name: str  # shown only when `named`
    enrolled: bool
    present: bool
    attendance: Attendance | None
    named: bool = True  # False: the caller may not see this participant's name

    @property
    def is_walk_in(self) -> bool:
        return not self.enrolled


def session_roster(*, session: GroupSession, member: Membership | None = None) -> list[RosterEntry]:
    """Everyone enrolled in the group (now, or when they came) and every walk-in, with whether
    they came. With `member`, names the member may not see are hidden (`named=False`).
    Three queries (four with `member` when they see only part of the roster)."""
    rows = list(session.attendance.select_related("participant").order_by("created_at", "pk"))
    by_participant = {a.participant_id: a for a in rows if a.participant_id}
    entries: list[RosterEntry] = []
    seen: set = set()
    # Enrolment ends are kept, so a past session shows who was enrolled then.
    enrolled_q = Q(ended_at__isnull=True)
    if session.is_held:
        enrolled_q |= Q(ended_at__gt=session.starts_at, created_at__lte=session.ends_at)
    for enrollment in (
        session.group.enrollments.filter(enrolled_q)
        .select_related("participant")
        .order_by("participant__given_name", "participant__family_name", "pk")
    ):
        participant = enrollment.participant
        if participant.pk in seen:
            continue
        seen.add(participant.pk)
        attendance = by_participant.get(participant.pk)
        entries.append(
            RosterEntry(
                key=str(participant.pk),
                participant=participant,
                name=participant.display_name,
                enrolled=True,
                present=bool(attendance and attendance.present),
                attendance=attendance,
            )
        )
    for attendance in rows:
        if attendance.participant_id and attendance.participant_id in seen:
            continue
        participant = attendance.participant
        entries.append(
            RosterEntry(
                key=str(participant.pk) if participant else f"walkin-{attendance.pk}",
                participant=participant,
                name=participant.display_name if participant else attendance.name,
                enrolled=attendance.enrolled,
                present=attendance.present,
                attendance=attendance,
            )
        )
    if member is not None and not sees_whole_roster(member, session.group):
        visible = set(
            participants_visible_to(member)
            .filter(pk__in=[e.participant.pk for e in entries if e.participant])
            .values_list("pk", flat=True)
        )
        for entry in entries:
            if entry.participant is None or entry.participant.pk not in visible:
                entry.named = False
    return entries


def named_participants(entries: list[RosterEntry]) -> list[Participant]:
    """The participants whose names a page shows (their reads are audited)."""
    return [e.participant for e in entries if e.named and e.participant is not None]


def group_roster(*, group: Group, member: Membership) -> tuple[list[GroupEnrollment], int]:
    """The current enrolments the member may see by name, and how many others there are."""
    enrollments = current_enrollments(group=group)
    if sees_whole_roster(member, group):
        return enrollments, 0
    visible = set(
        participants_visible_to(member)
        .filter(pk__in=[e.participant_id for e in enrollments])
        .values_list("pk", flat=True)
    )
    shown = [e for e in enrollments if e.participant_id in visible]
    return shown, len(enrollments) - len(shown)


def participants_to_enroll(*, member: Membership, group: Group) -> QuerySet[Participant]:
    """Active participants the member may see and who are not enrolled in the group now."""
    return (
        participants_visible_to(member)
        .filter(discharged_on__isnull=True)
        .exclude(
            pk__in=GroupEnrollment.objects.filter(group=group, ended_at__isnull=True).values(
                "participant_id"
            )
        )
        .order_by("given_name", "family_name", "pk")
    )


def participants_for_walk_in(*, member: Membership, session: GroupSession) -> QuerySet[Participant]:
    """Participants the member may see who are not on this session's list yet."""
    return (
        participants_visible_to(member)
        .filter(discharged_on__isnull=True)
        .exclude(
            pk__in=GroupEnrollment.objects.filter(
                group_id=session.group_id, ended_at__isnull=True
            ).values("participant_id")
        )
        .exclude(
            pk__in=session.attendance.filter(participant__isnull=False).values("participant_id")
        )
        .order_by("given_name", "family_name", "pk")
    )


# Billing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimLine:
    participant: Participant
    named: bool
    service_date: datetime.date
    code: str
    modifier: str
    units: int
    minutes: int
    rendering_peer: str  # the facilitating peer's name


@dataclass(frozen=True)
class SessionBilling:
    lines: list[ClaimLine]
    # Why there are no lines when there are none (not held, no peer facilitated, nobody came).
    reason: str = ""

    @property
    def total_units(self) -> int:
        return sum(line.units for line in self.lines)


def rendering_peer(*, session: GroupSession):
    """The facilitator who renders the service: the first (by name) who holds the peer role in
    the organization. H0038 is a peer service: without a peer facilitating there is no claim."""
    facilitators = list(session.facilitators.all()) if session.is_held else []
    if not facilitators:
        facilitators = list(session.group.facilitators.all())
    peers = set(
        Membership.objects.filter(
            organization_id=session.organization_id,
            role=Role.PEER,
            is_active=True,
            user__in=[u.pk for u in facilitators],
        ).values_list("user_id", flat=True)
    )
    for user in sorted(facilitators, key=lambda u: (u.name, str(u.pk))):
        if user.pk in peers:
            return user
    return None


def session_billing(*, session: GroupSession, roster: list[RosterEntry]) -> SessionBilling:
    """H0038 with HQ: one claim line per enrolled participant who came to a held session, each
    with the units the session's duration gives under the organization's rule (computed when
    attendance was recorded). One query (the facilitators are prefetched)."""
    from django.utils.translation import gettext as _

    if session.is_cancelled:
        return SessionBilling([], _("The session was cancelled."))
    if not session.is_held:
        return SessionBilling([], _("Attendance has not been recorded yet."))
    peer = rendering_peer(session=session)
    if peer is None:
        return SessionBilling(
            [], _("No facilitator holds the peer specialist role, so H0038 does not apply.")
        )
    day = timezone.localdate(session.starts_at)
    lines = [
        ClaimLine(
            participant=entry.participant,
            named=entry.named,
            service_date=day,
            code=GROUP_PROCEDURE_CODE,
            modifier=GROUP_MODIFIER,
            units=session.billable_units,
            minutes=session.duration_minutes,
            rendering_peer=peer.name,
        )
        for entry in roster
        if entry.present and entry.enrolled and entry.participant is not None
    ]
    if not lines:
        return SessionBilling([], _("No enrolled participant came."))
    if not session.billable_units:
        return SessionBilling([], _("The session was too short for a billable unit."))
    return SessionBilling(lines)


# My day and the calendar --------------------------------------------------------------------


def _facilitated_by(user_id) -> Q:
    """Sessions this person facilitates: named on a held session, or on the group before."""
    return Q(facilitators__pk=user_id) | Q(
        attendance_recorded_at__isnull=True, group__facilitators__pk=user_id
    )


def sessions_facilitated(
    *, member: Membership, start: datetime.datetime, end: datetime.datetime
) -> QuerySet[GroupSession]:
    ids = (
        sessions_visible_to(member)
        .filter(_facilitated_by(member.user_id), starts_at__gte=start, starts_at__lt=end)
        .values("pk")
    )
    return (
        GroupSession.objects.filter(pk__in=ids, group__is_active=True)
        .select_related("group")
        .order_by("starts_at", "pk")
    )


def sessions_today(*, member: Membership, today: datetime.date) -> list[GroupSession]:
    """The sessions the member facilitates today (My day), cancelled ones too: one query."""
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    return list(
        sessions_facilitated(member=member, start=start, end=start + datetime.timedelta(days=1))
    )


def calendar_feed_active(*, member: Membership) -> CalendarFeed | None:
    return member.calendar_feeds.filter(revoked_at__isnull=True).first()


def calendar_feed_by_token(*, token: str) -> CalendarFeed | None:
    """The active feed with this token whose owner still works in the organization, or None."""
    if not token or len(token) > 200:
        return None
    return (
        CalendarFeed.objects.filter(
            token_hash=hash_feed_token(token),
            revoked_at__isnull=True,
            membership__is_active=True,
            membership__role__in=[Role.PEER, Role.SUPERVISOR, Role.ORG_ADMIN],
        )
        .select_related("membership", "membership__organization", "membership__user")
        .first()
    )


def groups_to_extend(*, member: Membership) -> QuerySet[Group]:
    return groups_visible_to(member).filter(is_active=True)
