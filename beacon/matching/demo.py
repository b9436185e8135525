"""The demo's matching (docs/matching.md): Harbor's peers with profiles (each sharing some
things and keeping others private), eight people waiting for a peer with what they hope for,
and a year of matches made through matching, with their encounters and BARC-10 scores, for
"What matters locally". Called by beacon/ops/demo.py.

Profiles, preferences and the waiting people go through the services (audited). The year of
history is synthetic and written directly, as the demo's other history is set back in time:
people matched 4 to 13 months ago, discharged since, with their encounters and scores.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from beacon.assessments.models import Assessment
from beacon.encounters.models import Encounter
from beacon.matching import selectors, services
from beacon.matching.choices import ASPECTS
from beacon.matching.models import Match
from beacon.organizations.models import Membership
from beacon.participants.models import CaseloadAssignment, Participant
from beacon.participants.services import next_record_numbers, participant_enroll
from beacon.supervision.models import NoteCosign

# What each peer filled in, and what they chose to share (the rest stays private).
PROFILES = {
    "Pat Peer": (
        {
            "pathway": ["moud", "smart"],
            "language": ["en"],
            "age_band": ["36_50"],
            "gender": ["man"],
            "lived_experience": ["justice", "parenting"],
            "faith": ["secular"],
            "availability": ["mon_morning", "tue_evening", "thu_evening"],
            "place": ["office", "phone"],
            "setting": ["ed", "community"],
        },
        ["pathway", "language", "availability", "place", "setting", "lived_experience"],
    ),
    "Pedro Peer": (
        {
            "pathway": ["12_step", "faith_based"],
            "language": ["en", "es"],
            "age_band": ["26_35"],
            "gender": ["man"],
            "faith": ["christian"],
            "availability": ["tue_evening", "wed_evening", "sat_morning"],
            "place": ["community", "phone", "video"],
            "setting": ["street", "jail"],
        },
        ["pathway", "language", "age_band", "gender", "faith", "availability", "place"],
    ),
    "Ana Reyes": (
        {
            "pathway": ["moud", "harm_reduction"],
            "language": ["en", "es"],
            "age_band": ["36_50"],
            "gender": ["woman"],
            "lived_experience": ["parenting", "homelessness", "mental_health"],
            "availability": ["mon_afternoon", "wed_afternoon", "fri_morning"],
            "place": ["office", "video"],
            "setting": ["ed", "housing"],
        },
        ["pathway", "language", "gender", "lived_experience", "availability", "place"],
    ),
    "Marcus Bell": (
        {
            "pathway": ["12_step"],
            "language": ["en"],
            "age_band": ["51_64"],
            "gender": ["man"],
            "lived_experience": ["military", "chronic_pain"],
            "faith": ["christian"],
            "availability": ["tue_morning", "thu_morning", "sat_morning"],
            "place": ["office", "community"],
        },
        ["pathway", "language", "age_band", "lived_experience", "faith", "availability"],
    ),
    "Grace Nguyen": (
        {
            "pathway": ["recovery_dharma", "natural"],
            "language": ["en", "vi"],
            "age_band": ["18_25"],
            "gender": ["woman"],
            "lived_experience": ["lgbtq", "family_recovery"],
            "faith": ["buddhist"],
            "availability": ["mon_evening", "wed_evening", "sun_afternoon"],
            "place": ["video", "phone"],
            "setting": ["college", "online"],
        },
        ["pathway", "language", "age_band", "gender", "lived_experience", "faith", "place"],
    ),
    "Tom Okafor": (
        {
            "pathway": ["smart", "moud"],
            "language": ["en", "fr"],
            "age_band": ["26_35"],
            "gender": ["man"],
            "lived_experience": ["justice", "homelessness"],
            "availability": ["fri_evening", "sat_afternoon", "sun_afternoon"],
            "place": ["community", "phone"],
            "setting": ["jail", "street"],
        },
        ["pathway", "language", "availability", "place", "setting"],
    ),
}

# The people waiting: (first, last, days waiting, wants, in their words).
WAITING = [
    (
        "Rosa",
        "Delgado",
        9,
        {"language": (["es"], "must"), "gender": (["woman"], "like")},
        "Alguien que hable español, mejor una mujer.",
    ),
    (
        "Kevin",
        "Marsh",
        6,
        {"pathway": (["moud"], "must"), "availability": (["tue_evening"], "like")},
        "Someone who gets being on Suboxone.",
    ),
    (
        "Dana",
        "Whitfield",
        5,
        {"lived_experience": (["parenting"], "like"), "gender": (["woman"], "like")},
        "A mom, if possible.",
    ),
    ("Luis", "Ortega", 4, {"language": (["es"], "like"), "faith": (["christian"], "like")}, ""),
    (
        "Sam",
        "Tran",
        3,
        {"age_band": (["18_25"], "like"), "place": (["video"], "must")},
        "I can only do video calls.",
    ),
    (
        "Earl",
        "Jennings",
        2,
        {"lived_experience": (["military"], "like"), "pathway": (["12_step"], "like")},
        "A vet, ideally.",
    ),
    ("Maya", "Fox", 1, {}, ""),
    (
        "Jordan",
        "Price",
        0,
        {"pathway": (["smart"], "like"), "lived_experience": (["justice"], "like")},
        "",
    ),
]
WAITING_COUNT = len(WAITING)


def _wants(spec: dict) -> dict:
    return {k: {"values": v[0], "strength": v[1]} for k, v in spec.items()}


def demo_matching_create(*, supervisor: Membership, admin: Membership, peers: list, seed: int = 19):
    """Harbor's matching: peers' profiles, a queue of eight, and a year of matches."""
    by_name = {p.user.name: p for p in peers}
    for name, (values, shared) in PROFILES.items():
        member = by_name.get(name)
        if member is not None:
            services.profile_update(member=member, values=values, shared=shared)
    _history(supervisor=supervisor, peers=peers, seed=seed)
    _waiting(supervisor=supervisor)


def _waiting(*, supervisor: Membership) -> None:
    organization = supervisor.organization
    already = len(selectors.queue(organization))
    now = timezone.now()
    for given, family, days, wants, words in WAITING[: max(0, WAITING_COUNT - already)]:
        person = participant_enroll(
            member=supervisor,
            given_name=given,
            family_name=family,
            preferred_language="Spanish" if "es" in str(wants.get("language", "")) else "English",
        )
        Participant.objects.filter(pk=person.pk).update(
            created_at=now - timedelta(days=days, hours=3)
        )
        if wants or words:
            services.preferences_update(
                member=supervisor, participant=person, wants=_wants(wants), in_their_words=words
            )


def _history(*, supervisor: Membership, peers: list, seed: int) -> None:
    """About 120 matches made 4 to 13 months ago through matching, now discharged: pairs who
    shared a pathway or a language saw each other a little more often in their first 90 days."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    organization = supervisor.organization
    now = timezone.now()
    count = 120
    numbers = iter(next_record_numbers(organization, count))
    participants, assignments, matches, encounters, scores = [], [], [], [], []
    aspect_keys = [a.key for a in ASPECTS if a.key != "setting"]
    for n in range(count):
        made = now - timedelta(days=rng.randint(120, 395), hours=rng.randint(0, 23))
        peer = peers[n % len(peers)]
        shared = [k for k in aspect_keys if rng.random() < 0.4]
        person = Participant(
            organization=organization,
            record_number=next(numbers),
            given_name=rng.choice(["Alex", "Jamie", "Robin", "Casey", "Taylor", "Morgan"]),
            family_name=f"History{n:03d}",
            enrolled_on=made.date(),
            discharged_on=(made + timedelta(days=110)).date(),
            discharge_reason="goals_met",
            created_by=supervisor.user,
            created_at=made,
        )
        participants.append(person)
        assignment = CaseloadAssignment(
            participant=person,
            peer=peer.user,
            role="primary",
            started_at=made,
            ended_at=made + timedelta(days=110),
            assigned_by=supervisor.user,
            ended_by=supervisor.user,
            note="Matched",
        )
        assignments.append(assignment)
        matches.append(
            Match(
                organization=organization,
                assignment=assignment,
                participant=person,
                peer=peer.user,
                aspects=shared,
                fit=float(len(shared) * 3),
                made_at=made,
                made_by=supervisor.user,
            )
        )
        seen = 3 + rng.randint(0, 4) + 2 * ("pathway" in shared) + ("language" in shared)
        for k in range(seen):
            encounters.append(
                Encounter(
                    organization=organization,
                    participant=person,
                    peer=peer.user,
                    created_by=peer.user,
                    occurred_at=made + timedelta(days=1 + k * (85 // max(seen, 1))),
                    duration_minutes=rng.choice([30, 45, 60]),
                    modality="in_person",
                    setting="community",
                    kind="one_on_one",
                    topics=["recovery_support"],
                )
            )
        first = rng.randint(20, 34)
        gain = rng.randint(0, 8) + 3 * ("age_band" in shared) + 2 * ("faith" in shared)
        for day, total in (
            (made.date(), first),
            ((made + timedelta(days=90)).date(), min(60, first + gain)),
        ):
            scores.append(
                Assessment(
                    organization=organization,
                    participant=person,
                    instrument="barc10",
                    administered_on=day,
                    answers={},
                    total=total,
                    recorded_by=peer.user,
                )
            )
    Participant.objects.bulk_create(participants)
    CaseloadAssignment.objects.bulk_create(assignments)
    Match.objects.bulk_create(matches)
    Encounter.objects.bulk_create(encounters)
    # A year of history was reviewed at the time: co-signed, so that the supervisor's review
    # queue holds this week's notes, not the new peers' first notes of a year ago.
    NoteCosign.objects.bulk_create(
        NoteCosign(
            organization=organization,
            encounter=encounter,
            encounter_version=encounter.version,
            signed_by=supervisor.user,
        )
        for encounter in encounters
    )
    Assessment.objects.bulk_create(scores)
