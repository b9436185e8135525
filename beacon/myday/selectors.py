"""My day: what a peer (or their supervisor) should look at first. Reads only.

Every list is capped and carries its full count, and each is one query (the count rides along
as a window function), so the page costs the same number of queries for 5 participants or 500
and never scans encounter history beyond the crisis window. `Participant.last_contact_at` and
`next_follow_up_on` are kept current by the encounter services for exactly this page.

Whom the day covers is worked out once (`Scope`): for a peer, the ids of their current
caseload (one query from their own assignments); each list then looks those ids up on its own
table's participant index. Written as a subquery instead, SQLite (which plans without
statistics) starts from the organization's index and reads every participant the organization
has for every list. For supervisors and admins the lists filter on the organization's active
participants (partial indexes `participant_active_*`).

The lists and counts are SQL written out, through beacon.core.sql: building and compiling the
querysets cost more than running them (docs/decisions/0006-myday-sql.md).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.utils import timezone

from beacon.accounts.models import User
from beacon.checkins.models import OutreachRequest
from beacon.core.sql import Columns, fetch, instance, param, placeholders
from beacon.crisis.models import CrisisFlag, CrisisStatus
from beacon.encounters.models import Encounter
from beacon.groups.selectors import sessions_today
from beacon.messaging.models import Message
from beacon.organizations.models import Membership, Role
from beacon.participants.models import CaseloadAssignment, CaseloadRole, Participant
from beacon.participants.permissions import SEES_WHOLE_ORGANIZATION, STAFF
from beacon.peerrequests.models import OPEN_STATUSES, PeerRequest
from beacon.peerrequests.permissions import handles_peer_requests
from beacon.peerrequests.selectors import ContactTimes, first_contact_times
from beacon.plans.models import ActionStep, Goal, PlanUpdate, RecoveryPlan, UpdateStatus
from beacon.programs.models import Program, ProgramAssessment
from beacon.referrals.models import OUTCOME_STATUSES, Referral

# Each list on My day shows its first FIRST_ROWS rows and its total; "See all" opens the whole
# list, PAGE_ROWS at a time (docs/myday.md). ROW_LIMIT is the selectors' default.
FIRST_ROWS = 20
PAGE_ROWS = 50
ROW_LIMIT = PAGE_ROWS
# "New" assignments and "recent" crisis flags: the last week.
RECENT_DAYS = 7

# What the page shows of a participant (the rest of the record is not read).
PARTICIPANT_FIELDS = (
    "id",
    "record_number",
    "given_name",
    "family_name",
    "preferred_name",
    "pronouns",
    "enrolled_on",
    "last_contact_at",
    "next_follow_up_on",
)

T = TypeVar("T")


@dataclass(frozen=True)
class Section(Generic[T]):
    """The first `limit` rows of a list, and how many there are in all."""

    rows: list[T]
    total: int

    @property
    def hidden(self) -> int:
        return self.total - len(self.rows)


@dataclass(frozen=True)
class ParticipantRow:
    participant: Participant
    # The participant's current primary peer (shown on the organization-wide day).
    peer_name: str | None
    # Follow-ups: days overdue (0 = due today). No contact: days since the last contact, or
    # None when there has been none yet.
    days: int | None


@dataclass(frozen=True)
class PlanReviewRow:
    plan: RecoveryPlan
    participant: Participant
    peer_name: str | None
    # Days past the due date (0 = due today).
    days: int


@dataclass(frozen=True)
class PlanUpdateRow:
    update: PlanUpdate
    participant: Participant
    # The step ticked, or the goal a note or suggestion is about ("" when none).
    step_what: str
    goal_description: str


@dataclass(frozen=True)
class ReferralRow:
    referral: Referral
    participant: Participant
    # Days past the follow-up date (0 = due today).
    days: int


@dataclass(frozen=True)
class ProgramAssessmentRow:
    assessment: ProgramAssessment
    participant: Participant
    program_name: str
    # Days left in the window, today included; closing: in the program's last days of it.
    days_left: int
    closing: bool


@dataclass(frozen=True)
class UnreadMessagesRow:
    participant: Participant
    count: int
    # When the oldest of them was written: the list's order (longest waiting first).
    waiting_since: datetime.datetime


@dataclass(frozen=True)
class PeerCaseload:
    membership: Membership
    primary: int
    secondary: int

    @property
    def total(self) -> int:
        return self.primary + self.secondary


@dataclass(frozen=True)
class MyDay:
    member: Membership
    today: datetime.date
    # True for supervisors and organization admins: the lists cover the whole organization.
    whole_organization: bool
    overdue_after_days: int
    recent_days: int
    active_participants: int
    follow_ups: Section[ParticipantRow]
    no_contact: Section[ParticipantRow]
    new_assignments: Section[CaseloadAssignment]
    crisis_flags: Section[CrisisRow]
    # Participants who asked their peer to reach out, not answered yet (beacon.checkins).
    outreach: Section[OutreachRow] | None = None
    plan_reviews: Section[PlanReviewRow] | None = None
    referral_follow_ups: Section[ReferralRow] | None = None
    # The group sessions this person facilitates today (beacon.groups).
    group_sessions: list | None = None
    # Organization-wide day only.
    caseloads: Section[PeerCaseload] | None = None
    without_primary_peer: int = 0
    # Supervision (beacon.supervision): a peer's new comments on their notes; a supervisor's
    # notes waiting for review and the peers whose workload signals are flagged.
    review_comments: Section | None = None
    reviews_waiting: int = 0
    workload_flagged: list | None = None
    # Messages from participants nobody has opened yet (beacon.messaging).
    unread_messages: Section[UnreadMessagesRow] | None = None
    # What participants did to their own plans from their own Beacon (/my/plan/), not yet
    # marked seen or answered.
    plan_updates: Section[PlanUpdateRow] | None = None
    # Requests to talk to a peer from the public form, waiting (supervisors and admins), and
    # the organization's time to first contact over the last 30 days (beacon.peerrequests).
    peer_requests: Section[PeerRequest] | None = None
    first_contact: ContactTimes | None = None
    # Funder assessments whose window is open (beacon.programs), the fewest days left first.
    program_assessments: Section[ProgramAssessmentRow] | None = None


@dataclass(frozen=True)
class Scope:
    """Whom a day covers, worked out once per page.

    A peer: the active participants on their current caseload in the organization, as a list
    of ids (even where the organization opens records to the whole team: My day is about
    one's own caseload). Supervisors and organization admins: the organization's active
    participants (`participant_ids` is None)."""

    member: Membership
    participant_ids: list | None

    @property
    def whole_organization(self) -> bool:
        return self.participant_ids is None

    @property
    def organization_id(self) -> Any:
        return self.member.organization_id

    def participants(self) -> QuerySet[Participant]:
        if self.participant_ids is None:
            return Participant.objects.filter(
                organization_id=self.organization_id,
                merged_into__isnull=True,
                discharged_on__isnull=True,
            )
        return Participant.objects.filter(pk__in=self.participant_ids)

    def where(self, id_column: str) -> tuple[str, list]:
        """SQL for "the participant `id_column` names is on this day" (the participants
        table joined as `p` on the organization-wide day), and its parameters."""
        if self.participant_ids is None:
            return (
                "p.organization_id = %s AND p.merged_into_id IS NULL AND p.discharged_on IS NULL",
                [param(_PARTICIPANT.get_field("organization"), self.organization_id)],
            )
        if not self.participant_ids:
            return "1 = 0", []  # `IN ()` is not SQL to PostgreSQL
        return (
            f"{id_column} IN ({placeholders(len(self.participant_ids))})",
            [param(_PARTICIPANT.pk, pk) for pk in self.participant_ids],
        )


def _sees_whole_organization(member: Membership) -> bool:
    return member.role in SEES_WHOLE_ORGANIZATION


_PARTICIPANT = Participant._meta
_ASSIGNMENT = CaseloadAssignment._meta
_ENCOUNTER = Encounter._meta
_PLAN = RecoveryPlan._meta
_REFERRAL = Referral._meta
_USER = User._meta


def scope_for(member: Membership) -> Scope:
    """One query for a peer (their current assignments, joined to the participants), none for
    the whole organization. Nobody for a member participants_visible_to gives nobody (a
    deactivated membership, a participant-role member), even if assignments of theirs were
    never ended (tests/security/test_scope_forms.py holds the two rules together)."""
    if not member.is_active or member.role not in STAFF:
        return Scope(member=member, participant_ids=[])
    if _sees_whole_organization(member):
        return Scope(member=member, participant_ids=None)
    rows = fetch(
        "SELECT a.participant_id FROM participants_caseloadassignment a"
        " JOIN participants_participant p ON p.id = a.participant_id"
        " WHERE a.peer_id = %s AND a.ended_at IS NULL AND p.organization_id = %s"
        " AND p.merged_into_id IS NULL AND p.discharged_on IS NULL",
        [
            param(_ASSIGNMENT.get_field("peer"), member.user_id),
            param(_PARTICIPANT.get_field("organization"), member.organization_id),
        ],
        Columns(_ASSIGNMENT.get_field("participant")),
    )
    return Scope(member=member, participant_ids=[row[0] for row in rows])


def myday_participants(*, member: Membership) -> QuerySet[Participant]:
    """Active participants My day is about: a peer's own caseload (primary or secondary, even
    where the organization opens records to the whole team), or the whole organization for
    supervisors and organization admins. Discharged and merged records are left out."""
    return scope_for(member).participants()


# The lists, in SQL written out (docs/decisions/0006-myday-sql.md) ----------------------------
#
# Each list is one query: its rows from `offset`, `limit` of them, and its total as a window
# function (COUNT(*) OVER () is computed before LIMIT applies). A peer's lists look the
# caseload's ids up on each table's participant index; the organization-wide ones filter on the
# organization and the participant's state.

_P_COLUMNS = ", ".join(f"p.{_PARTICIPANT.get_field(name).column}" for name in PARTICIPANT_FIELDS)
_P_FIELDS = tuple(_PARTICIPANT.get_field(name) for name in PARTICIPANT_FIELDS)
_P_NAMES = tuple(field.attname for field in _P_FIELDS)
# The current primary peer's name (at most one: constraint one_current_primary_peer).
_PRIMARY_PEER = (
    "(SELECT pu.name FROM participants_caseloadassignment pa"
    " JOIN accounts_user pu ON pu.id = pa.peer_id"
    " WHERE pa.participant_id = p.id AND pa.ended_at IS NULL AND pa.role = %s LIMIT 1)"
)


def _participant(values) -> Participant:
    return instance(Participant, dict(zip(_P_NAMES, values, strict=True)))


def _user(pk, name) -> User:
    return instance(User, {"id": pk, "name": name})


def _primary_peer(scope: Scope) -> tuple[str, list]:
    """The primary peer's name, read on the organization-wide day only (the only one that
    shows it)."""
    if scope.whole_organization:
        return _PRIMARY_PEER, [CaseloadRole.PRIMARY.value]
    return "NULL", []


def _page(sql: str, params: list, columns: Columns, limit: int, offset: int):
    """The rows (without their last column, the total) and the total."""
    rows = fetch(f"{sql} LIMIT %s OFFSET %s", [*params, limit, offset], columns)
    return [row[:-1] for row in rows], (rows[0][-1] if rows else 0)


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


_FOLLOW_UP_COLUMNS = Columns(*_P_FIELDS, None, None)


def follow_ups_due(
    *, scope: Scope, today: datetime.date, limit: int = ROW_LIMIT, offset: int = 0
) -> Section[ParticipantRow]:
    """Participants whose next follow-up is today or already past, the longest overdue first."""
    peer_sql, peer_params = _primary_peer(scope)
    where, where_params = scope.where("p.id")
    rows, total = _page(
        f"SELECT {_P_COLUMNS}, {peer_sql}, COUNT(*) OVER ()"  # noqa: S608 - fixed SQL, values are parameters
        " FROM participants_participant p"
        f" WHERE {where} AND p.next_follow_up_on <= %s"
        " ORDER BY p.next_follow_up_on, p.family_name, p.given_name, p.id",
        [*peer_params, *where_params, param(_PARTICIPANT.get_field("next_follow_up_on"), today)],
        _FOLLOW_UP_COLUMNS,
        limit,
        offset,
    )
    participants = [(_participant(row[:-1]), row[-1]) for row in rows]
    return Section(
        rows=[
            ParticipantRow(p, peer_name, (today - p.next_follow_up_on).days)
            for p, peer_name in participants
        ],
        total=total,
    )


def contact_cutoff(*, organization, today: datetime.date) -> datetime.date:
    """Contact before this day is "more than overdue_after_days ago"."""
    return today - datetime.timedelta(days=organization.overdue_after_days)


def participants_without_contact(
    *, scope: Scope, today: datetime.date, limit: int = ROW_LIMIT, offset: int = 0
) -> Section[ParticipantRow]:
    """No contact for more than the organization's overdue_after_days: the last contact was
    before the cutoff day, or there has been none and they enrolled before it. Counted in
    whole local days, so the list does not change through the day. Longest without contact
    first (never contacted before anyone)."""
    cutoff = contact_cutoff(organization=scope.member.organization, today=today)
    peer_sql, peer_params = _primary_peer(scope)
    where, where_params = scope.where("p.id")
    rows, total = _page(
        f"SELECT {_P_COLUMNS}, {peer_sql}, COUNT(*) OVER ()"  # noqa: S608 - fixed SQL, values are parameters
        " FROM participants_participant p"
        f" WHERE {where} AND (p.last_contact_at < %s"
        " OR (p.last_contact_at IS NULL AND p.enrolled_on < %s))"
        " ORDER BY p.last_contact_at ASC NULLS FIRST, p.enrolled_on, p.family_name,"
        " p.given_name, p.id",
        [
            *peer_params,
            *where_params,
            param(_PARTICIPANT.get_field("last_contact_at"), _start_of_day(cutoff)),
            param(_PARTICIPANT.get_field("enrolled_on"), cutoff),
        ],
        _FOLLOW_UP_COLUMNS,
        limit,
        offset,
    )
    participants = [(_participant(row[:-1]), row[-1]) for row in rows]
    return Section(
        rows=[
            ParticipantRow(
                p,
                peer_name,
                (today - timezone.localdate(p.last_contact_at)).days if p.last_contact_at else None,
            )
            for p, peer_name in participants
        ],
        total=total,
    )


_NEW_ASSIGNMENT_COLUMNS = Columns(
    _ASSIGNMENT.pk,
    _ASSIGNMENT.get_field("role"),
    _ASSIGNMENT.get_field("started_at"),
    _ASSIGNMENT.get_field("peer"),
    _ASSIGNMENT.get_field("assigned_by"),
    None,
    None,
    *_P_FIELDS,
    None,
)


def assignments_new(
    *,
    scope: Scope,
    now: datetime.datetime,
    days: int = RECENT_DAYS,
    limit: int = ROW_LIMIT,
    offset: int = 0,
) -> Section[CaseloadAssignment]:
    """Current assignments that started in the last `days` days: to this peer, or to anyone in
    the organization for supervisors and organization admins. Newest first."""
    where, where_params = scope.where("a.participant_id")
    params = [param(_ASSIGNMENT.get_field("started_at"), now - datetime.timedelta(days=days))]
    if not scope.whole_organization:
        where += " AND a.peer_id = %s"
        where_params = [*where_params, param(_ASSIGNMENT.get_field("peer"), scope.member.user_id)]
    rows, total = _page(
        f"SELECT a.id, a.role, a.started_at, a.peer_id, a.assigned_by_id, pe.name, ab.name,"  # noqa: S608 - fixed SQL, values are parameters
        f" {_P_COLUMNS}, COUNT(*) OVER ()"
        " FROM participants_caseloadassignment a"
        " JOIN participants_participant p ON p.id = a.participant_id"
        " JOIN accounts_user pe ON pe.id = a.peer_id"
        " JOIN accounts_user ab ON ab.id = a.assigned_by_id"
        f" WHERE a.ended_at IS NULL AND a.started_at >= %s AND {where}"
        " ORDER BY a.started_at DESC, a.id",
        [*params, *where_params],
        _NEW_ASSIGNMENT_COLUMNS,
        limit,
        offset,
    )
    assignments = []
    for pk, role, started_at, peer_id, by_id, peer_name, by_name, *participant in rows:
        participant = _participant(participant)
        assignment = instance(
            CaseloadAssignment,
            {
                "id": pk,
                "role": role,
                "started_at": started_at,
                "participant_id": participant.pk,
                "peer_id": peer_id,
                "assigned_by_id": by_id,
            },
        )
        assignment.participant = participant
        assignment.peer = _user(peer_id, peer_name)
        assignment.assigned_by = _user(by_id, by_name)
        assignments.append(assignment)
    return Section(rows=assignments, total=total)


_FLAG = CrisisFlag._meta
_CRISIS_COLUMNS = Columns(
    _ENCOUNTER.pk,
    _ENCOUNTER.get_field("kind"),
    _ENCOUNTER.get_field("occurred_at"),
    _ENCOUNTER.get_field("peer"),
    None,
    _FLAG.pk,
    _FLAG.get_field("status"),
    _FLAG.get_field("created_at"),
    *_P_FIELDS,
    None,
)


@dataclass(frozen=True)
class CrisisRow:
    encounter: Encounter
    participant: Participant
    # The flag's follow-through (None for a flag raised before flags had one).
    flag_id: Any
    status: str | None
    flagged_at: datetime.datetime


def crisis_flags_recent(
    *,
    scope: Scope,
    now: datetime.datetime,
    days: int = RECENT_DAYS,
    limit: int = ROW_LIMIT,
    offset: int = 0,
) -> Section[CrisisRow]:
    """Crisis flags on the participants this day covers (whoever raised them): every flag not
    yet resolved, however old, and the resolved ones of the last `days` days. Open flags first
    (nobody has acknowledged them), then acknowledged ones, each the longest waiting first;
    then the resolved, newest first. One query: the flag rides along on a join."""
    where, where_params = scope.where("e.participant_id")
    if scope.whole_organization:
        where += " AND e.organization_id = %s"
        where_params = [
            *where_params,
            param(_ENCOUNTER.get_field("organization"), scope.organization_id),
        ]
    status = _FLAG.get_field("status")
    resolved = param(status, CrisisStatus.RESOLVED)
    rows, total = _page(
        "SELECT e.id, e.kind, e.occurred_at, e.peer_id, u.name, f.id, f.status, f.created_at,"  # noqa: S608 - fixed SQL, values are parameters
        f" {_P_COLUMNS}, COUNT(*) OVER ()"
        " FROM encounters_encounter e"
        " JOIN participants_participant p ON p.id = e.participant_id"
        " JOIN accounts_user u ON u.id = e.peer_id"
        " LEFT JOIN crisis_crisisflag f ON f.encounter_id = e.id"
        " WHERE e.crisis_flag = %s"
        " AND (e.occurred_at >= %s OR (f.id IS NOT NULL AND f.status <> %s))"
        f" AND {where}"
        " ORDER BY CASE f.status WHEN %s THEN 0 WHEN %s THEN 1 ELSE 2 END,"
        " CASE WHEN f.status = %s OR f.id IS NULL THEN NULL ELSE f.created_at END,"
        " e.occurred_at DESC, e.id",
        [
            param(_ENCOUNTER.get_field("crisis_flag"), True),
            param(_ENCOUNTER.get_field("occurred_at"), now - datetime.timedelta(days=days)),
            resolved,
            *where_params,
            param(status, CrisisStatus.OPEN),
            param(status, CrisisStatus.ACKNOWLEDGED),
            resolved,
        ],
        _CRISIS_COLUMNS,
        limit,
        offset,
    )
    found = []
    for pk, kind, occurred_at, peer_id, peer_name, flag_id, flag_status, flagged_at, *rest in rows:
        participant = _participant(rest)
        encounter = instance(
            Encounter,
            {
                "id": pk,
                "kind": kind,
                "occurred_at": occurred_at,
                "participant_id": participant.pk,
                "peer_id": peer_id,
            },
        )
        encounter.participant = participant
        encounter.peer = _user(peer_id, peer_name)
        found.append(
            CrisisRow(
                encounter=encounter,
                participant=participant,
                flag_id=flag_id,
                status=flag_status,
                flagged_at=flagged_at or occurred_at,
            )
        )
    return Section(rows=found, total=total)


_PLAN_COLUMNS = Columns(_PLAN.pk, _PLAN.get_field("next_review_on"), *_P_FIELDS, None, None)


def plan_reviews_due(
    *, scope: Scope, today: datetime.date, limit: int = ROW_LIMIT, offset: int = 0
) -> Section[PlanReviewRow]:
    """Recovery plans of the participants this day covers whose review is due today or
    overdue, the longest overdue first: the rule of beacon.plans.selectors.plans_review_due()
    (the organization's review interval after the last review or the plan's start is kept in
    `next_review_on`), which the tests hold this to. One query."""
    peer_sql, peer_params = _primary_peer(scope)
    where, where_params = scope.where("r.participant_id")
    rows, total = _page(
        f"SELECT r.id, r.next_review_on, {_P_COLUMNS}, {peer_sql}, COUNT(*) OVER ()"  # noqa: S608 - fixed SQL, values are parameters
        " FROM plans_recoveryplan r"
        " JOIN participants_participant p ON p.id = r.participant_id"
        f" WHERE r.next_review_on <= %s AND {where}"
        " ORDER BY r.next_review_on, p.family_name, p.given_name, r.id",
        [*peer_params, param(_PLAN.get_field("next_review_on"), today), *where_params],
        _PLAN_COLUMNS,
        limit,
        offset,
    )
    reviews = []
    for pk, next_review_on, *rest in rows:
        participant = _participant(rest[:-1])
        plan = instance(
            RecoveryPlan,
            {"id": pk, "next_review_on": next_review_on, "participant_id": participant.pk},
        )
        plan.participant = participant
        reviews.append(
            PlanReviewRow(
                plan=plan,
                participant=participant,
                peer_name=rest[-1],
                days=(today - next_review_on).days,
            )
        )
    return Section(rows=reviews, total=total)


_UPDATE = PlanUpdate._meta
_UPDATE_COLUMNS = Columns(
    _UPDATE.pk,
    _UPDATE.get_field("plan"),
    _UPDATE.get_field("kind"),
    _UPDATE.get_field("text"),
    _UPDATE.get_field("created_at"),
    ActionStep._meta.get_field("what"),
    Goal._meta.get_field("description"),
    *_P_FIELDS,
    None,
)


def plan_updates_new(
    *, scope: Scope, limit: int = ROW_LIMIT, offset: int = 0
) -> Section[PlanUpdateRow]:
    """What the participants this day covers did to their own plans (a step ticked or undone, a
    progress note, a suggested change) that nobody has marked seen or answered yet, newest
    first. One query."""
    where, where_params = scope.where("u.participant_id")
    rows, total = _page(
        "SELECT u.id, u.plan_id, u.kind, u.text, u.created_at, s.what, g.description,"  # noqa: S608 - fixed SQL, values are parameters
        f" {_P_COLUMNS}, COUNT(*) OVER ()"
        " FROM plans_planupdate u"
        " JOIN participants_participant p ON p.id = u.participant_id"
        " LEFT JOIN plans_actionstep s ON s.id = u.step_id"
        " LEFT JOIN plans_goal g ON g.id = u.goal_id"
        f" WHERE u.status = %s AND {where}"
        " ORDER BY u.created_at DESC, u.id",
        [param(_UPDATE.get_field("status"), UpdateStatus.NEW), *where_params],
        _UPDATE_COLUMNS,
        limit,
        offset,
    )
    found = []
    for pk, plan_id, kind, text, created_at, what, description, *rest in rows:
        participant = _participant(rest)
        update = instance(
            PlanUpdate,
            {
                "id": pk,
                "plan_id": plan_id,
                "kind": kind,
                "text": text,
                "created_at": created_at,
                "participant_id": participant.pk,
            },
        )
        found.append(PlanUpdateRow(update, participant, what or "", description or ""))
    return Section(rows=found, total=total)


_REFERRAL_COLUMNS = Columns(
    _REFERRAL.pk,
    _REFERRAL.get_field("recipient_name"),
    _REFERRAL.get_field("status"),
    _REFERRAL.get_field("created_at"),
    _REFERRAL.get_field("follow_up_due_on"),
    *_P_FIELDS,
    None,
)


def referral_follow_ups_due(
    *, scope: Scope, today: datetime.date, limit: int = ROW_LIMIT, offset: int = 0
) -> Section[ReferralRow]:
    """Referrals of the participants this day covers still waiting for an outcome on their
    follow-up date (the organization's referral_follow_up_days after sending, unless the peer
    chose a date), the longest overdue first: the rule of
    beacon.referrals.selectors.referrals_awaiting_outcome(), which the tests hold this to. One
    query."""
    where, where_params = scope.where("f.participant_id")
    outcomes = sorted(OUTCOME_STATUSES)
    rows, total = _page(
        f"SELECT f.id, f.recipient_name, f.status, f.created_at, f.follow_up_due_on,"  # noqa: S608 - fixed SQL, values are parameters
        f" {_P_COLUMNS}, COUNT(*) OVER ()"
        " FROM referrals_referral f"
        " JOIN participants_participant p ON p.id = f.participant_id"
        f" WHERE f.follow_up_due_on <= %s AND f.status NOT IN ({placeholders(len(outcomes))})"
        f" AND {where}"
        " ORDER BY f.follow_up_due_on, f.created_at, f.id",
        [param(_REFERRAL.get_field("follow_up_due_on"), today), *outcomes, *where_params],
        _REFERRAL_COLUMNS,
        limit,
        offset,
    )
    referrals = []
    for pk, recipient_name, status, created_at, due_on, *participant in rows:
        participant = _participant(participant)
        referral = instance(
            Referral,
            {
                "id": pk,
                "recipient_name": recipient_name,
                "status": status,
                "created_at": created_at,
                "follow_up_due_on": due_on,
                "participant_id": participant.pk,
            },
        )
        referral.participant = participant
        referrals.append(ReferralRow(referral, participant, (today - due_on).days))
    return Section(rows=referrals, total=total)


_PROGRAM_ASSESSMENT = ProgramAssessment._meta
_PROGRAM = Program._meta
_PROGRAM_ASSESSMENT_COLUMNS = Columns(
    _PROGRAM_ASSESSMENT.pk,
    _PROGRAM_ASSESSMENT.get_field("kind"),
    _PROGRAM_ASSESSMENT.get_field("sequence"),
    _PROGRAM_ASSESSMENT.get_field("due_on"),
    _PROGRAM_ASSESSMENT.get_field("closes_on"),
    None,
    None,
    *_P_FIELDS,
    None,
)


def program_assessments_open(
    *, scope: Scope, today: datetime.date, limit: int = ROW_LIMIT, offset: int = 0
) -> Section[ProgramAssessmentRow]:
    """Funder assessments (beacon.programs) of the participants this day covers, not done, whose
    window is open today, the fewest days left first: the rule of
    beacon.programs.schedule.state (open, due or closing), which the tests hold this to. One
    query, on the index program_assessment_pending (participant, opens_on)."""
    where, where_params = scope.where("a.participant_id")
    rows, total = _page(
        "SELECT a.id, a.kind, a.sequence, a.due_on, a.closes_on, g.name, g.closing_days,"  # noqa: S608 - fixed SQL, values are parameters
        f" {_P_COLUMNS}, COUNT(*) OVER ()"
        " FROM programs_programassessment a"
        " JOIN participants_participant p ON p.id = a.participant_id"
        " JOIN programs_program g ON g.id = a.program_id"
        " WHERE a.status = %s AND a.opens_on <= %s AND a.closes_on >= %s"
        f" AND {where}"
        " ORDER BY a.closes_on, p.family_name, p.given_name, a.id",
        [
            "pending",
            param(_PROGRAM_ASSESSMENT.get_field("opens_on"), today),
            param(_PROGRAM_ASSESSMENT.get_field("closes_on"), today),
            *where_params,
        ],
        _PROGRAM_ASSESSMENT_COLUMNS,
        limit,
        offset,
    )
    found = []
    for pk, kind, sequence, due_on, closes_on, program_name, closing_days, *participant in rows:
        participant = _participant(participant)
        assessment = instance(
            ProgramAssessment,
            {
                "id": pk,
                "participant_id": participant.pk,
                "kind": kind,
                "sequence": sequence,
                "due_on": due_on,
                "closes_on": closes_on,
            },
        )
        days_left = (closes_on - today).days + 1
        found.append(
            ProgramAssessmentRow(
                assessment, participant, program_name, days_left, days_left <= closing_days
            )
        )
    return Section(rows=found, total=total)


_OUTREACH = OutreachRequest._meta
_OUTREACH_COLUMNS = Columns(
    _OUTREACH.pk,
    _OUTREACH.get_field("created_at"),
    _OUTREACH.get_field("source"),
    *_P_FIELDS,
    None,
    None,
)


@dataclass(frozen=True)
class OutreachRow:
    request: OutreachRequest
    participant: Participant
    peer_name: str | None


def outreach_open(*, scope: Scope, limit: int = ROW_LIMIT, offset: int = 0) -> Section[OutreachRow]:
    """Participants this day covers who asked their peer to reach out (from a check-in, or
    "I need to talk to someone now") and nobody has marked answered yet, the longest waiting
    first. One query (partial index outreach_open on the organization-wide day)."""
    peer_sql, peer_params = _primary_peer(scope)
    where, where_params = scope.where("o.participant_id")
    if scope.whole_organization:
        where += " AND o.organization_id = %s"
        where_params = [
            *where_params,
            param(_OUTREACH.get_field("organization"), scope.organization_id),
        ]
    rows, total = _page(
        f"SELECT o.id, o.created_at, o.source, {_P_COLUMNS}, {peer_sql}, COUNT(*) OVER ()"  # noqa: S608 - fixed SQL, values are parameters
        " FROM checkins_outreachrequest o"
        " JOIN participants_participant p ON p.id = o.participant_id"
        f" WHERE o.answered_at IS NULL AND {where}"
        " ORDER BY o.created_at, o.id",
        [*peer_params, *where_params],
        _OUTREACH_COLUMNS,
        limit,
        offset,
    )
    found = []
    for pk, created_at, source, *rest in rows:
        participant = _participant(rest[:-1])
        request = instance(
            OutreachRequest,
            {
                "id": pk,
                "created_at": created_at,
                "source": source,
                "participant_id": participant.pk,
            },
        )
        request.participant = participant
        found.append(OutreachRow(request=request, participant=participant, peer_name=rest[-1]))
    return Section(rows=found, total=total)


_PEER_REQUEST = PeerRequest._meta
_PEER_REQUEST_FIELDS = (
    "id",
    "name",
    "contact_by",
    "best_time",
    "zip_code",
    "language",
    "status",
    "created_at",
    "first_contact_at",
)
_PEER_REQUEST_COLUMNS = Columns(
    *(_PEER_REQUEST.get_field(name) for name in _PEER_REQUEST_FIELDS), None
)


def peer_requests_open(
    *, scope: Scope, limit: int = ROW_LIMIT, offset: int = 0
) -> Section[PeerRequest]:
    """Requests to talk to a peer from the public form that wait in the organization's queue
    (beacon.peerrequests): those with no first contact yet, the longest waiting first, then
    those contacted without an intake yet. Supervisors and organization admins only (nobody
    else handles them: an empty list). One query (partial index peer_request_queue)."""
    if not scope.whole_organization or not handles_peer_requests(scope.member):
        return Section(rows=[], total=0)
    statuses = [str(status) for status in OPEN_STATUSES]
    rows, total = _page(
        f"SELECT {', '.join(f'r.{name}' for name in _PEER_REQUEST_FIELDS)}, COUNT(*) OVER ()"  # noqa: S608 - fixed SQL, values are parameters
        " FROM peerrequests_peerrequest r"
        f" WHERE r.organization_id = %s AND r.status IN ({placeholders(len(statuses))})"
        " ORDER BY CASE WHEN r.first_contact_at IS NULL THEN 0 ELSE 1 END, r.created_at, r.id",
        [param(_PEER_REQUEST.get_field("organization"), scope.organization_id), *statuses],
        _PEER_REQUEST_COLUMNS,
        limit,
        offset,
    )
    return Section(
        rows=[
            instance(PeerRequest, dict(zip(_PEER_REQUEST_FIELDS, row, strict=True))) for row in rows
        ],
        total=total,
    )


_MESSAGE = Message._meta
_UNREAD_COLUMNS = Columns(*_P_FIELDS, None, _MESSAGE.get_field("created_at"), None)


def messages_unread(
    *, scope: Scope, limit: int = ROW_LIMIT, offset: int = 0
) -> Section[UnreadMessagesRow]:
    """Participants this day covers with messages to their peer nobody has opened yet, with
    how many, the longest waiting first (beacon.messaging). On the organization-wide day only
    where the organization's supervisors and admins answer messages (its setting
    messages_team_answers): others cannot open them. One query: grouped by participant, the
    total of participants as a window over the groups."""
    if scope.whole_organization and not scope.member.organization.messages_team_answers:
        return Section(rows=[], total=0)
    where, where_params = scope.where("m.participant_id")
    if scope.whole_organization:
        where += " AND m.organization_id = %s"
        where_params = [
            *where_params,
            param(_MESSAGE.get_field("organization"), scope.organization_id),
        ]
    rows, total = _page(
        f"SELECT {_P_COLUMNS}, COUNT(*), MIN(m.created_at), COUNT(*) OVER ()"  # noqa: S608 - fixed SQL, values are parameters
        " FROM messaging_message m"
        " JOIN participants_participant p ON p.id = m.participant_id"
        f" WHERE m.from_participant = %s AND m.read_at IS NULL AND {where}"
        f" GROUP BY {_P_COLUMNS}"
        " ORDER BY MIN(m.created_at), p.id",
        [param(_MESSAGE.get_field("from_participant"), True), *where_params],
        _UNREAD_COLUMNS,
        limit,
        offset,
    )
    return Section(
        rows=[UnreadMessagesRow(_participant(row[:-2]), row[-2], row[-1]) for row in rows],
        total=total,
    )


def caseload_sizes(
    *,
    member: Membership,
    limit: int = ROW_LIMIT,
    offset: int = 0,
    members: list[Membership] | None = None,
) -> Section[PeerCaseload]:
    """Active participants per person, as primary and as secondary peer, largest first (then by
    name). Every active peer appears, even with nobody on their caseload; supervisors and
    people no longer active appear while they still hold a caseload. Organization-wide days
    only. From members_with_caseloads() (one query; `members` when already read): an
    organization's staff is a few dozen people, sorted and cut here."""
    if not _sees_whole_organization(member) or not member.is_active:
        return Section(rows=[], total=0)
    from beacon.supervision.selectors import members_with_caseloads

    if members is None:
        members = members_with_caseloads(organization_id=member.organization_id)
    shown = [
        m
        for m in members
        if (m.role == Role.PEER and m.is_active) or m.primary_count or m.secondary_count
    ]
    # `members` come in the database's order of names (its collation): keep it among equals.
    rank = {m.pk: position for position, m in enumerate(members)}
    shown.sort(key=lambda m: (-m.primary_count, -m.secondary_count, rank[m.pk]))
    return Section(
        rows=[
            PeerCaseload(m, m.primary_count, m.secondary_count)
            for m in shown[offset : offset + limit]
        ],
        total=len(shown),
    )


def _active_counts(scope: Scope) -> tuple[int, int]:
    """Active participants and, on the organization-wide day, how many have no primary peer
    (NOT EXISTS probes the unique index one_current_primary_peer per participant)."""
    if not scope.whole_organization:
        return len(scope.participant_ids), 0
    where, where_params = scope.where("p.id")
    ((active, with_primary),) = fetch(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1"  # noqa: S608 - fixed SQL, values are parameters
        " FROM participants_caseloadassignment a WHERE a.participant_id = p.id"
        " AND a.ended_at IS NULL AND a.role = %s) THEN 1 ELSE 0 END), 0)"
        f" FROM participants_participant p WHERE {where}",
        [CaseloadRole.PRIMARY.value, *where_params],
        Columns(None, None),
    )
    return active, active - with_primary


def my_day(
    *,
    member: Membership,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> MyDay:
    """Everything on a staff member's My day, in a fixed number of queries: the first
    FIRST_ROWS of each list and its total."""
    _check(member)
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    scope = scope_for(member)
    whole = scope.whole_organization
    active, without_primary = _active_counts(scope)
    from beacon.supervision import selectors as supervision

    review_comments = None
    if member.role == Role.PEER:
        rows, total = supervision.comments_unseen(member=member, limit=FIRST_ROWS)
        review_comments = Section(rows=rows, total=total)
    first = {"limit": FIRST_ROWS}
    # The caseload table and the workload signals share one read of the members.
    members = (
        supervision.members_with_caseloads(organization_id=member.organization_id)
        if whole
        else None
    )
    return MyDay(
        review_comments=review_comments,
        reviews_waiting=supervision.review_count(member=member) if whole else 0,
        workload_flagged=(
            supervision.workload_flagged(member=member, now=now, members=members) if whole else None
        ),
        member=member,
        today=today,
        whole_organization=whole,
        overdue_after_days=member.organization.overdue_after_days,
        recent_days=RECENT_DAYS,
        active_participants=active,
        follow_ups=follow_ups_due(scope=scope, today=today, **first),
        no_contact=participants_without_contact(scope=scope, today=today, **first),
        new_assignments=assignments_new(scope=scope, now=now, **first),
        crisis_flags=crisis_flags_recent(scope=scope, now=now, **first),
        outreach=outreach_open(scope=scope, **first),
        plan_reviews=plan_reviews_due(scope=scope, today=today, **first),
        referral_follow_ups=referral_follow_ups_due(scope=scope, today=today, **first),
        plan_updates=plan_updates_new(scope=scope, **first),
        peer_requests=(
            peer_requests_open(scope=scope, **first) if handles_peer_requests(member) else None
        ),
        first_contact=(
            first_contact_times(organization_id=member.organization_id, now=now)
            if handles_peer_requests(member)
            else None
        ),
        program_assessments=program_assessments_open(scope=scope, today=today, **first),
        group_sessions=sessions_today(member=member, today=today),
        unread_messages=messages_unread(scope=scope, **first),
        caseloads=caseload_sizes(member=member, members=members, **first) if whole else None,
        without_primary_peer=without_primary,
    )


def _check(member: Membership | None) -> None:
    if member is None or not member.is_active or member.role not in STAFF:
        raise ValueError("My day is for the staff of an organization.")


# The lists "See all" opens, by the name of their MyDay field.
LISTS = (
    "outreach",
    "follow_ups",
    "plan_reviews",
    "referral_follow_ups",
    "no_contact",
    "new_assignments",
    "crisis_flags",
    "caseloads",
    "review_comments",
    "unread_messages",
    "plan_updates",
    "peer_requests",
    "program_assessments",
)


def my_day_list(
    *,
    member: Membership,
    name: str,
    page: int = 1,
    per_page: int = PAGE_ROWS,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> MyDay:
    """One list of My day in full, a page at a time ("See all"): a MyDay with that list read
    from row (page - 1) * per_page on, and the others empty. Two queries for a peer (their
    caseload, the list), one for the whole organization. LookupError for a list this
    member's day does not have (the caseload table is organization-wide; comments on one's
    notes are a peer's)."""
    _check(member)
    if name not in LISTS:
        raise LookupError(name)
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    whole = _sees_whole_organization(member)
    if (name == "caseloads" and not whole) or (name == "review_comments" and whole):
        raise LookupError(name)
    if name == "peer_requests" and not handles_peer_requests(member):
        raise LookupError(name)
    rows = {"limit": per_page, "offset": (max(page, 1) - 1) * per_page}
    empty = Section(rows=[], total=0)
    lists: dict[str, Section | None] = {
        "follow_ups": empty,
        "no_contact": empty,
        "new_assignments": empty,
        "crisis_flags": empty,
    }
    if name == "caseloads":
        lists[name] = caseload_sizes(member=member, **rows)
    elif name == "review_comments":
        from beacon.supervision import selectors as supervision

        found, total = supervision.comments_unseen(member=member, **rows)
        lists[name] = Section(rows=found, total=total)
    else:
        scope = scope_for(member)
        when = {"now": now} if name in ("new_assignments", "crisis_flags") else {"today": today}
        if name in ("outreach", "unread_messages", "plan_updates", "peer_requests"):
            when = {}
        read = {
            "follow_ups": follow_ups_due,
            "no_contact": participants_without_contact,
            "new_assignments": assignments_new,
            "crisis_flags": crisis_flags_recent,
            "plan_reviews": plan_reviews_due,
            "referral_follow_ups": referral_follow_ups_due,
            "outreach": outreach_open,
            "unread_messages": messages_unread,
            "plan_updates": plan_updates_new,
            "peer_requests": peer_requests_open,
            "program_assessments": program_assessments_open,
        }[name]
        lists[name] = read(scope=scope, **when, **rows)
    return MyDay(
        member=member,
        today=today,
        whole_organization=whole,
        overdue_after_days=member.organization.overdue_after_days,
        recent_days=RECENT_DAYS,
        active_participants=0,
        **lists,
    )
