"""The demo's support groups: three or four per organization, with months of past sessions and
their attendance (enrolled participants, walk-ins by name, people who gave no name), one session
cancelled and one moved, and sessions to come. Everything goes through the services, so units,
hours and the audit trail are as in real use. (Seeded pseudo-random data, not security.)
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from django.utils import timezone

from beacon.groups import services
from beacon.organizations.models import Membership
from beacon.participants.models import Participant

# (name, kind, pathway, weekdays, start, minutes, place, video)
GROUPS = [
    (
        "All Recovery Meeting",
        "all_recovery",
        "",
        [0, 3],
        time(18, 0),
        60,
        "Main hall",
        "",
    ),
    (
        "Coping Skills Group",
        "skills",
        "",
        [2],
        time(10, 30),
        90,
        "Room 2",
        "",
    ),
    (
        "Family and Friends Circle",
        "family",
        "",
        [1],
        time(19, 0),
        75,
        "",
        "https://meet.example.org/family-circle",
    ),
    (
        "MOUD Peer Support",
        "pathway",
        "moud",
        [4],
        time(12, 0),
        60,
        "Clinic annex",
        "",
    ),
]
WALK_IN_NAMES = ["Sky", "Dee", "Marco", "T.", "Nia", "Sam R.", "Bo", "Lina"]
TOPICS = [
    "boundaries",
    "coping with cravings",
    "sleep",
    "holidays",
    "gratitude",
    "relationships",
    "stress",
    "employment",
    "self-care",
    "what recovery means",
]
NOTES = [
    "Good turnout; people shared openly.",
    "Quiet group tonight. Checked in with everyone at the end.",
    "Two people new to the group; introductions took a while.",
    "",
]
MONTHS_BACK = 5


def demo_groups_create(
    organization, *, supervisor: Membership, peers: list[Membership], count: int, seed: int
) -> list:
    """`count` groups for the organization, run by its peers (the supervisor enrols people)."""
    rng = random.Random(seed)  # noqa: S311
    today = timezone.localdate()
    participants = list(
        Participant.objects.current()
        .filter(organization=organization, discharged_on__isnull=True)
        .order_by("record_number")
    )
    groups = []
    for index, (name, kind, pathway, days, start, minutes, place, video) in enumerate(
        GROUPS[:count]
    ):
        facilitators = [peers[index % len(peers)].user]
        if index == 0 and len(peers) > 1:
            facilitators.append(peers[1].user)
        starts_on = today - timedelta(days=30 * MONTHS_BACK + rng.randint(0, 20))
        group = services.group_create(
            member=supervisor,
            name=name,
            kind=kind,
            pathway=pathway,
            weekdays=days,
            start_time=start,
            duration_minutes=minutes,
            starts_on=starts_on,
            facilitators=facilitators,
            location=place,
            video_url=video,
            description="Open to anyone in recovery, at any stage, by any pathway.",
        )
        enrolled = rng.sample(participants, min(len(participants), rng.randint(5, 9)))
        for participant in enrolled:
            services.group_enroll(member=supervisor, group=group, participant=participant)
        _history(group, supervisor=supervisor, enrolled=enrolled, today=today, rng=rng)
        groups.append(group)
    return groups


def _history(group, *, supervisor, enrolled, today: date, rng: random.Random) -> None:
    past = list(group.sessions.filter(starts_at__lt=timezone.now()).order_by("starts_at"))
    upcoming = list(group.sessions.filter(starts_at__gte=timezone.now()).order_by("starts_at"))
    facilitator = Membership.objects.select_related("organization", "user").get(
        organization_id=group.organization_id, user=group.facilitators.order_by("name").first()
    )
    cancelled_index = len(past) // 2
    for index, session in enumerate(past):
        if index == cancelled_index:
            services.session_cancel(
                member=supervisor, session=session, reason="Holiday: the center was closed."
            )
            continue
        if timezone.localdate(session.starts_at) == today and rng.random() < 0.5:
            continue  # today's session still to be taken
        came = [str(p.pk) for p in enrolled if rng.random() < 0.7]
        session = services.attendance_record(
            member=facilitator,
            session=session,
            present=came,
            anonymous_count=rng.choice([0, 0, 0, 1, 2]),
            topics=rng.sample(TOPICS, 2),
            notes=rng.choice(NOTES),
        )
        if rng.random() < 0.3:
            services.walk_in_add(
                member=facilitator, session=session, name=rng.choice(WALK_IN_NAMES)
            )
    if len(upcoming) > 2:
        moved = upcoming[1]
        services.session_move(
            member=supervisor, session=moved, starts_at=moved.starts_at + timedelta(days=1)
        )
