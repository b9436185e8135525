"""Query shapes that keep the busiest pages fast at scale (bench/RESULTS.md).

Counts alone do not catch these: the same number of queries can scan a whole organization's
history or only a peer's caseload.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beacon.myday import selectors as myday
from beacon.organizations.models import Membership
from beacon.participants.permissions import participants_visible_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def pat_member(pat):
    return Membership.objects.select_related("organization").get(user=pat)


def test_a_peers_participants_start_from_their_caseload(pat_member, jordan, casey):
    sql = str(participants_visible_to(pat_member).query)
    # One uncorrelated list of the peer's current assignments, not an EXISTS probe for every
    # participant the organization ever had.
    assert "EXISTS" not in sql.upper()
    assert "participant_id" in sql
    assert list(participants_visible_to(pat_member)) == [jordan]


def test_my_day_reads_a_peers_caseload_once_and_each_list_looks_up_its_ids(pat_member, jordan):
    """Each list filtered with the caseload as a subquery, beside the organization: SQLite,
    planning without statistics, started from the organization's index and read all of its
    participants (or its week of encounters) for every list, 13 ms of SQL for a peer's day
    at org scale; looked up by the caseload's ids, 1 ms."""
    now = timezone.now()
    with CaptureQueriesContext(connection) as captured:
        scope = myday.scope_for(pat_member)
        myday.follow_ups_due(scope=scope, today=timezone.localdate())
        myday.participants_without_contact(scope=scope, today=timezone.localdate())
        myday.assignments_new(scope=scope, now=now)
        myday.crisis_flags_recent(scope=scope, now=now)
        myday.plan_reviews_due(scope=scope, today=timezone.localdate())
        myday.referral_follow_ups_due(scope=scope, today=timezone.localdate())
    assert scope.participant_ids == [jordan.pk]
    caseload, *lists = captured.captured_queries
    assert len(lists) == 6
    peer_id = pat_member.user_id

    def mentions_peer(sql):
        return peer_id.hex in sql or str(peer_id) in sql

    assert mentions_peer(caseload["sql"])
    # The new assignments are the peer's own; no other list asks for the caseload again.
    assert [mentions_peer(q["sql"]) for q in lists] == [False, False, True, False, False, False]
    if connection.vendor != "sqlite":
        return
    for query in [caseload, *lists]:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"], query.get("params") or ())
            plan = " ".join(str(row[3]) for row in cursor.fetchall())
        assert "participant_org" not in plan and "encounter_org" not in plan, plan


def test_open_team_peers_still_see_only_their_caseload_on_my_day(pat_member, jordan, casey):
    pat_member.organization.participants_open_to_team = True
    pat_member.organization.save()
    assert list(myday.myday_participants(member=pat_member)) == [jordan]
    assert set(participants_visible_to(pat_member)) == {jordan, casey}


def test_workload_reads_recent_encounters_from_an_index_alone(sam, pat, jordan):
    """Per-peer subqueries read each peer's encounters through the organization's index (39 s
    at 100,000 encounters, bench/RESULTS.md), then through the peer's own index with a table
    row per encounter; now both counts read only the covering index encounter_org."""
    from beacon.supervision.selectors import workload

    supervisor = Membership.objects.select_related("organization").get(user=sam)
    with CaptureQueriesContext(connection) as captured:
        workload(member=supervisor)
    peers, encounters = captured.captured_queries
    assert "encounters_encounter" not in peers["sql"]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + encounters["sql"])
        plan = [row[3] for row in cursor.fetchall()]
    reads = [step for step in plan if step.startswith(("SEARCH", "SCAN"))]
    assert len(reads) == 2 and all("INDEX encounter_org " in step for step in reads), plan


def test_workload_works_out_no_local_time_per_row_in_sql(sam, pat, jordan):
    """SQLite evaluates a time zone extract as a Python function per row and field: the
    supervisor's My day took 3 s at 100,000 encounters (bench/RESULTS.md)."""
    from beacon.supervision.selectors import workload

    supervisor = Membership.objects.select_related("organization").get(user=sam)
    with CaptureQueriesContext(connection) as captured:
        workload(member=supervisor)
    sql = " ".join(q["sql"] for q in captured.captured_queries).lower()
    assert "django_datetime_extract" not in sql
    assert "extract(" not in sql


def test_workload_counts_outside_hours_in_sql_on_the_stored_minute(sam, pat, jordan):
    """Reading the organization's month of encounters into Python to work out their local
    times took 60+ ms at org scale (12,000 encounters): the count is an aggregate now, one row
    per peer, on the generated `week_minute_utc`."""
    from beacon.supervision.selectors import workload

    supervisor = Membership.objects.select_related("organization").get(user=sam)
    with CaptureQueriesContext(connection) as captured:
        workload(member=supervisor)
    (query,) = [q for q in captured.captured_queries if "week_minute_utc" in q["sql"]]
    sql = query["sql"].upper()
    assert sql.count("GROUP BY") == 2
    for part in sql.split(" UNION ALL "):
        assert "OCCURRED_AT" not in part.split(" FROM ")[0]


def test_the_organization_wide_lists_read_only_active_participants(sam, jordan):
    """Through participant_org_followup each organization-wide list also read the discharged
    participants' rows (two thirds of the organization at org scale); the partial indexes
    hold only the active ones (supervisor's My day: 27 -> 21 ms of CPU at org scale)."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL plans from statistics; the indexes are there for both")
    scope = myday.scope_for(Membership.objects.select_related("organization").get(user=sam))
    with CaptureQueriesContext(connection) as captured:
        myday.follow_ups_due(scope=scope, today=timezone.localdate())
        myday.participants_without_contact(scope=scope, today=timezone.localdate())
    for query in captured.captured_queries:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plan = " ".join(str(row[3]) for row in cursor.fetchall())
        assert "participant_active_" in plan, plan
