"""The demo's workforce data: partial progress, a renewal coming up, private and shared
check-ins."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from beacon.organizations.models import Membership
from beacon.workforce import selectors
from beacon.workforce.models import WellbeingCheckIn

EVENING = datetime.datetime(2026, 3, 10, 21, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.mark.django_db
def test_the_demo_shows_partial_progress_and_a_renewal_due(demo):
    with time_machine.travel(EVENING, tick=False):
        members = Membership.objects.select_related("user", "organization")
        pat = members.get(user__email="peer@harbor.demo")
        pedro = members.get(user__email="peer2@harbor.demo")

        [working] = selectors.progress_for(member=pat, person=pat).credentials
        assert working.credential.status == "working_toward"
        done = [r for r in working.requirements if r.done_minutes > 0]
        assert done and any(not r.met for r in working.requirements)
        assert any(r.key == "experience" and r.done_minutes > 0 for r in working.requirements)

        [certified] = selectors.progress_for(member=pedro, person=pedro).credentials
        assert certified.credential.status == "certified"
        assert 55 <= certified.days_left <= 65
        assert 0 < certified.renewal[0].done_minutes < certified.renewal[0].required_minutes

        checkins = WellbeingCheckIn.objects.all()
        assert checkins.filter(shared=True).exists() and checkins.filter(shared=False).exists()
