"""The demo's certification hours, trainings and wellbeing check-ins, written through the
services (audited as in real use). Seeded pseudo-random data, not security.

Pat works toward IC&RC Peer Recovery with trainings over the past months (partial progress;
experience comes from the demo encounters). Pedro is certified, with renewal due in about 60
days and some continuing education done, so the 90-day reminder is due.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from beacon.organizations.models import Membership
from beacon.workforce import services
from beacon.workforce.models import CredentialDefinition, WellbeingCheckIn

ICRC = "IC&RC Peer Recovery (PR)"

# (course, provider, {domain: hours}, months ago)
PAT_TRAININGS = [
    (
        "Peer Recovery Support Foundations",
        "State Peer Training Institute",
        {"advocacy": 6, "recovery_wellness": 6},
        9,
    ),
    ("Ethics for Peer Specialists", "Recovery Coach Academy", {"ethics": 8}, 7),
    ("Mentoring and Motivational Conversations", "Harbor Recovery Community", {"mentoring": 6}, 5),
    ("Advocacy in the Community", "Statewide Recovery Network", {"advocacy": 4, "general": 2}, 3),
    ("Wellness and Recovery Planning", "Harbor Recovery Community", {"recovery_wellness": 2.5}, 1),
]
PEDRO_CE = [
    ("Boundaries and Dual Relationships", "Recovery Coach Academy", {"ethics": 3}, 14),
    ("Harm Reduction Essentials", "Statewide Recovery Network", {"harm_reduction": 6}, 9),
    ("Naloxone Train-the-Trainer", "County Health Department", {"recovery_wellness": 3}, 4),
]
NOTES = [
    "Long week. Two hard calls. Walked the dog after work and it helped.",
    "Slept better. Good supervision today.",
    "Feeling stretched thin with the new referrals.",
    "",
    "Went to my own meeting for the first time in a while.",
]
# A minimal one-page PDF, so the demo's certificate download works.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _months_ago(today: date, months: int, rng: random.Random) -> date:
    return today - timedelta(days=30 * months + rng.randint(0, 10))


def demo_workforce_create(
    organization, *, peers: list[Membership], supervisor: Membership, seed: int
) -> None:
    rng = random.Random(seed)  # noqa: S311 - demo data
    today = timezone.localdate()
    icrc = CredentialDefinition.objects.get(organization=None, name=ICRC)
    pat, pedro = peers[0], peers[1]

    services.credential_add(
        member=pat,
        person=pat,
        definition=icrc,
        values={"status": "working_toward", "started_on": today - timedelta(days=330)},
    )
    for i, (course, provider, hours, months) in enumerate(PAT_TRAININGS):
        services.training_create(
            member=pat,
            values={
                "course": course,
                "provider": provider,
                "completed_on": _months_ago(today, months, rng),
                "hours": hours,
            },
            certificate=services.Upload("certificate.pdf", DEMO_PDF) if i == 0 else None,
        )

    certified_on = services.add_months(today, -24) + timedelta(days=60)
    services.credential_add(
        member=supervisor,
        person=pedro,
        definition=icrc,
        values={
            "status": "certified",
            "certified_on": certified_on,
            "exam_passed_on": certified_on - timedelta(days=20),
            "credential_number": "PR-204118",
        },
    )
    for course, provider, hours, months in PEDRO_CE:
        services.training_create(
            member=pedro,
            values={
                "course": course,
                "provider": provider,
                "completed_on": _months_ago(today, months, rng),
                "hours": hours,
            },
        )

    for member, count in ((pat, 5), (pedro, 3)):
        for i in range(count):
            checkin = services.checkin_create(
                member=member,
                stress=rng.randint(2, 5),
                sleep=rng.randint(2, 5),
                support=rng.randint(2, 5),
                note=NOTES[(i + count) % len(NOTES)],
                shared=i % 2 == 0,
            )
            # Spread over the past weeks (the demo's only direct write: a date, not content).
            when = timezone.now() - timedelta(days=7 * (count - i), hours=rng.randint(0, 8))
            WellbeingCheckIn.objects.filter(pk=checkin.pk).update(created_at=when)
