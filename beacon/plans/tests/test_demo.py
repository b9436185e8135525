"""The demo's plans: most participants have one, with goals across the dimensions, steps and
progress; some reviews are due so My day shows them; some wellness plans."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from beacon.audit.models import AuditEvent
from beacon.myday.selectors import my_day
from beacon.organizations.models import Membership
from beacon.participants.models import Participant
from beacon.plans.models import Goal, PlanReview, RecoveryPlan, WellnessPlan

# Late in the local day: the demo logs today's encounters during working hours.
EVENING = datetime.datetime(2026, 3, 10, 21, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.mark.django_db
def test_the_demo_has_plans_reviews_due_and_wellness_plans(demo):
    with time_machine.travel(EVENING, tick=False):
        active = Participant.objects.current().filter(discharged_on__isnull=True).count()
        plans = RecoveryPlan.objects.count()
        assert plans >= active * 2 // 3
        per_plan = [p.goals.count() for p in RecoveryPlan.objects.all()]
        assert min(per_plan) >= 2 and max(per_plan) <= 4
        assert Goal.objects.values("domain").distinct().count() == 4
        assert PlanReview.objects.exists()
        assert WellnessPlan.objects.exists()
        assert all(p.versions.exists() for p in RecoveryPlan.objects.all())
        assert AuditEvent.objects.filter(action="goal.added").count() == Goal.objects.count()
        pat = Membership.objects.select_related("organization", "user").get(
            user__email="peer@harbor.demo"
        )
        assert my_day(member=pat).plan_reviews.total > 0
