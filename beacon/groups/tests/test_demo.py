"""The demo's groups: several per organization, months of sessions with attendance, a
cancelled and a moved session, sessions to come, and hours for the facilitators."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from beacon.groups.models import Attendance, Group, GroupSession
from beacon.organizations.models import Membership
from beacon.workforce.hours import hours_items

EVENING = datetime.datetime(2026, 3, 10, 21, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.mark.django_db
def test_the_demo_has_groups_with_months_of_sessions(demo):
    with time_machine.travel(EVENING, tick=False):
        now = datetime.datetime.now(datetime.UTC)
        for name, expected in (("Harbor Recovery Community", 4), ("Lakeside Recovery Center", 3)):
            groups = Group.objects.filter(organization__name=name)
            assert groups.count() == expected
            for group in groups:
                held = group.sessions.filter(attendance_recorded_at__isnull=False)
                assert held.count() >= 15
                assert held.order_by("starts_at").first().starts_at < now - datetime.timedelta(
                    days=120
                )
                assert group.sessions.filter(cancelled_at__isnull=False).count() == 1
                assert group.sessions.filter(moved_at__isnull=False).count() == 1
                assert group.sessions.filter(starts_at__gt=now).count() >= 7
        assert Attendance.objects.filter(participant__isnull=True).exists()
        assert GroupSession.objects.filter(anonymous_count__gt=0).exists()
        pat = Membership.objects.get(user__email="peer@harbor.demo")
        assert any(i.source == "groups" for i in hours_items(user=pat.user))
