"""The participant's home and plan cost the same number of queries however much they hold
(issue 17: flat query counts; bench/endpoints.py measures their time at scale)."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from beacon.checkins import services as checkins
from beacon.messaging import services as messaging
from beacon.plans import services as plans
from beacon.referrals import services as referrals
from conftest import member_of

pytestmark = pytest.mark.django_db


def _queries(client, path: str) -> int:
    client.get(path)  # warm: sessions, the member, caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def _grow(peer, me, record, plan, days: range) -> None:
    """More goals, steps and notes, more check-ins and messages."""
    for n in days:
        goal = plans.goal_add(
            member=peer, plan=plan, domain="purpose", area="employment", description=f"Goal {n}"
        )
        for k in range(3):
            plans.step_add(member=peer, goal=goal, what=f"Step {n}.{k}", who="Riley")
        plans.progress_note_add(member=peer, goal=goal, text=f"Going well {n}.")
        with time_machine.travel(timezone.now() - datetime.timedelta(days=n + 1)):
            checkins.check_in_record(member=me, participant=record, mood=3, note=f"Day {n}")
        messaging.message_write(member=me, participant=record, body=f"Hello {n}")
        messaging.message_answer(member=peer, participant=record, body=f"Hi back {n}")
        _appointment(peer, record, days=n + 2)


def _appointment(peer, record, *, days: int) -> None:
    """A scheduled referral with its appointment (home shows the next one)."""
    referral = referrals.SendReferral(
        member=peer,
        participant=record,
        reason="Primary care.",
        external_name=f"Clinic {days}",
        shared_items=["reason"],
    ).execute()
    referrals.referral_status_change(
        member=peer,
        referral=referral,
        status="scheduled",
        expected_version=1,
        appointment_at=timezone.now() + datetime.timedelta(days=days),
    )


def test_home_and_plan_queries_do_not_grow_with_what_they_hold(
    client_for, pat, riley, riley_record
):
    peer, me = member_of(pat), member_of(riley)
    plan = plans.plan_create(member=peer, participant=riley_record, recovery_means="My own place.")
    riley_record.organization.part2_applies = False  # referrals without a consent to record
    riley_record.organization.save(update_fields=["part2_applies"])
    client = client_for(riley)
    _grow(peer, me, riley_record, plan, range(1))
    small = {path: _queries(client, path) for path in ("/my/", "/my/plan/")}
    _grow(peer, me, riley_record, plan, range(1, 8))
    large = {path: _queries(client, path) for path in ("/my/", "/my/plan/")}
    assert large == small
