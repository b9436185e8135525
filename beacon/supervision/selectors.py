"""Reads about supervision: sessions, the note review queue, review threads, workload signals.

The review queue is derived, never stored: an encounter needs a review when the organization's
settings say so (one of each peer's first `note_review_first_count` encounters, or any crisis
flag under `note_review_crisis`) and no co-sign holds its current version. A correction after
a co-sign makes a new version, so the note comes back to the queue, marked as corrected.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import (
    RowNumber,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beacon.accounts.models import User
from beacon.core.access import load_visible
from beacon.core.sql import Columns, fetch, instance, param
from beacon.encounters.models import Encounter
from beacon.encounters.weekminutes import (
    MINUTES_PER_DAY,
    offset_stretches,
    to_utc_ranges,
)
from beacon.organizations.models import Membership, Organization, Role
from beacon.participants.models import CaseloadRole
from beacon.supervision.models import NoteCosign, ReviewComment, SupervisionSession
from beacon.supervision.permissions import (
    SUPERVISES,
    can_change_session,
    can_comment,
    reviewable_encounters_for,
    sessions_visible_to,
    supervises,
)

QUEUE_LIMIT = 100


# Sessions ------------------------------------------------------------------------------------


def session_get_for_member(
    *, member: Membership, pk, for_write: bool = False
) -> SupervisionSession:
    """One session the member may see (404 otherwise); 403 when asked for writing by a peer."""
    return load_visible(
        member=member,
        visible=sessions_visible_to(member)
        .select_related("supervisor", "created_by")
        .prefetch_related("peers"),
        pk=pk,
        for_write=for_write,
        can_write=can_change_session,
    )


def session_list(
    *,
    member: Membership,
    peer=None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[SupervisionSession]:
    """Sessions the member may see, newest first; `peer` (a user id) narrows to one peer."""
    qs = sessions_visible_to(member)
    if peer is not None:
        qs = qs.filter(peers=peer)
    if since is not None:
        qs = qs.filter(held_on__gte=since)
    if until is not None:
        qs = qs.filter(held_on__lte=until)
    return (
        qs.select_related("supervisor")
        .prefetch_related("peers")
        .order_by("-held_on", "-created_at", "pk")
    )


def session_peer_choices(*, member: Membership, session: SupervisionSession | None = None):
    """The peers a session may name: the organization's active peers, plus anyone already on
    the session (a peer who has since left stays on the record)."""
    qs = Membership.objects.filter(organization_id=member.organization_id, role=Role.PEER).filter(
        Q(is_active=True) | Q(user_id__in=session.peers.values("pk") if session is not None else [])
    )
    return [m.user for m in qs.select_related("user").order_by("user__name", "user__email")]


def session_supervisor_choices(*, member: Membership):
    """Who may be named as the supervisor: the organization's active supervisors and admins."""
    qs = Membership.objects.filter(
        organization_id=member.organization_id, role__in=SUPERVISES, is_active=True
    ).select_related("user")
    return [m.user for m in qs.order_by("user__name", "user__email")]


# Note review ---------------------------------------------------------------------------------


def _first_notes(organization: Organization) -> QuerySet:
    """Ids of each peer's first `note_review_first_count` encounters in the organization, in
    the order they were logged (only people who are peers there)."""
    peers = Membership.objects.filter(organization_id=organization.pk, role=Role.PEER).values(
        "user_id"
    )
    return (
        Encounter.objects.filter(organization_id=organization.pk, peer_id__in=peers)
        .annotate(
            review_rank=Window(
                RowNumber(),
                partition_by=[F("peer_id")],
                order_by=[F("created_at").asc(), F("id").asc()],
            )
        )
        .filter(review_rank__lte=organization.note_review_first_count)
        .values("pk")
    )


def _cosigned_current() -> Exists:
    return Exists(
        NoteCosign.objects.filter(
            encounter_id=OuterRef("pk"), encounter_version=OuterRef("version")
        )
    )


def notes_needing_review(*, organization: Organization) -> QuerySet[Encounter]:
    """Every encounter of the organization its settings send to review (co-signed or not),
    annotated with `review_first` and `review_crisis`: which rule applies."""
    first_count = organization.note_review_first_count
    crisis = organization.note_review_crisis
    if not first_count and not crisis:
        return Encounter.objects.none().annotate(
            review_first=Value(False, output_field=BooleanField()),
            review_crisis=Value(False, output_field=BooleanField()),
        )
    first = _first_notes(organization) if first_count else None
    rules = Q()
    if first is not None:
        rules |= Q(pk__in=first)
    if crisis:
        rules |= Q(crisis_flag=True)
    qs = Encounter.objects.filter(organization_id=organization.pk).filter(rules)
    return qs.annotate(
        review_first=Case(When(pk__in=first, then=Value(True)), default=Value(False))
        if first is not None
        else Value(False, output_field=BooleanField()),
        review_crisis=Value(bool(crisis), output_field=BooleanField()),
    )


def reviews_pending(*, organization: Organization) -> QuerySet[Encounter]:
    """Notes needing review with no co-sign of their current version. `cosigned_before` marks
    a note co-signed once and corrected since."""
    return (
        notes_needing_review(organization=organization)
        .filter(~_cosigned_current())
        .annotate(cosigned_before=Exists(NoteCosign.objects.filter(encounter_id=OuterRef("pk"))))
    )


@dataclass(frozen=True)
class QueueRow:
    encounter: Encounter
    reasons: list[str]
    corrected_since_cosign: bool
    comments: int


@dataclass(frozen=True)
class ReviewQueue:
    rows: list[QueueRow]
    total: int

    @property
    def hidden(self) -> int:
        return self.total - len(self.rows)


def _reasons(encounter: Encounter) -> list[str]:
    reasons = []
    if encounter.review_first:
        reasons.append(_("One of the peer's first notes"))
    if encounter.review_crisis and encounter.crisis_flag:
        reasons.append(_("Crisis or safety concern"))
    return reasons


def review_queue_qs(*, member: Membership) -> QuerySet[Encounter]:
    """The notes this supervisor or admin may co-sign: pending, and not their own."""
    if not supervises(member):
        return Encounter.objects.none()
    return reviews_pending(organization=member.organization).exclude(
        Q(peer_id=member.user_id) | Q(created_by_id=member.user_id)
    )


def review_queue(*, member: Membership, limit: int = QUEUE_LIMIT) -> ReviewQueue:
    """Crisis notes first, then the longest waiting. No participant is named: opening a note
    is the read of the participant's record (and recorded as one). Two queries."""
    qs = review_queue_qs(member=member)
    total = qs.count()
    rows = list(
        qs.select_related("peer")
        .annotate(comment_count=Count("review_comments"))
        .order_by("-crisis_flag", "occurred_at", "pk")[:limit]
    )
    return ReviewQueue(
        rows=[
            QueueRow(
                encounter=e,
                reasons=_reasons(e),
                corrected_since_cosign=e.cosigned_before,
                comments=e.comment_count,
            )
            for e in rows
        ],
        total=total,
    )


def review_count(*, member: Membership) -> int:
    return review_queue_qs(member=member).count() if supervises(member) else 0


def review_encounter_get(*, member: Membership, pk) -> Encounter:
    """An encounter whose review thread the member may open (404 otherwise)."""
    return load_visible(
        member=member,
        visible=reviewable_encounters_for(member).select_related(
            "organization", "participant", "peer", "created_by"
        ),
        pk=pk,
    )


@dataclass(frozen=True)
class ReviewStatus:
    needs_review: bool
    reasons: list[str]
    # Co-signs, newest first; the first one holds the current version when `cosigned`.
    cosigns: list[NoteCosign]
    comments: list[ReviewComment]
    cosigned: bool
    corrected_since_cosign: bool
    pending: bool = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "pending", self.needs_review and not self.cosigned)


def _is_first_note(encounter: Encounter) -> bool:
    """Whether the encounter is one of its peer's first `note_review_first_count` in the
    organization: the same rule as `_first_notes()`, for one encounter without ranking the
    whole organization (at most N earlier rows are counted)."""
    organization = encounter.organization
    first_count = organization.note_review_first_count
    if not first_count:
        return False
    is_peer = Membership.objects.filter(
        organization_id=organization.pk, user_id=encounter.peer_id, role=Role.PEER
    )
    earlier = Encounter.objects.filter(
        Q(created_at__lt=encounter.created_at)
        | Q(created_at=encounter.created_at, id__lt=encounter.pk),
        organization_id=organization.pk,
        peer_id=encounter.peer_id,
    )
    if not is_peer.exists():
        return False
    return earlier[:first_count].count() < first_count


def review_status(*, encounter: Encounter) -> ReviewStatus:
    """What review says about one note: whether the settings send it to review and why, its
    co-signs and comment thread. At most four queries."""
    organization = encounter.organization
    reasons = []
    if _is_first_note(encounter):
        reasons.append(_("One of the peer's first notes"))
    if organization.note_review_crisis and encounter.crisis_flag:
        reasons.append(_("Crisis or safety concern"))
    cosigns = list(encounter.cosigns.select_related("signed_by").order_by("-created_at"))
    comments = list(encounter.review_comments.select_related("author").order_by("created_at"))
    cosigned = any(c.encounter_version == encounter.version for c in cosigns)
    return ReviewStatus(
        needs_review=bool(reasons),
        reasons=reasons,
        cosigns=cosigns,
        comments=comments,
        cosigned=cosigned,
        corrected_since_cosign=bool(cosigns) and not cosigned,
    )


def encounter_review_context(*, member: Membership, encounter: Encounter) -> dict:
    """What the encounter page shows of review: the status, co-signs and comment thread,
    whether this member may comment, and whether they may open the note in review."""
    return {
        "review": review_status(encounter=encounter),
        "can_comment": can_comment(member, encounter),
        "can_open_review": supervises(member),
    }


def comments_unseen(
    *, member: Membership, limit: int = 20, offset: int = 0
) -> tuple[list[ReviewComment], int]:
    """Comments by others on this peer's notes they have not opened yet, newest first (`limit`
    of them from `offset` on), and how many in all (one query)."""
    if member is None or member.role != Role.PEER or not member.is_active:
        return [], 0
    qs = (
        ReviewComment.objects.filter(
            organization_id=member.organization_id,
            encounter__peer_id=member.user_id,
            seen_by_peer_at__isnull=True,
        )
        .exclude(author_id=member.user_id)
        .select_related("author", "encounter")
        .annotate(total=Window(Count("pk")))
        .order_by("-created_at", "pk")
    )
    rows = list(qs[offset : offset + limit])
    return rows, (rows[0].total if rows else 0)


# Workload signals ----------------------------------------------------------------------------

# Thresholds (docs/supervision.md): a signal is high at or past these.
CRISIS_DAYS = 7
CRISIS_HIGH = 3  # crisis-flagged encounters in the last CRISIS_DAYS days
OUTSIDE_DAYS = 30
OUTSIDE_HIGH = 5  # encounters started outside working hours in the last OUTSIDE_DAYS days
SUPERVISION_GAP_DAYS = 30  # days since the last supervision session: high above this
FLAG_AT = 2  # a peer is flagged when this many signals are high


@dataclass(frozen=True)
class Signal:
    key: str
    value: int | None
    high: bool
    reason: str  # plain words, shown when high


@dataclass(frozen=True)
class PeerWorkload:
    membership: Membership
    caseload: int
    crisis_recent: int
    outside_hours: int
    outside_minutes: int
    last_supervision: datetime.date | None
    days_since_supervision: int | None
    signals: list[Signal]

    @property
    def high(self) -> list[Signal]:
        return [s for s in self.signals if s.high]

    @property
    def flagged(self) -> bool:
        return len(self.high) >= FLAG_AT


def _minutes(t: datetime.time) -> int:
    return t.hour * 60 + t.minute


def outside_working_hours(organization: Organization, local: datetime.datetime) -> bool:
    """Whether an encounter starting at `local` (local time, settings.TIME_ZONE) is outside the
    organization's working hours; weekends (Saturday and Sunday) all day. Working hours that end
    before they start run overnight; the same time twice counts as around the clock. The rule
    itself, for one encounter; the workload count applies it in SQL (_outside_hours_sql),
    and the tests hold the two to the same answers."""
    if local.isoweekday() >= 6:
        return True
    start, end = _minutes(organization.workday_starts), _minutes(organization.workday_ends)
    minute = local.hour * 60 + local.minute
    if start < end:
        return not start <= minute < end
    if start > end:
        return not (minute >= start or minute < end)
    return False


def _working_local_minutes(organization: Organization) -> list[tuple[int, int]]:
    """The local minutes of the week inside the organization's working hours, as half-open
    ranges (Monday 00:00 = 0): the complement of outside_working_hours()."""
    start, end = _minutes(organization.workday_starts), _minutes(organization.workday_ends)
    working: list[tuple[int, int]] = []
    for day in range(5):  # Monday to Friday; weekends are outside all day
        base = day * MINUTES_PER_DAY
        if start < end:
            working.append((base + start, base + end))
        elif start > end:  # overnight: the small hours and the evening of the same weekday
            working += [(base, base + end), (base + start, base + MINUTES_PER_DAY)]
        else:  # around the clock
            working.append((base, base + MINUTES_PER_DAY))
    return working


def _outside_hours_sql(
    organization: Organization, since: datetime.datetime, now: datetime.datetime
) -> tuple[str, list]:
    """SQL for "encounter `e` started outside the organization's working hours" from `since`
    on, on its stored UTC minute of the week: for each stretch of time with one UTC offset (a
    daylight saving change in the window splits it), not in the few ranges of minutes the
    working hours are at that offset. The last stretch has no end (an encounter may be
    logged a few minutes ahead of `now`)."""
    local_tz = timezone.get_current_timezone()
    working = _working_local_minutes(organization)
    stretches = offset_stretches(local_tz, since, max(now, since) + datetime.timedelta(days=1))
    occurred_at = Encounter._meta.get_field("occurred_at")
    parts, params = [], []
    for number, (start, stop, offset) in enumerate(stretches):
        when = "e.occurred_at >= %s"
        params.append(param(occurred_at, start))
        if number < len(stretches) - 1:
            when += " AND e.occurred_at < %s"
            params.append(param(occurred_at, stop))
        inside = to_utc_ranges(working, offset)
        if inside:
            when += " AND NOT (" + " OR ".join(
                ["e.week_minute_utc BETWEEN %s AND %s"] * len(inside)
            )
            when += ")"
            for lo, hi in inside:
                params += [lo, hi - 1]
        parts.append(f"({when})")
    return "(" + " OR ".join(parts) + ")", params


_SIGNAL_COLUMNS = Columns(Encounter._meta.get_field("peer"), None, None, None)


def _encounter_signals(
    organization: Organization, peer_ids: list, now: datetime.datetime
) -> dict[Any, tuple[int, int, int]]:
    """Per peer: (crisis-flagged encounters in the last CRISIS_DAYS days, encounters started
    outside working hours in the last OUTSIDE_DAYS days, their minutes).

    One query of two aggregates, each read from the covering index encounter_org alone:
    outside working hours is a condition on the stored minute of the week
    (`Encounter.week_minute_utc`), so no encounter is read into Python and no local time is
    worked out per row (in SQL, SQLite runs a Python function per row and field for that; in
    Python it took 60 ms for the month of 12,000 encounters at org scale). It counts whoever
    logged encounters in the organization (per peer, each would be a range of its own index,
    which SQLite, planning without statistics, passes over); `peer_ids` keeps the ones asked
    for. SQL written out (docs/decisions/0006-myday-sql.md)."""
    outside_since = now - datetime.timedelta(days=OUTSIDE_DAYS)
    outside_sql, outside_params = _outside_hours_sql(organization, outside_since, now)
    fields = Encounter._meta
    org = param(fields.get_field("organization"), organization.pk)
    rows = fetch(
        "SELECT e.peer_id, 0, COUNT(*), SUM(e.duration_minutes) FROM encounters_encounter e"  # noqa: S608 - fixed SQL, values are parameters
        f" WHERE e.organization_id = %s AND e.occurred_at >= %s AND {outside_sql}"
        " GROUP BY e.peer_id"
        " UNION ALL"
        " SELECT e.peer_id, COUNT(*), 0, 0 FROM encounters_encounter e"
        " WHERE e.organization_id = %s AND e.crisis_flag = %s AND e.occurred_at >= %s"
        " GROUP BY e.peer_id",
        [
            org,
            param(fields.get_field("occurred_at"), outside_since),
            *outside_params,
            org,
            param(fields.get_field("crisis_flag"), True),
            param(fields.get_field("occurred_at"), now - datetime.timedelta(days=CRISIS_DAYS)),
        ],
        _SIGNAL_COLUMNS,
    )
    wanted = set(peer_ids)
    counts: dict[Any, tuple[int, int, int]] = {}
    for peer, crisis_n, outside_n, minutes in rows:
        if peer in wanted:
            before = counts.get(peer, (0, 0, 0))
            counts[peer] = (before[0] + crisis_n, before[1] + outside_n, before[2] + (minutes or 0))
    return counts


def _signals(row, organization: Organization, today: datetime.date) -> list[Signal]:
    cap = organization.caseload_cap
    days = (today - row.last_supervision).days if row.last_supervision else None
    joined_days = (today - timezone.localdate(row.created_at)).days
    supervision_high = (
        days > SUPERVISION_GAP_DAYS if days is not None else joined_days > (SUPERVISION_GAP_DAYS)
    )
    hours = row.outside_minutes / 60
    return [
        Signal(
            "caseload",
            row.caseload,
            row.caseload > cap,
            _("Caseload of %(n)d is above the organization's cap of %(cap)d.")
            % {"n": row.caseload, "cap": cap},
        ),
        Signal(
            "crisis",
            row.crisis_recent,
            row.crisis_recent >= CRISIS_HIGH,
            ngettext(
                "%(n)d encounter with a crisis flag in the last %(days)d days.",
                "%(n)d encounters with a crisis flag in the last %(days)d days.",
                row.crisis_recent,
            )
            % {"n": row.crisis_recent, "days": CRISIS_DAYS},
        ),
        Signal(
            "outside_hours",
            row.outside_hours,
            row.outside_hours >= OUTSIDE_HIGH,
            ngettext(
                "%(n)d encounter outside working hours in the last %(days)d days "
                "(%(hours).1f hours).",
                "%(n)d encounters outside working hours in the last %(days)d days "
                "(%(hours).1f hours).",
                row.outside_hours,
            )
            % {"n": row.outside_hours, "days": OUTSIDE_DAYS, "hours": hours},
        ),
        Signal(
            "supervision",
            days,
            supervision_high,
            (
                _("Last supervision session was %(days)d days ago.") % {"days": days}
                if days is not None
                else _("No supervision session recorded yet.")
            ),
        ),
    ]


_MEMBER_COLUMNS = Columns(
    Membership._meta.pk,
    Membership._meta.get_field("role"),
    Membership._meta.get_field("is_active"),
    Membership._meta.get_field("created_at"),
    Membership._meta.get_field("user"),
    None,
    None,
    None,
    None,
    SupervisionSession._meta.get_field("held_on"),
)


def members_with_caseloads(*, organization_id) -> list[Membership]:
    """Every membership of the organization with its user, ordered by name, email and id, and
    on each: `primary_count` and `secondary_count`, the active, not merged participants on the
    person's current caseload in each role, and `last_supervision`, the day of their last
    supervision session (or None). One query; the supervisor's My day reads it once for both
    its caseload table and the workload signals. SQL written out
    (docs/decisions/0006-myday-sql.md).

    The caseloads are one aggregate over the organization's current assignments, joined to
    the members: as a correlated count per member, PostgreSQL hashed the participants table
    again for each (41 ms at org scale)."""
    org = param(Membership._meta.get_field("organization"), organization_id)
    rows = fetch(
        "SELECT m.id, m.role, m.is_active, m.created_at, m.user_id, u.name, u.email,"
        " COALESCE(c.primary_count, 0), COALESCE(c.secondary_count, 0),"
        " (SELECT s.held_on FROM supervision_supervisionsession s"
        " JOIN supervision_supervisionsession_peers sp ON sp.supervisionsession_id = s.id"
        " WHERE s.organization_id = %s AND s.removed_at IS NULL AND sp.user_id = m.user_id"
        " ORDER BY s.held_on DESC LIMIT 1)"
        " FROM organizations_membership m JOIN accounts_user u ON u.id = m.user_id"
        " LEFT JOIN (SELECT a.peer_id,"
        " SUM(CASE WHEN a.role = %s THEN 1 ELSE 0 END) AS primary_count,"
        " SUM(CASE WHEN a.role = %s THEN 1 ELSE 0 END) AS secondary_count"
        " FROM participants_caseloadassignment a"
        " JOIN participants_participant p ON p.id = a.participant_id"
        " WHERE a.ended_at IS NULL AND p.organization_id = %s"
        " AND p.merged_into_id IS NULL AND p.discharged_on IS NULL"
        " GROUP BY a.peer_id) c ON c.peer_id = m.user_id"
        " WHERE m.organization_id = %s"
        " ORDER BY u.name, u.email, m.id",
        [org, CaseloadRole.PRIMARY.value, CaseloadRole.SECONDARY.value, org, org],
        _MEMBER_COLUMNS,
    )
    members = []
    for pk, role, is_active, created_at, user_id, name, email, primary, secondary, last in rows:
        membership = instance(
            Membership,
            {
                "id": pk,
                "role": role,
                "is_active": is_active,
                "created_at": created_at,
                "user_id": user_id,
                "organization_id": organization_id,
            },
        )
        membership.user = instance(User, {"id": user_id, "name": name, "email": email})
        membership.primary_count = primary
        membership.secondary_count = secondary
        membership.last_supervision = last
        members.append(membership)
    return members


def workload(
    *,
    member: Membership,
    now: datetime.datetime | None = None,
    members: list[Membership] | None = None,
) -> list[PeerWorkload]:
    """Each active peer's workload signals, in two queries however many peers and encounters
    there are (one when `members`, from members_with_caseloads(), is given). Supervisors and
    organization admins only (empty for anyone else)."""
    if not supervises(member):
        return []
    now = now or timezone.now()
    today = timezone.localdate(now)
    organization = member.organization
    if members is None:
        members = members_with_caseloads(organization_id=organization.pk)
    rows = [m for m in members if m.role == Role.PEER and m.is_active]
    for row in rows:
        row.caseload = row.primary_count + row.secondary_count
    counts = _encounter_signals(organization, [row.user_id for row in rows], now)
    result = []
    for row in rows:
        row.crisis_recent, row.outside_hours, row.outside_minutes = counts.get(
            row.user_id, (0, 0, 0)
        )
        signals = _signals(row, organization, today)
        result.append(
            PeerWorkload(
                membership=row,
                caseload=row.caseload,
                crisis_recent=row.crisis_recent,
                outside_hours=row.outside_hours,
                outside_minutes=row.outside_minutes,
                last_supervision=row.last_supervision,
                days_since_supervision=signals[3].value,
                signals=signals,
            )
        )
    return result


def workload_flagged(
    *,
    member: Membership,
    now: datetime.datetime | None = None,
    members: list[Membership] | None = None,
):
    """The flagged peers only (My day's summary)."""
    return [w for w in workload(member=member, now=now, members=members) if w.flagged]
