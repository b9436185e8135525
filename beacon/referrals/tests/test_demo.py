"""The demo's referrals: every status of the closed loop, consent-backed disclosures, a
referral in another organization's inbox and follow-ups past due on a peer's My day."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from beacon.audit.chain import verify_chain
from beacon.myday.selectors import my_day
from beacon.organizations.models import Membership
from beacon.referrals.models import Disclosure, Referral, ReferralStatus
from beacon.referrals.selectors import referral_list

EVENING = datetime.datetime(2026, 3, 10, 21, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.mark.django_db
def test_the_demo_has_referrals_through_the_whole_loop(demo):
    with time_machine.travel(EVENING, tick=False):
        statuses = set(Referral.objects.values_list("status", flat=True))
        # The demo participant's referral to Mercy is scheduled (their home shows it).
        assert statuses == set(ReferralStatus.values)
        # Harbor is under Part 2: every referral sharing identifying information disclosed it
        # under a consent naming the recipient.
        assert Disclosure.objects.filter(referral__isnull=False).count() == Referral.objects.count()
        assert not Disclosure.objects.filter(consent__isnull=True).exists()
        pat = Membership.objects.select_related("organization", "user").get(
            user__email="peer@harbor.demo"
        )
        assert my_day(member=pat).referral_follow_ups.total >= 1
        lakeside = Membership.objects.select_related("organization", "user").get(
            user__email="admin@lakeside.demo"
        )
        assert len(referral_list(member=lakeside, box="inbox")) == 2
        assert verify_chain().ok
