"""The figures of the reports, read with aggregate queries (docs/reports.md says what each one
counts). Reads only: nothing here writes, and no figure names a participant.

Every figure of the organization's outcomes is computed by `outcomes()` from the records
themselves, with a fixed number of GROUP BY queries whatever the size of the year; the network's
figures (`network_figures()`) run the same queries once for all member organizations, grouped by
organization, then apply small-cell suppression (beacon/reports/suppression.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace
from uuid import UUID

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beacon.assessments.models import Assessment, Instrument
from beacon.core.access import load_visible
from beacon.encounters.models import CONTACT_KINDS, Encounter, EncounterKind, Setting
from beacon.groups.models import Attendance, GroupSession
from beacon.organizations.models import STAFF_ROLES, Membership, Organization
from beacon.participants.models import Participant, PriorityPopulation
from beacon.plans.models import Area, Goal, GoalStatus
from beacon.referrals.models import OUTCOME_STATUSES, Referral, ReferralStatus
from beacon.reports.models import ActivityKind, CommunityActivity, Network
from beacon.reports.permissions import (
    can_remove_community_activity,
    community_activities_visible_to,
    networks_visible_to,
)
from beacon.reports.suppression import SUPPRESSED, suppress_column

# A BARC-10 total of 47 or more predicted sustained remission (DOMAIN.md, Instruments).
BARC10_REMISSION = 47


# Filters ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    @classmethod
    def last_year(cls, today: datetime.date | None = None) -> Period:
        today = today or timezone.localdate()
        try:
            start = today.replace(year=today.year - 1) + datetime.timedelta(days=1)
        except ValueError:  # 29 February
            start = today.replace(year=today.year - 1, day=28) + datetime.timedelta(days=1)
        return cls(start, today)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = datetime.date(year, month, 1)
        following = datetime.date(year + month // 12, month % 12 + 1, 1)
        return cls(start, following - datetime.timedelta(days=1))

    @property
    def since(self) -> datetime.datetime:
        """The first moment of `start` in the current time zone."""
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    @property
    def until(self) -> datetime.datetime:
        """The first moment after `end` (exclusive bound)."""
        return timezone.make_aware(
            datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min)
        )

    def months(self) -> list[datetime.date]:
        months, day = [], self.start.replace(day=1)
        while day <= self.end:
            months.append(day)
            day = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return months

    def describe(self) -> str:
        return _("%(start)s to %(end)s") % {
            "start": date_format(self.start, "DATE_FORMAT"),
            "end": date_format(self.end, "DATE_FORMAT"),
        }


@dataclass(frozen=True)
class OutcomeFilters:
    """What the outcomes are narrowed to. `peer`: the work of one staff member (their
    encounters, the group sessions they facilitated, the referrals they made, their community
    work; people served, new and active are then the people they served). `population`: the
    participants in one priority population. Programs are added with the programs app."""

    period: Period
    peer: UUID | None = None
    population: UUID | None = None

    def describe(self, *, peer_name: str = "", population_name: str = "") -> str:
        parts = [self.period.describe()]
        if peer_name:
            parts.append(_("peer: %(name)s") % {"name": peer_name})
        if population_name:
            parts.append(_("population: %(name)s") % {"name": population_name})
        return "; ".join(parts)


def peers_for_filter(*, organization) -> list[tuple[UUID, str]]:
    """Staff of the organization (past ones too: their work is in the history)."""
    return [
        (user_id, name or email)
        for user_id, name, email in Membership.objects.filter(
            organization_id=organization.pk, role__in=STAFF_ROLES
        )
        .order_by("user__name", "user__email")
        .values_list("user_id", "user__name", "user__email")
    ]


def populations_for_filter(*, organization) -> list[tuple[UUID, str]]:
    return list(
        PriorityPopulation.objects.filter(
            Q(organization__isnull=True) | Q(organization_id=organization.pk), is_active=True
        )
        .order_by("name")
        .values_list("pk", "name")
    )


# Tables -----------------------------------------------------------------------------------------


@dataclass
class Table:
    """One table of a report: shown on the page, drawn as a chart, downloaded as XLSX."""

    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    # The column drawn as bars (by index), and the label column; None: no chart.
    chart_value: int | None = None
    note: str = ""

    @property
    def chart_points(self) -> list[tuple[str, float]]:
        if self.chart_value is None:
            return []
        return [(str(row[0]), float(row[self.chart_value] or 0)) for row in self.rows]


def hours(minutes: int | None) -> float:
    return round((minutes or 0) / 60, 1)


def percent(part: int, whole: int) -> str:
    if not whole:
        return "-"
    return f"{round(100 * part / whole)}%"


# The organization's outcomes ----------------------------------------------------------------------


@dataclass
class Outcomes:
    organization: Organization
    filters: OutcomeFilters
    served: int
    new: int
    active: int
    tables: dict[str, Table]

    def table(self, key: str) -> Table:
        return self.tables[key]


def _cohort(organization, filters: OutcomeFilters) -> QuerySet[Participant]:
    participants = Participant.objects.current().filter(organization_id=organization.pk)
    if filters.population:
        participants = participants.filter(priority_populations=filters.population)
    return participants


def _encounters(organization, filters: OutcomeFilters) -> QuerySet[Encounter]:
    period = filters.period
    encounters = Encounter.objects.filter(
        organization_id=organization.pk, occurred_at__gte=period.since, occurred_at__lt=period.until
    )
    if filters.peer:
        encounters = encounters.filter(peer_id=filters.peer)
    if filters.population:
        encounters = encounters.filter(participant__priority_populations=filters.population)
    return encounters


def _sessions(organization, filters: OutcomeFilters) -> QuerySet[GroupSession]:
    period = filters.period
    sessions = GroupSession.objects.filter(
        organization_id=organization.pk,
        starts_at__gte=period.since,
        starts_at__lt=period.until,
        cancelled_at__isnull=True,
        starts_at__lte=timezone.now(),
    )
    if filters.peer:
        sessions = sessions.filter(facilitators=filters.peer)
    return sessions


def _attendance(organization, filters: OutcomeFilters) -> QuerySet[Attendance]:
    attendance = Attendance.objects.filter(
        session__in=_sessions(organization, filters), present=True
    )
    if filters.population:
        attendance = attendance.filter(participant__priority_populations=filters.population)
    return attendance


def _served_ids(organization, filters: OutcomeFilters):
    """The participants served in the period: a contact encounter or a group attended."""
    met = (
        _encounters(organization, filters)
        .filter(kind__in=CONTACT_KINDS)
        .order_by()
        .values_list("participant_id", flat=True)
    )
    came = (
        _attendance(organization, filters)
        .filter(participant__isnull=False)
        .order_by()
        .values_list("participant_id", flat=True)
    )
    return met.union(came)


def outcomes(*, organization, filters: OutcomeFilters) -> Outcomes:
    """Every figure of the organization's outcomes page for these filters."""
    period = filters.period
    served_ids = set(_served_ids(organization, filters))
    cohort = _cohort(organization, filters)
    new_q = Q(enrolled_on__gte=period.start, enrolled_on__lte=period.end)
    active_q = Q(enrolled_on__lte=period.end) & (
        Q(discharged_on__isnull=True) | Q(discharged_on__gt=period.end)
    )
    if filters.peer:
        # The people this peer served: new and active among them.
        people = cohort.filter(pk__in=served_ids)
        counts = people.aggregate(
            new=Count("pk", filter=new_q), active=Count("pk", filter=active_q)
        )
    else:
        counts = cohort.aggregate(
            new=Count("pk", filter=new_q), active=Count("pk", filter=active_q)
        )

    tables = {}
    for builder in (
        _encounters_by_kind,
        _encounters_by_setting,
        _groups_table,
        _referrals_table,
        _barc10_table,
        _goals_table,
        _engagement_table,
        _community_table,
    ):
        table = builder(organization, filters, served_ids)
        tables[table.key] = table
    totals = _encounters(organization, filters).aggregate(n=Count("pk"), m=Sum("duration_minutes"))
    tables = {"summary": _summary_table(len(served_ids), counts, totals, tables), **tables}
    return Outcomes(
        organization=organization,
        filters=filters,
        served=len(served_ids),
        new=counts["new"],
        active=counts["active"],
        tables=tables,
    )


def _summary_table(served: int, counts: dict, totals: dict, tables: dict[str, Table]) -> Table:
    referrals = tables["referrals"].rows
    return Table(
        key="summary",
        title=_("At a glance"),
        columns=[_("Figure"), _("Number")],
        rows=[
            [_("People served"), served],
            [_("New participants (enrolled in the period)"), counts["new"]],
            [_("Active participants (at the end of the period)"), counts["active"]],
            [_("Encounters"), totals["n"]],
            [_("Hours of encounters"), hours(totals["m"])],
            [_("Referrals made"), referrals[0][1]],
            [_("Referrals connected"), referrals[3][1]],
        ],
    )


def _by(encounters: QuerySet[Encounter], column: str, labels: dict) -> list[list]:
    rows = {
        value: (count, minutes)
        for value, count, minutes in encounters.order_by()
        .values_list(column)
        .annotate(n=Count("pk"), m=Sum("duration_minutes"))
        .values_list(column, "n", "m")
    }
    return [
        [str(label), rows[value][0], hours(rows[value][1])]
        for value, label in labels.items()
        if value in rows
    ]


def _encounters_by_kind(organization, filters, served_ids) -> Table:
    encounters = _encounters(organization, filters)
    table = Table(
        key="encounters_by_kind",
        title=_("Encounters and hours by kind"),
        columns=[_("Kind"), _("Encounters"), _("Hours")],
        rows=_by(encounters, "kind", dict(EncounterKind.choices)),
        chart_value=1,
    )
    naloxone = encounters.filter(naloxone_provided=True).count()
    table.note = _("Naloxone given in %(count)d of these encounters.") % {"count": naloxone}
    return table


def _encounters_by_setting(organization, filters, served_ids) -> Table:
    return Table(
        key="encounters_by_setting",
        title=_("Encounters and hours by setting"),
        columns=[_("Setting"), _("Encounters"), _("Hours")],
        rows=_by(_encounters(organization, filters), "setting", dict(Setting.choices)),
        chart_value=1,
    )


def _groups_table(organization, filters, served_ids) -> Table:
    sessions = _sessions(organization, filters)
    held = {
        group_id: (name, count, minutes, anonymous)
        for group_id, name, count, minutes, anonymous in sessions.order_by()
        .values_list("group_id")
        .annotate(n=Count("pk"), m=Sum("duration_minutes"), a=Sum("anonymous_count"))
        .values_list("group_id", "group__name", "n", "m", "a")
    }
    attendance = _attendance(organization, filters)
    came = {
        group_id: (total, people, walk_ins)
        for group_id, total, people, walk_ins in attendance.order_by()
        .values_list("session__group_id")
        .annotate(
            total=Count("pk"),
            people=Count("participant_id", distinct=True),
            walk_ins=Count("pk", filter=Q(enrolled=False)),
        )
        .values_list("session__group_id", "total", "people", "walk_ins")
    }
    rows = []
    for group_id, (name, count, minutes, anonymous) in sorted(
        held.items(), key=lambda item: item[1][0]
    ):
        total, people, walk_ins = came.get(group_id, (0, 0, 0))
        rows.append([name, count, hours(minutes), total, people, walk_ins, anonymous or 0])
    return Table(
        key="groups",
        title=_("Groups and attendance"),
        columns=[
            _("Group"),
            _("Sessions held"),
            _("Hours"),
            _("Attendances"),
            _("Participants who came"),
            _("Walk-ins"),
            _("Came anonymously"),
        ],
        rows=rows,
        chart_value=3,
        note=_(
            "Participants who came count each person once per group; walk-ins are "
            "attendances of people not enrolled in the group; people who came anonymously "
            "are counted by the facilitator, not named."
        ),
    )


def _referrals(organization, filters) -> QuerySet[Referral]:
    period = filters.period
    referrals = Referral.objects.filter(
        organization_id=organization.pk,
        created_at__gte=period.since,
        created_at__lt=period.until,
    )
    if filters.peer:
        referrals = referrals.filter(made_by_id=filters.peer)
    if filters.population:
        referrals = referrals.filter(participant__priority_populations=filters.population)
    return referrals


def _referrals_table(organization, filters, served_ids) -> Table:
    counts = _referrals(organization, filters).aggregate(
        made=Count("pk"),
        closed=Count("pk", filter=Q(status__in=OUTCOME_STATUSES)),
        connected=Count("pk", filter=Q(status=ReferralStatus.CONNECTED)),
        not_connected=Count("pk", filter=Q(status=ReferralStatus.NOT_CONNECTED)),
        declined=Count("pk", filter=Q(status=ReferralStatus.DECLINED)),
    )
    made = counts["made"]
    return Table(
        key="referrals",
        title=_("Referrals made and connected"),
        columns=[_("Referrals"), _("Number"), _("Share of those made")],
        rows=[
            [_("Made"), made, percent(made, made)],
            [
                _("Outcome recorded (loop closed)"),
                counts["closed"],
                percent(counts["closed"], made),
            ],
            [_("Still open"), made - counts["closed"], percent(made - counts["closed"], made)],
            [_("Connected"), counts["connected"], percent(counts["connected"], made)],
            [_("Not connected"), counts["not_connected"], percent(counts["not_connected"], made)],
            [_("Declined"), counts["declined"], percent(counts["declined"], made)],
        ],
        chart_value=1,
        note=_(
            "The closed-loop rate is the share of referrals made in the period whose outcome "
            "is recorded: connected, not connected or declined."
        ),
    )


@dataclass
class Barc10Change:
    people: int = 0
    first_mean: float | None = None
    latest_mean: float | None = None
    improved: int = 0
    same: int = 0
    lower: int = 0
    first_remission: int = 0
    latest_remission: int = 0

    @property
    def change(self) -> float | None:
        if self.first_mean is None or self.latest_mean is None:
            return None
        return round(self.latest_mean - self.first_mean, 1)


def barc10_change(*, organization, filters: OutcomeFilters, served_ids) -> Barc10Change:
    """For each person served in the period with two BARC-10s or more up to its end: their
    first and their latest (the latest in the period), paired."""
    rows = (
        Assessment.objects.filter(
            organization_id=organization.pk,
            instrument=Instrument.BARC10,
            participant_id__in=served_ids,
            administered_on__lte=filters.period.end,
        )
        .order_by("participant_id", "administered_on", "created_at")
        .values_list("participant_id", "administered_on", "total")
    )
    first: dict = {}
    latest: dict = {}
    for participant_id, on, total in rows:
        if participant_id not in first:
            first[participant_id] = (on, total)
        else:
            latest[participant_id] = (on, total)
    pairs = [
        (first[p][1], total) for p, (on, total) in latest.items() if on >= filters.period.start
    ]
    change = Barc10Change(people=len(pairs))
    if pairs:
        change.first_mean = round(sum(a for a, _b in pairs) / len(pairs), 1)
        change.latest_mean = round(sum(b for _a, b in pairs) / len(pairs), 1)
        change.improved = sum(1 for a, b in pairs if b > a)
        change.same = sum(1 for a, b in pairs if b == a)
        change.lower = sum(1 for a, b in pairs if b < a)
        change.first_remission = sum(1 for a, _b in pairs if a >= BARC10_REMISSION)
        change.latest_remission = sum(1 for _a, b in pairs if b >= BARC10_REMISSION)
    return change


def _barc10_table(organization, filters, served_ids) -> Table:
    change = barc10_change(organization=organization, filters=filters, served_ids=served_ids)

    def number(value):
        return "-" if value is None else value

    return Table(
        key="barc10",
        title=_("Recovery capital (BARC-10), first to latest"),
        columns=[_("Figure"), _("Value")],
        rows=[
            [_("People with a first and a latest BARC-10 (pairs)"), change.people],
            [_("Average first total"), number(change.first_mean)],
            [_("Average latest total"), number(change.latest_mean)],
            [_("Average change"), number(change.change)],
            [_("People whose total went up"), change.improved],
            [_("People whose total stayed the same"), change.same],
            [_("People whose total went down"), change.lower],
            [_("At 47 or more at first"), change.first_remission],
            [_("At 47 or more at the latest"), change.latest_remission],
        ],
        note=_(
            "Paired: only people served in the period with two BARC-10s or more, the latest "
            "in the period, compare their first total (10-60) with their latest. A total of "
            "47 or more predicted sustained remission (Vilsaint et al. 2017)."
        ),
    )


def _goals_table(organization, filters, served_ids) -> Table:
    goals = Goal.objects.filter(
        plan__organization_id=organization.pk,
        plan__participant_id__in=served_ids,
        area__in=[Area.HOUSING, Area.EMPLOYMENT],
    )
    found = {
        area: (people, achieved)
        for area, people, achieved in goals.order_by()
        .values_list("area")
        .annotate(
            people=Count("plan__participant_id", distinct=True),
            achieved=Count(
                "plan__participant_id", distinct=True, filter=Q(status=GoalStatus.ACHIEVED)
            ),
        )
        .values_list("area", "people", "achieved")
    }
    labels = {Area.HOUSING: _("Housing"), Area.EMPLOYMENT: _("Employment")}
    return Table(
        key="housing_employment",
        title=_("Housing and employment"),
        columns=[_("Area"), _("People with a goal"), _("People who achieved one")],
        rows=[[labels[a], *found.get(a, (0, 0))] for a in (Area.HOUSING, Area.EMPLOYMENT)],
        note=_(
            "Where recorded: the goals in the recovery plans of the people served, as "
            "they stand today."
        ),
    )


def _engagement_table(organization, filters, served_ids) -> Table:
    encounters = _encounters(organization, filters)
    by_month = {
        month.date() if isinstance(month, datetime.datetime) else month: (people, count, minutes)
        for month, people, count, minutes in encounters.order_by()
        .annotate(month=TruncMonth("occurred_at"))
        .values_list("month")
        .annotate(
            people=Count("participant_id", distinct=True, filter=Q(kind__in=CONTACT_KINDS)),
            n=Count("pk"),
            m=Sum("duration_minutes"),
        )
        .values_list("month", "people", "n", "m")
    }
    attended = {
        month.date() if isinstance(month, datetime.datetime) else month: count
        for month, count in _attendance(organization, filters)
        .order_by()
        .annotate(month=TruncMonth("session__starts_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    }
    rows = []
    for month in filters.period.months():
        people, count, minutes = by_month.get(month, (0, 0, 0))
        rows.append(
            [
                date_format(month, "YEAR_MONTH_FORMAT"),
                people,
                count,
                hours(minutes),
                attended.get(month, 0),
            ]
        )
    return Table(
        key="engagement",
        title=_("Engagement over time"),
        columns=[
            _("Month"),
            _("People met"),
            _("Encounters"),
            _("Hours"),
            _("Group attendances"),
        ],
        rows=rows,
        chart_value=2,
        note=_("People met: people with at least one contact encounter in the month."),
    )


def _community(organization, filters) -> QuerySet[CommunityActivity]:
    period = filters.period
    rows = CommunityActivity.objects.filter(
        organization_id=organization.pk, on__gte=period.start, on__lte=period.end
    )
    if filters.peer:
        rows = rows.filter(peer_id=filters.peer)
    return rows


def _community_table(organization, filters, served_ids) -> Table:
    found = {
        kind: (count, minutes, reached, kits)
        for kind, count, minutes, reached, kits in _community(organization, filters)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"), m=Sum("minutes"), r=Sum("people_reached"), k=Sum("naloxone_kits"))
        .values_list("kind", "n", "m", "r", "k")
    }
    return Table(
        key="community",
        title=_("Community work"),
        columns=[
            _("What"),
            _("Times"),
            _("Hours"),
            _("People reached"),
            _("Naloxone kits"),
        ],
        rows=[
            [str(label), found[kind][0], hours(found[kind][1]), found[kind][2], found[kind][3]]
            for kind, label in ActivityKind.choices
            if kind in found
        ],
        chart_value=2,
        note=_(
            "Outreach events, presentations, advocacy, trainings given and naloxone "
            "distribution peers logged; no participant is named in them."
        ),
    )


TABLE_KEYS = (
    "summary",
    "encounters_by_kind",
    "encounters_by_setting",
    "groups",
    "referrals",
    "barc10",
    "housing_employment",
    "engagement",
    "community",
)


# Community work ----------------------------------------------------------------------------------


def community_activity_list(*, member, limit: int = 100) -> list[CommunityActivity]:
    return list(
        community_activities_visible_to(member)
        .select_related("peer")
        .order_by("-on", "-created_at")[:limit]
    )


def community_activity_get_for_member(*, member, pk, for_write: bool = False) -> CommunityActivity:
    return load_visible(
        member=member,
        visible=community_activities_visible_to(member),
        pk=pk,
        for_write=for_write,
        can_write=can_remove_community_activity,
    )


# The statewide view ---------------------------------------------------------------------------


def network_list(*, user) -> list[Network]:
    return list(networks_visible_to(user).annotate(size=Count("members")).order_by("name"))


def network_get_for_user(*, user, pk) -> Network:
    """One network the person sees, or 404 (recorded as a refusal when it exists)."""
    asker = SimpleNamespace(user=user, organization=None)
    return load_visible(member=asker, visible=networks_visible_to(user), pk=pk)


NETWORK_COLUMNS = (
    ("served", gettext_lazy("People served")),
    ("new", gettext_lazy("New participants")),
    ("encounters", gettext_lazy("Encounters")),
    ("hours", gettext_lazy("Hours of encounters")),
    ("attendances", gettext_lazy("Group attendances")),
    ("referrals", gettext_lazy("Referrals made")),
    ("connected", gettext_lazy("Referrals connected")),
    ("barc10_pairs", gettext_lazy("BARC-10 pairs")),
    ("barc10_improved", gettext_lazy("BARC-10 went up")),
    ("community", gettext_lazy("Community work")),
    ("reached", gettext_lazy("People reached in the community")),
    ("naloxone", gettext_lazy("Naloxone kits given")),
)


@dataclass
class NetworkFigures:
    network: Network
    period: Period
    columns: list[str]
    # (organization name, [cell, ...]) with SUPPRESSED for a hidden cell; the total last.
    rows: list[tuple[str, list]]
    total: list
    suppressed: int

    def as_table(self) -> Table:
        return Table(
            key="network",
            title=self.network.name,
            columns=[_("Organization"), *self.columns],
            rows=[[name, *cells] for name, cells in self.rows] + [[_("Total"), *self.total]],
        )


def _per_org(queryset, column: str = "organization_id", **aggregates) -> dict:
    return {
        row[column]: row
        for row in queryset.order_by()
        .values(column)
        .annotate(**aggregates)
        .values(column, *aggregates)
    }


def network_raw_figures(*, organization_ids: list, period: Period) -> dict:
    """{organization id: {figure: number}} for the organizations, in a fixed number of
    grouped queries (one pass over the period's encounters)."""
    since, until = period.since, period.until
    encounters = Encounter.objects.filter(
        organization_id__in=organization_ids, occurred_at__gte=since, occurred_at__lt=until
    )
    sessions = GroupSession.objects.filter(
        organization_id__in=organization_ids,
        starts_at__gte=since,
        starts_at__lt=until,
        cancelled_at__isnull=True,
    )
    attendance = Attendance.objects.filter(session__in=sessions, present=True)
    # People served: a contact encounter or a group attended, each person once.
    served: dict = {}
    for org_id, _participant in (
        encounters.filter(kind__in=CONTACT_KINDS)
        .order_by()
        .values_list("organization_id", "participant_id")
        .union(
            attendance.filter(participant__isnull=False)
            .order_by()
            .values_list("session__organization_id", "participant_id")
        )
    ):
        served[org_id] = served.get(org_id, 0) + 1
    enc = _per_org(encounters, n=Count("pk"), m=Sum("duration_minutes"))
    att = _per_org(attendance, "session__organization_id", n=Count("pk"))
    new = _per_org(
        Participant.objects.current().filter(
            organization_id__in=organization_ids,
            enrolled_on__gte=period.start,
            enrolled_on__lte=period.end,
        ),
        n=Count("pk"),
    )
    referrals = _per_org(
        Referral.objects.filter(
            organization_id__in=organization_ids, created_at__gte=since, created_at__lt=until
        ),
        n=Count("pk"),
        c=Count("pk", filter=Q(status=ReferralStatus.CONNECTED)),
    )
    community = _per_org(
        CommunityActivity.objects.filter(
            organization_id__in=organization_ids, on__gte=period.start, on__lte=period.end
        ),
        n=Count("pk"),
        r=Sum("people_reached"),
        k=Sum("naloxone_kits"),
    )
    barc = _barc10_pairs_per_org(organization_ids=organization_ids, period=period)
    figures = {}
    for org_id in organization_ids:
        e = enc.get(org_id, {})
        r = referrals.get(org_id, {})
        c = community.get(org_id, {})
        pairs, improved = barc.get(org_id, (0, 0))
        figures[org_id] = {
            "served": served.get(org_id, 0),
            "new": new.get(org_id, {}).get("n", 0),
            "encounters": e.get("n", 0),
            "hours": round((e.get("m") or 0) / 60),
            "attendances": att.get(org_id, {}).get("n", 0),
            "referrals": r.get("n", 0),
            "connected": r.get("c", 0),
            "barc10_pairs": pairs,
            "barc10_improved": improved,
            "community": c.get("n", 0),
            "reached": c.get("r") or 0,
            "naloxone": (c.get("k") or 0),
        }
    return figures


def _barc10_pairs_per_org(*, organization_ids, period: Period) -> dict:
    """(pairs, improved) per organization: people with a first BARC-10 and a later one in the
    period (the network's figure does not require a contact in the period)."""
    rows = (
        Assessment.objects.filter(
            organization_id__in=organization_ids,
            instrument=Instrument.BARC10,
            administered_on__lte=period.end,
        )
        .order_by("participant_id", "administered_on", "created_at")
        .values_list("organization_id", "participant_id", "administered_on", "total")
    )
    first: dict = {}
    latest: dict = {}
    for org_id, participant_id, on, total in rows:
        if participant_id not in first:
            first[participant_id] = total
        else:
            latest[participant_id] = (org_id, on, total)
    result: dict = {}
    for participant_id, (org_id, on, total) in latest.items():
        if on < period.start:
            continue
        pairs, improved = result.get(org_id, (0, 0))
        result[org_id] = (pairs + 1, improved + (1 if total > first[participant_id] else 0))
    return result


def network_figures(*, network: Network, period: Period) -> NetworkFigures:
    """Every member organization's figures side by side and the total, with small cells (1 to
    10) and the cells that would reveal them suppressed (beacon/reports/suppression.py)."""
    members = list(
        Organization.objects.filter(pk__in=network.members.values("organization_id"))
        .order_by("name")
        .values_list("pk", "name")
    )
    raw = network_raw_figures(organization_ids=[pk for pk, _name in members], period=period)
    keys = [key for key, _label in NETWORK_COLUMNS]
    columns = {}
    totals = {}
    suppressed = 0
    for key in keys:
        values = [raw[pk][key] for pk, _name in members]
        cells, total = suppress_column(values)
        columns[key] = cells
        totals[key] = total
        suppressed += sum(1 for cell in [*cells, total] if cell is SUPPRESSED)
    rows = [
        (name, [columns[key][index] for key in keys]) for index, (_pk, name) in enumerate(members)
    ]
    return NetworkFigures(
        network=network,
        period=period,
        columns=[str(label) for _key, label in NETWORK_COLUMNS],
        rows=rows,
        total=[totals[key] for key in keys],
        suppressed=suppressed,
    )
