"""Workload signals: each against its documented threshold, the flag at two, flat queries."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beacon.encounters.models import Encounter
from beacon.encounters.tests.factories import EncounterFactory
from beacon.organizations.models import Role
from beacon.organizations.tests.factories import MembershipFactory
from beacon.participants.tests.factories import AssignmentFactory, ParticipantFactory
from beacon.supervision import selectors
from beacon.supervision.tests.factories import record
from conftest import member_of

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("America/New_York")
# A Wednesday, noon in the organization's time zone.
NOW = datetime.datetime(2026, 3, 11, 12, 0, tzinfo=TZ)


def at(day_offset, hour, minute=0):
    day = NOW.date() + datetime.timedelta(days=day_offset)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


def row_for(user, supervisor):
    rows = selectors.workload(member=member_of(supervisor), now=NOW)
    return next(r for r in rows if r.membership.user_id == user.pk)


def signal(row, key):
    return next(s for s in row.signals if s.key == key)


def caseload(org, peer, n):
    for _ in range(n):
        AssignmentFactory(participant=ParticipantFactory(organization=org), peer=peer)


def test_caseload_is_high_above_the_cap(harbor, sam, pat):
    harbor.caseload_cap = 3
    harbor.save()
    caseload(harbor, pat, 3)
    assert not signal(row_for(pat, sam), "caseload").high
    caseload(harbor, pat, 1)
    s = signal(row_for(pat, sam), "caseload")
    assert s.high and s.value == 4
    assert s.reason == "Caseload of 4 is above the organization's cap of 3."


def test_crisis_flags_in_the_last_week(harbor, sam, pat, jordan):
    for days in (1, 3):
        EncounterFactory(participant=jordan, peer=pat, crisis_flag=True, occurred_at=at(-days, 10))
    EncounterFactory(participant=jordan, peer=pat, crisis_flag=True, occurred_at=at(-9, 10))
    assert signal(row_for(pat, sam), "crisis").value == 2
    assert not signal(row_for(pat, sam), "crisis").high
    EncounterFactory(participant=jordan, peer=pat, crisis_flag=True, occurred_at=at(-6, 10))
    s = signal(row_for(pat, sam), "crisis")
    assert s.high and s.reason == "3 encounters with a crisis flag in the last 7 days."


def test_outside_working_hours_in_local_time_and_weekends(harbor, sam, pat, jordan):
    # Working hours 8:00-18:00 (the defaults), America/New_York.
    inside = [at(-1, 8, 0), at(-1, 17, 59), at(-2, 12)]
    outside = [at(-1, 7, 59), at(-1, 18, 0), at(-2, 22, 30), at(-3, 23)]
    saturday = at(-4, 11)  # 2026-03-07 is a Saturday
    assert saturday.isoweekday() == 6
    for when in inside:
        EncounterFactory(participant=jordan, peer=pat, occurred_at=when, duration_minutes=30)
    for when in [*outside, saturday]:
        EncounterFactory(participant=jordan, peer=pat, occurred_at=when, duration_minutes=30)
    EncounterFactory(participant=jordan, peer=pat, occurred_at=at(-40, 23))  # too long ago
    row = row_for(pat, sam)
    s = signal(row, "outside_hours")
    assert (s.value, row.outside_minutes, s.high) == (5, 150, True)
    assert s.reason == "5 encounters outside working hours in the last 30 days (2.5 hours)."
    # Move the working day: the same encounters count differently.
    harbor.workday_starts, harbor.workday_ends = datetime.time(7, 0), datetime.time(23, 0)
    harbor.save()
    assert signal(row_for(pat, sam), "outside_hours").value == 2  # 23:00 and Saturday


def test_overnight_working_hours(harbor, sam, pat, jordan):
    harbor.workday_starts, harbor.workday_ends = datetime.time(20, 0), datetime.time(6, 0)
    harbor.save()
    EncounterFactory(participant=jordan, peer=pat, occurred_at=at(-1, 23))
    EncounterFactory(participant=jordan, peer=pat, occurred_at=at(-1, 12))
    assert signal(row_for(pat, sam), "outside_hours").value == 1


@pytest.mark.parametrize(
    "now",
    [NOW, datetime.datetime(2026, 11, 4, 12, 0, tzinfo=TZ)],  # spring and autumn changes
    ids=["spring", "autumn"],
)
@pytest.mark.parametrize(
    "hours",
    [((8, 0), (18, 0)), ((20, 0), (6, 0)), ((7, 30), (16, 45)), ((9, 0), (9, 0))],
    ids=["day", "overnight", "odd-minutes", "around-the-clock"],
)
def test_the_count_in_sql_follows_the_rule_across_a_daylight_saving_change(
    harbor, sam, pat, jordan, now, hours
):
    """Every 37 minutes of the 30 days (which hold a daylight saving change), and each minute
    either side of each working day's edges: the SQL count on the stored UTC minute of the
    week is the rule outside_working_hours() applied to each local time."""
    harbor.workday_starts, harbor.workday_ends = (datetime.time(*t) for t in hours)
    harbor.save()
    since = now - datetime.timedelta(days=selectors.OUTSIDE_DAYS)
    moments = [since + datetime.timedelta(minutes=37 * k) for k in range(1, 30 * 24 * 60 // 37)]
    for day in range(1, 30):
        local_day = (since + datetime.timedelta(days=day)).astimezone(TZ).date()
        for edge in (harbor.workday_starts, harbor.workday_ends):
            at_edge = datetime.datetime.combine(local_day, edge, tzinfo=TZ)
            moments += [at_edge - datetime.timedelta(minutes=1), at_edge]
    Encounter.objects.bulk_create(
        Encounter(
            organization=harbor,
            participant=jordan,
            peer=pat,
            created_by=pat,
            occurred_at=moment,
            duration_minutes=1,
            modality="phone",
            setting="community",
            kind="check_in",
        )
        for moment in moments
    )
    expected = sum(
        selectors.outside_working_hours(harbor, moment.astimezone(TZ)) for moment in moments
    )
    assert 0 < expected < len(moments) or hours[0] == hours[1]
    row = next(
        r
        for r in selectors.workload(member=member_of(sam), now=now)
        if r.membership.user_id == pat.pk
    )
    assert (row.outside_hours, row.outside_minutes) == (expected, expected)


def test_a_corrected_time_is_counted_where_it_now_falls(harbor, sam, pat, jordan):
    encounter = EncounterFactory(participant=jordan, peer=pat, occurred_at=at(-1, 12))
    assert signal(row_for(pat, sam), "outside_hours").value == 0
    Encounter.objects.filter(pk=encounter.pk).update(occurred_at=at(-1, 21))
    assert signal(row_for(pat, sam), "outside_hours").value == 1


def test_days_since_supervision(harbor, sam, pat, quinn):
    record(sam, [pat], held_on=NOW.date() - datetime.timedelta(days=30))
    s = signal(row_for(pat, sam), "supervision")
    assert (s.value, s.high) == (30, False)
    record(sam, [quinn], held_on=NOW.date() - datetime.timedelta(days=31))
    s = signal(row_for(quinn, sam), "supervision")
    assert (s.value, s.high) == (31, True)
    assert s.reason == "Last supervision session was 31 days ago."


def test_never_supervised_is_high_only_after_the_first_month(harbor, sam, pat):
    membership = member_of(pat)
    membership.created_at = NOW - datetime.timedelta(days=10)
    membership.save()
    s = signal(row_for(pat, sam), "supervision")
    assert s.value is None and not s.high
    membership.created_at = NOW - datetime.timedelta(days=45)
    membership.save()
    s = signal(row_for(pat, sam), "supervision")
    assert s.high and s.reason == "No supervision session recorded yet."


def test_flagged_when_two_signals_are_high(harbor, sam, pat, quinn, jordan):
    harbor.caseload_cap = 1
    harbor.save()
    for user in (pat, quinn):
        record(sam, [user], held_on=NOW.date() - datetime.timedelta(days=2))
    caseload(harbor, pat, 1)  # jordan plus one: above the cap of 1
    row = row_for(pat, sam)
    assert [s.key for s in row.high] == ["caseload"] and not row.flagged
    for days in (1, 2, 3):
        EncounterFactory(participant=jordan, peer=pat, crisis_flag=True, occurred_at=at(-days, 9))
    row = row_for(pat, sam)
    assert row.flagged and [s.key for s in row.high] == ["caseload", "crisis"]
    flagged = selectors.workload_flagged(member=member_of(sam), now=NOW)
    assert [r.membership.user for r in flagged] == [pat]


def test_only_supervisors_and_admins_see_workload(harbor, sam, ada, pat, olive):
    assert selectors.workload(member=member_of(pat), now=NOW) == []
    assert {r.membership.user for r in selectors.workload(member=member_of(ada), now=NOW)} == {pat}
    # Olive's organization has no peers of Harbor's.
    assert selectors.workload(member=member_of(olive), now=NOW) == []


def _grow(org, n):
    for _ in range(n):
        peer = MembershipFactory(organization=org, role=Role.PEER).user
        participant = ParticipantFactory(organization=org)
        AssignmentFactory(participant=participant, peer=peer)
        for hour in (3, 12, 22):
            EncounterFactory(participant=participant, peer=peer, occurred_at=at(-1, hour))
        EncounterFactory(
            participant=participant, peer=peer, crisis_flag=True, occurred_at=at(-2, 9)
        )


def test_two_queries_however_many_peers_and_encounters(harbor, sam):
    """The signals in one query, the encounters outside working hours in a second."""
    member = member_of(sam)
    _grow(harbor, 2)
    with CaptureQueriesContext(connection) as small:
        selectors.workload(member=member, now=NOW)
    _grow(harbor, 20)
    with CaptureQueriesContext(connection) as large:
        rows = selectors.workload(member=member, now=NOW)
    assert len(rows) == 22
    assert len(small) == len(large) == 2
