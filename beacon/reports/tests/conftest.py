"""A small crafted dataset whose every figure is worked out by hand in test_outcomes.py.

Harbor, the period 2026-01-01 to 2026-06-30 (times at noon, New York):

participants  enrolled     discharged   population  served in the period by
A  Avery      2025-11-01   -            Veterans    Pat (encounters), the group
B  Blake      2026-02-10   -            -           Quinn (encounters)
C  Cam        2026-03-01   2026-05-01   -           Pat (encounter)
D  Dana       2025-06-01   2025-12-01   -           nobody (an encounter before the period)
E  Emery      2026-07-15   -            -           nobody (enrolled after the period)
F  Finley     2025-01-01   -            Veterans    the group (a walk-in)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from beacon.assessments.models import Assessment
from beacon.encounters.tests.factories import EncounterFactory
from beacon.groups.models import Attendance, Group, GroupSession
from beacon.participants.models import PriorityPopulation
from beacon.participants.tests.factories import ParticipantFactory
from beacon.plans.models import Goal, RecoveryPlan
from beacon.referrals.models import Referral
from beacon.reports.models import CommunityActivity
from beacon.reports.selectors import OutcomeFilters, Period

PERIOD = Period(datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))


def noon(day: str) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(12))
    )


@dataclass
class Crafted:
    people: dict[str, Any]
    veterans: PriorityPopulation
    filters: OutcomeFilters


@pytest.fixture
def crafted(harbor, pat, quinn, sam):
    veterans = PriorityPopulation.objects.create(organization=harbor, name="Veterans (test)")
    enrolled = {
        "A": ("Avery", "2025-11-01", None),
        "B": ("Blake", "2026-02-10", None),
        "C": ("Cam", "2026-03-01", "2026-05-01"),
        "D": ("Dana", "2025-06-01", "2025-12-01"),
        "E": ("Emery", "2026-07-15", None),
        "F": ("Finley", "2025-01-01", None),
    }
    people = {}
    for key, (name, on, out) in enrolled.items():
        people[key] = ParticipantFactory(
            organization=harbor,
            given_name=name,
            family_name="Test",
            created_by=pat,
            enrolled_on=datetime.date.fromisoformat(on),
            discharged_on=datetime.date.fromisoformat(out) if out else None,
            discharge_reason="goals_met" if out else "",
        )
    for key in ("A", "F"):
        people[key].priority_populations.add(veterans)
    a, b, c, d, _e, f = (people[k] for k in "ABCDEF")

    def encounter(who, peer, day, kind, setting, minutes, **extra):
        EncounterFactory(
            participant=who,
            peer=peer,
            occurred_at=noon(day),
            kind=kind,
            setting=setting,
            duration_minutes=minutes,
            **extra,
        )

    encounter(a, pat, "2026-01-10", "one_on_one", "community", 60, naloxone_provided=True)
    encounter(a, pat, "2026-02-05", "check_in", "online", 30)
    encounter(b, quinn, "2026-02-15", "one_on_one", "ed_hospital", 30)
    encounter(b, quinn, "2026-03-01", "attempted", "community", 10)
    encounter(c, pat, "2026-03-20", "warm_handoff", "ed_hospital", 90)
    encounter(d, pat, "2025-12-20", "one_on_one", "community", 30)  # before the period
    encounter(a, pat, "2026-07-02", "one_on_one", "community", 30)  # after it

    group = Group.objects.create(
        organization=harbor,
        name="Skills group",
        kind="all_recovery",
        weekdays=[1],
        start_time=datetime.time(12),
        duration_minutes=90,
        starts_on=datetime.date(2026, 4, 7),
        created_by=sam,
    )
    held = GroupSession.objects.create(
        group=group,
        organization=harbor,
        occurrence=noon("2026-04-07"),
        starts_at=noon("2026-04-07"),
        duration_minutes=90,
        anonymous_count=2,
    )
    held.facilitators.add(pat)
    cancelled = GroupSession.objects.create(
        group=group,
        organization=harbor,
        occurrence=noon("2026-04-14"),
        starts_at=noon("2026-04-14"),
        duration_minutes=90,
        cancelled_at=noon("2026-04-13"),
    )
    cancelled.facilitators.add(pat)
    Attendance.objects.create(session=held, participant=a, enrolled=True, recorded_by=pat)
    Attendance.objects.create(session=held, participant=f, enrolled=False, recorded_by=pat)
    Attendance.objects.create(session=held, name="Visitor", enrolled=False, recorded_by=pat)
    # A mistaken tap, undone: not an attendance.
    Attendance.objects.create(
        session=held, participant=b, enrolled=True, present=False, recorded_by=pat
    )

    def referral(who, peer, day, status):
        Referral.objects.create(
            organization=harbor,
            participant=who,
            made_by=peer,
            recipient_name="Housing desk",
            reason="Housing application",
            status=status,
            status_reason="Not now" if status in ("declined", "not_connected") else "",
            created_at=noon(day),
        )

    referral(a, pat, "2026-02-01", "connected")
    referral(b, quinn, "2026-03-01", "sent")
    referral(c, pat, "2026-04-01", "declined")
    referral(a, pat, "2025-12-01", "connected")  # before the period

    def barc(who, day, total):
        Assessment.objects.create(
            organization=harbor,
            participant=who,
            instrument="barc10",
            administered_on=datetime.date.fromisoformat(day),
            total=total,
            recorded_by=pat,
        )

    barc(a, "2025-11-05", 30)
    barc(a, "2026-03-01", 40)
    barc(a, "2026-06-01", 44)
    barc(b, "2026-02-20", 50)
    barc(c, "2026-03-20", 48)
    barc(c, "2026-04-20", 45)
    barc(f, "2025-05-01", 40)
    barc(f, "2025-10-01", 40)

    def goals(who, *areas):
        plan = RecoveryPlan.objects.create(organization=harbor, participant=who, created_by=pat)
        for area, status in areas:
            domain = "home" if area == "housing" else "purpose"
            Goal.objects.create(
                plan=plan, domain=domain, area=area, description="A goal", status=status
            )

    goals(a, ("housing", "achieved"), ("employment", "in_progress"))
    goals(c, ("housing", "not_started"))
    goals(d, ("housing", "achieved"))  # not served in the period

    def community(peer, kind, day, minutes, reached, kits=0):
        CommunityActivity.objects.create(
            organization=harbor,
            peer=peer,
            created_by=peer,
            kind=kind,
            on=datetime.date.fromisoformat(day),
            minutes=minutes,
            people_reached=reached,
            naloxone_kits=kits,
        )

    community(pat, "outreach_event", "2026-03-10", 120, 40)
    community(pat, "naloxone", "2026-04-10", 60, 15, kits=12)
    community(quinn, "presentation", "2026-05-05", 90, 25)
    community(pat, "advocacy", "2025-12-01", 60, 5)  # before the period

    return Crafted(people=people, veterans=veterans, filters=OutcomeFilters(period=PERIOD))
