"""Group fixtures: "Tuesday circle" at Harbor, every day at 10:00 for an hour since four weeks
ago (so there are past sessions to record and sessions to come), facilitated by Pat, with
Jordan (Pat's caseload) and Casey (Quinn's) enrolled."""

import datetime

import pytest
from django.utils import timezone

from beacon.groups import services
from beacon.groups.models import GroupSession
from conftest import member_of


@pytest.fixture
def make_group():
    def make(user, **fields):
        fields.setdefault("name", "Tuesday circle")
        fields.setdefault("kind", "all_recovery")
        fields.setdefault("weekdays", list(range(7)))
        fields.setdefault("start_time", datetime.time(10, 0))
        fields.setdefault("duration_minutes", 60)
        fields.setdefault("starts_on", timezone.localdate() - datetime.timedelta(days=28))
        fields.setdefault("facilitators", [user])
        fields.setdefault("location", "Harbor hall, room 2")
        return services.group_create(member=member_of(user), **fields)

    return make


@pytest.fixture
def group(make_group, pat, sam, jordan, casey):
    group = make_group(pat)
    services.group_enroll(member=member_of(sam), group=group, participant=jordan)
    services.group_enroll(member=member_of(sam), group=group, participant=casey)
    return group


def past_session(group, days_ago=7) -> GroupSession:
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return next(
        s for s in group.sessions.order_by("starts_at") if timezone.localdate(s.starts_at) == day
    )


@pytest.fixture
def session(group):
    return past_session(group)


@pytest.fixture
def mercy_referral(jordan, pat):
    """A referral of Jordan's waiting for an outcome, follow-up in five days (no consent
    needed: only the reason is shared)."""
    from beacon.directory.models import DirectoryOrganization, Service
    from beacon.referrals.services import SendReferral

    org = DirectoryOrganization.objects.create(hsds_id="org-mercy", name="Mercy")
    service = Service.objects.create(hsds_id="svc-mercy", organization=org, name="Mercy MOUD")
    return SendReferral(
        member=member_of(pat),
        participant=jordan,
        to_service=service,
        reason="Wants to start buprenorphine.",
        shared_items=["reason"],
        follow_up_due_on=timezone.localdate() + datetime.timedelta(days=5),
    ).execute()
