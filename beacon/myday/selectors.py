"""My day: what a peer (or their supervisor) should look at first. Reads only.

Every list is capped and carries its full count, and each is one query (the count rides along
as a window function), so the page costs the same number of queries for 5 participants or 500
and never scans encounter history beyond the crisis window. `Participant.last_contact_at` and
`next_follow_up_on` are kept current by the encounter services for exactly this page.

Whom the day covers is worked out once (`Scope`): for a peer, the ids of their current
caseload (one query from their own assignments); each list then looks those ids up on its own
table's participant index. Written as a subquery instead, SQLite (which plans without
statistics) starts from the organization's index and reads every participant the organization
has for every list (bench/RESULTS.md). For supervisors and admins the lists filter on the
organization.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic, TypeVar

from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.utils import timezone

from beacon.encounters.models import Encounter
from beacon.groups.selectors import sessions_today
from beacon.organizations.models import Membership, Role
from beacon.participants.models import CaseloadAssignment, CaseloadRole, Participant
from beacon.participants.permissions import SEES_WHOLE_ORGANIZATION, STAFF
from beacon.plans.models import RecoveryPlan
from beacon.plans.selectors import plans_review_due
from beacon.referrals.models import Referral
from beacon.referrals.selectors import referrals_awaiting_outcome

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
class ReferralRow:
    referral: Referral
    participant: Participant
    # Days past the follow-up date (0 = due today).
    days: int


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
    crisis_flags: Section[Encounter]
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

    @cached_property
    def lists(self) -> dict:
        """The rows of the participant lists, ready to print (beacon.myday.display)."""
        from beacon.myday.display import day_items

        return day_items(self)


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

    def on_participants(self, qs: QuerySet) -> QuerySet:
        """Rows of a table with a `participant` (and an `organization`) that this day covers:
        by the caseload's ids, or by the organization and the participant's own state."""
        if self.participant_ids is not None:
            return qs.filter(participant_id__in=self.participant_ids)
        return qs.filter(
            participant__organization_id=self.organization_id,
            participant__merged_into__isnull=True,
            participant__discharged_on__isnull=True,
        )


def _sees_whole_organization(member: Membership) -> bool:
    return member.role in SEES_WHOLE_ORGANIZATION


def scope_for(member: Membership) -> Scope:
    """One query for a peer (their current assignments, joined to the participants), none for
    the whole organization."""
    if _sees_whole_organization(member):
        return Scope(member=member, participant_ids=None)
    ids = CaseloadAssignment.objects.filter(
        peer_id=member.user_id,
        ended_at__isnull=True,
        participant__organization_id=member.organization_id,
        participant__merged_into__isnull=True,
        participant__discharged_on__isnull=True,
    ).values_list("participant_id", flat=True)
    return Scope(member=member, participant_ids=list(ids))


def myday_participants(*, member: Membership) -> QuerySet[Participant]:
    """Active participants My day is about: a peer's own caseload (primary or secondary, even
    where the organization opens records to the whole team), or the whole organization for
    supervisors and organization admins. Discharged and merged records are left out."""
    return scope_for(member).participants()


def _capped(qs: QuerySet, limit: int, offset: int = 0) -> tuple[list, int]:
    """`limit` rows from `offset` on, and the total, in one query: COUNT(*) OVER () is
    computed before LIMIT applies."""
    rows = list(qs.annotate(myday_total=Window(Count("pk")))[offset : offset + limit])
    return rows, (rows[0].myday_total if rows else 0)


def _primary_peer_name(participant_ref: str) -> Subquery:
    # At most one current primary peer (constraint one_current_primary_peer): no ordering.
    return Subquery(
        CaseloadAssignment.objects.filter(
            participant=OuterRef(participant_ref), ended_at__isnull=True, role=CaseloadRole.PRIMARY
        )
        .order_by()
        .values("peer__name")[:1]
    )


def _participant_rows(scope: Scope, qs: QuerySet[Participant]) -> QuerySet[Participant]:
    """The participants' fields the page shows and, on the organization-wide day (the only
    one that shows it), the name of each one's primary peer."""
    qs = qs.only(*PARTICIPANT_FIELDS)
    if scope.whole_organization:
        qs = qs.annotate(primary_peer_name=_primary_peer_name("pk"))
    return qs


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def follow_ups_due(
    *, scope: Scope, today: datetime.date, limit: int = ROW_LIMIT, offset: int = 0
) -> Section[ParticipantRow]:
    """Participants whose next follow-up is today or already past, the longest overdue first."""
    qs = _participant_rows(
        scope, scope.participants().filter(next_follow_up_on__lte=today)
    ).order_by("next_follow_up_on", "family_name", "given_name", "pk")
    rows, total = _capped(qs, limit, offset)
    return Section(
        rows=[
            ParticipantRow(
                p, getattr(p, "primary_peer_name", None), (today - p.next_follow_up_on).days
            )
            for p in rows
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
    qs = _participant_rows(
        scope,
        scope.participants().filter(
            Q(last_contact_at__lt=_start_of_day(cutoff))
            | Q(last_contact_at__isnull=True, enrolled_on__lt=cutoff)
        ),
    ).order_by(
        F("last_contact_at").asc(nulls_first=True), "enrolled_on", "family_name", "given_name", "pk"
    )
    rows, total = _capped(qs, limit, offset)
    return Section(
        rows=[
            ParticipantRow(
                p,
                getattr(p, "primary_peer_name", None),
                (today - timezone.localdate(p.last_contact_at)).days if p.last_contact_at else None,
            )
            for p in rows
        ],
        total=total,
    )


def _participant_only(prefix: str = "participant") -> list[str]:
    return [f"{prefix}__{name}" for name in PARTICIPANT_FIELDS]


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
    qs = scope.on_participants(
        CaseloadAssignment.objects.filter(
            ended_at__isnull=True, started_at__gte=now - datetime.timedelta(days=days)
        )
    )
    if not scope.whole_organization:
        qs = qs.filter(peer_id=scope.member.user_id)
    qs = (
        qs.select_related("participant", "peer", "assigned_by")
        .only(
            "role",
            "started_at",
            "participant_id",
            "peer__name",
            "assigned_by__name",
            *_participant_only(),
        )
        .order_by("-started_at", "pk")
    )
    rows, total = _capped(qs, limit, offset)
    return Section(rows=rows, total=total)


def crisis_flags_recent(
    *,
    scope: Scope,
    now: datetime.datetime,
    days: int = RECENT_DAYS,
    limit: int = ROW_LIMIT,
    offset: int = 0,
) -> Section[Encounter]:
    """Encounters flagged for a crisis or safety concern in the last `days` days, on the
    participants this day covers (whoever logged them). Newest first."""
    qs = Encounter.objects.filter(
        # `in [True]`, not `=True`: Django writes the latter as the bare column, which SQLite
        # cannot match to the index encounter_org_crisis (3.7 ms against 0.04 at org scale).
        crisis_flag__in=[True],
        occurred_at__gte=now - datetime.timedelta(days=days),
    )
    if scope.whole_organization:
        qs = qs.filter(organization_id=scope.organization_id)
    qs = (
        scope.on_participants(qs)
        .select_related("participant", "peer")
        .only("kind", "occurred_at", "participant_id", "peer__name", *_participant_only())
        .order_by("-occurred_at", "pk")
    )
    rows, total = _capped(qs, limit, offset)
    return Section(rows=rows, total=total)


def plan_reviews_due(
    *, scope: Scope, today: datetime.date, limit: int = ROW_LIMIT, offset: int = 0
) -> Section[PlanReviewRow]:
    """Recovery plans of the participants this day covers whose review is due today or
    overdue (the organization's review interval after the last review or the plan's start),
    the longest overdue first. One query."""
    qs = plans_review_due(participants=scope.participants(), today=today).only(
        "next_review_on", "participant_id", *_participant_only()
    )
    if scope.whole_organization:
        qs = qs.annotate(primary_peer_name=_primary_peer_name("participant_id"))
    rows, total = _capped(qs, limit, offset)
    return Section(
        rows=[
            PlanReviewRow(
                plan=plan,
                participant=plan.participant,
                peer_name=getattr(plan, "primary_peer_name", None),
                days=(today - plan.next_review_on).days,
            )
            for plan in rows
        ],
        total=total,
    )


def referral_follow_ups_due(
    *, scope: Scope, today: datetime.date, limit: int = ROW_LIMIT, offset: int = 0
) -> Section[ReferralRow]:
    """Referrals of the participants this day covers still waiting for an outcome on their
    follow-up date (the organization's referral_follow_up_days after sending, unless the peer
    chose a date), the longest overdue first. One query."""
    qs = referrals_awaiting_outcome(participants=scope.participants(), today=today).only(
        "recipient_name",
        "status",
        "created_at",
        "follow_up_due_on",
        "participant_id",
        *_participant_only(),
    )
    rows, total = _capped(qs, limit, offset)
    return Section(
        rows=[ReferralRow(r, r.participant, (today - r.follow_up_due_on).days) for r in rows],
        total=total,
    )


def caseload_sizes(
    *, member: Membership, limit: int = ROW_LIMIT, offset: int = 0
) -> Section[PeerCaseload]:
    """Active participants per person, as primary and as secondary peer, largest first. Every
    active peer appears, even with nobody on their caseload; supervisors and people no longer
    active appear while they still hold a caseload. Organization-wide days only.

    One grouped query over the members' current assignments (a correlated count per member and
    role made PostgreSQL hash the participants table again for each: 36 ms at org scale)."""
    if not _sees_whole_organization(member) or not member.is_active:
        return Section(rows=[], total=0)
    org_id = member.organization_id
    active = Q(
        current__participant__organization_id=org_id,
        current__participant__merged_into__isnull=True,
        current__participant__discharged_on__isnull=True,
    )
    qs = (
        Membership.objects.filter(organization_id=org_id)
        .annotate(
            current=FilteredRelation(
                "user__caseload_assignments",
                condition=Q(user__caseload_assignments__ended_at__isnull=True),
            )
        )
        .annotate(
            primary_count=Count("current", filter=active & Q(current__role=CaseloadRole.PRIMARY)),
            secondary_count=Count(
                "current", filter=active & Q(current__role=CaseloadRole.SECONDARY)
            ),
        )
        .filter(
            Q(role=Role.PEER, is_active=True) | Q(primary_count__gt=0) | Q(secondary_count__gt=0)
        )
        .select_related("user")
        .only("role", "is_active", "user__name")
        .order_by("-primary_count", "-secondary_count", "user__name", "pk")
    )
    rows, total = _capped(qs, limit, offset)
    return Section(
        rows=[PeerCaseload(m, m.primary_count, m.secondary_count) for m in rows], total=total
    )


def _active_counts(scope: Scope) -> tuple[int, int]:
    """Active participants and, on the organization-wide day, how many have no primary peer."""
    if not scope.whole_organization:
        return len(scope.participant_ids), 0
    # NOT EXISTS probes the unique index one_current_primary_peer per participant; NOT IN a
    # list of the organization's primary assignments cost SQLite three times as much.
    has_primary = Exists(
        CaseloadAssignment.objects.filter(
            participant=OuterRef("pk"), ended_at__isnull=True, role=CaseloadRole.PRIMARY
        )
    )
    counts = scope.participants().aggregate(
        active=Count("pk"), without_primary=Count("pk", filter=~has_primary)
    )
    return counts["active"], counts["without_primary"]


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
    return MyDay(
        review_comments=review_comments,
        reviews_waiting=supervision.review_count(member=member) if whole else 0,
        workload_flagged=supervision.workload_flagged(member=member, now=now) if whole else None,
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
        plan_reviews=plan_reviews_due(scope=scope, today=today, **first),
        referral_follow_ups=referral_follow_ups_due(scope=scope, today=today, **first),
        group_sessions=sessions_today(member=member, today=today),
        caseloads=caseload_sizes(member=member, **first) if whole else None,
        without_primary_peer=without_primary,
    )


def _check(member: Membership | None) -> None:
    if member is None or not member.is_active or member.role not in STAFF:
        raise ValueError("My day is for the staff of an organization.")


# The lists "See all" opens, by the name of their MyDay field.
LISTS = (
    "follow_ups",
    "plan_reviews",
    "referral_follow_ups",
    "no_contact",
    "new_assignments",
    "crisis_flags",
    "caseloads",
    "review_comments",
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
        read = {
            "follow_ups": follow_ups_due,
            "no_contact": participants_without_contact,
            "new_assignments": assignments_new,
            "crisis_flags": crisis_flags_recent,
            "plan_reviews": plan_reviews_due,
            "referral_follow_ups": referral_follow_ups_due,
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
