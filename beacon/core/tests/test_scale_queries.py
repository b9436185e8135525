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


def test_my_day_does_not_filter_a_peers_caseload_twice(pat_member, jordan):
    with CaptureQueriesContext(connection) as captured:
        myday.follow_ups_due(member=pat_member, today=timezone.localdate())
    (query,) = captured.captured_queries
    peer_id = pat_member.user_id
    # The peer's id appears once: in the one caseload filter.
    assert query["sql"].count(peer_id.hex) + query["sql"].count(str(peer_id)) == 1


def test_open_team_peers_still_see_only_their_caseload_on_my_day(pat_member, jordan, casey):
    pat_member.organization.participants_open_to_team = True
    pat_member.organization.save()
    assert list(myday.myday_participants(member=pat_member)) == [jordan]
    assert set(participants_visible_to(pat_member)) == {jordan, casey}


def test_workload_counts_each_peers_encounters_through_their_own_index(sam, pat, jordan):
    """Without encounter_peer_org SQLite reads the organization's whole month of encounters
    for every peer (39 s at 100,000 encounters, bench/RESULTS.md)."""
    from beacon.supervision.selectors import workload

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL plans from statistics; the index is there for both")
    supervisor = Membership.objects.select_related("organization").get(user=sam)
    with CaptureQueriesContext(connection) as captured:
        workload(member=supervisor)
    (sql,) = [q for q in captured.captured_queries if "organizations_membership" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql["sql"])
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "encounter_peer_org" in plan
    assert "INDEX encounter_org " not in plan


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
    per peer, on the generated `week_minute_utc` in the index encounter_org."""
    from beacon.supervision.selectors import workload

    supervisor = Membership.objects.select_related("organization").get(user=sam)
    with CaptureQueriesContext(connection) as captured:
        workload(member=supervisor)
    (query,) = [q for q in captured.captured_queries if "week_minute_utc" in q["sql"]]
    sql = query["sql"].upper()
    assert "COUNT(*)" in sql and "GROUP BY" in sql
    select_list = sql.split(" FROM ")[0]
    assert "OCCURRED_AT" not in select_list
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "INDEX encounter_org " in plan
