"""The demo's supervision: months of history, notes waiting for review, one with comments,
and exactly one flagged peer on the workload page."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from beacon.myday.selectors import my_day
from beacon.ops.demo import demo_data_create
from beacon.organizations.models import Membership
from beacon.supervision import selectors
from beacon.supervision.models import ReviewComment, SupervisionSession
from beacon.workforce.hours import hours_items

MORNING = datetime.datetime(2026, 3, 10, 9, 30, tzinfo=ZoneInfo("America/New_York"))


def member(email):
    return Membership.objects.select_related("organization", "user").get(user__email=email)


@pytest.mark.django_db
def test_the_demo_has_supervision_history_reviews_and_one_flagged_peer():
    with time_machine.travel(MORNING, tick=False):
        demo_data_create()
        sam, pat = member("supervisor@harbor.demo"), member("peer@harbor.demo")
        held = SupervisionSession.objects.filter(organization=sam.organization)
        assert held.count() >= 12
        span = held.order_by("held_on").first().held_on, held.order_by("held_on").last().held_on
        assert (span[1] - span[0]).days >= 120
        assert sum(i.minutes for i in hours_items(user=pat.user)) >= 8 * 60
        queue = selectors.review_queue(member=sam)
        assert 3 <= queue.total <= 10
        assert ReviewComment.objects.values("encounter").distinct().count() >= 2
        flagged = selectors.workload_flagged(member=sam)
        assert [w.membership.user.email for w in flagged] == ["peer2@harbor.demo"]
        assert {s.key for s in flagged[0].high} >= {"supervision", "outside_hours"}
        assert my_day(member=pat).review_comments.total >= 1
        lee = member("admin@lakeside.demo")
        assert selectors.session_list(member=lee).count() == 6
