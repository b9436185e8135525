from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beacon.accounts.tests.factories import UserFactory
from beacon.participants.selectors import participant_timeline
from beacon.participants.tests.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_caseload_changes(jordan, pat):
    """Twelve peers who each joined and left Jordan's care, a day apart, and one who joined
    before all of them and left after all of them: their leaving is the newest change."""
    now = timezone.now()
    jordan.assignments.update(started_at=now - timedelta(days=40))
    for day in range(12):
        AssignmentFactory(
            participant=jordan,
            peer=UserFactory(),
            role="support",
            started_at=now - timedelta(days=30 - day, hours=12),
            ended_at=now - timedelta(days=30 - day),
        )
    AssignmentFactory(
        participant=jordan,
        peer=UserFactory(),
        role="support",
        started_at=now - timedelta(days=35),
        ended_at=now - timedelta(hours=1),
    )
    changes = []
    for a in jordan.assignments.all():
        changes.append((a.started_at, "assignment", a.pk))
        if a.ended_at:
            changes.append((a.ended_at, "assignment_end", a.pk))
    return sorted(changes, reverse=True)


def test_caseload_changes_page_newest_first_with_none_missed(jordan, many_caseload_changes):
    """Joining and leaving come from one query of assignments ordered by their latest change: a
    peer who joined long ago and left an hour ago is first, and paging on shows every change
    once, in order."""
    seen, before = [], None
    while True:
        page = participant_timeline(participant=jordan, before=before, limit=5)
        seen += [(e.at, e.kind, e.obj.pk) for e in page.entries]
        if page.next_before is None:
            break
        before = page.next_before
    assert seen == many_caseload_changes
    assert seen[0][1] == "assignment_end"
    assert len(seen) == 27  # Jordan's current peer joined; 13 joined and left


def test_caseload_changes_cost_one_query_however_many(jordan, many_caseload_changes):
    with CaptureQueriesContext(connection) as captured:
        participant_timeline(participant=jordan, consents=[], limit=5)
    assignments = [q for q in captured if "participants_caseloadassignment" in q["sql"]]
    assert len(assignments) == 1
