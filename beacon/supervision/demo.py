"""The demo's supervision: months of sessions, notes under review, one peer's workload flagged.

(Seeded pseudo-random data, not security: ruff S311 does not apply.)

Everything goes through the services. Harbor asks for a review of each peer's first three
notes and of every crisis note; the supervisor has co-signed some (one with a comment the peer
has not read yet) and a few wait. The second peer has not had supervision for six weeks and
has met people in the evening lately, so the workload page flags them, with the reasons.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from beacon.encounters.models import Encounter
from beacon.encounters.services import encounter_log
from beacon.organizations.models import Membership
from beacon.organizations.services import organization_update_settings
from beacon.supervision import selectors, services

NEXT_STEPS = [
    "Try the boundaries script from our last session with one participant this week.",
    "Block an hour on Friday for notes; no visits after 6 pm.",
    "Read the ethics case study and bring one question.",
    "Practice the warm handoff introduction with a colleague.",
    "Schedule the self-care day you planned.",
]
PRIVATE = [
    "Energy good. Proud of the court-date support.",
    "Sounds stretched; asked about time off. Check in again soon.",
    "Working well with the ED team. Ready to mentor a new peer.",
    "",
]
TOPIC_SETS = [
    ["case_review", "skills"],
    ["boundaries", "self_care"],
    ["ethics", "case_review"],
    ["self_care"],
    ["skills", "boundaries"],
]


def _session(supervisor, peers, held_on: date, rng: random.Random) -> None:
    services.session_record(
        member=supervisor,
        peers=[p.user for p in peers],
        held_on=held_on,
        duration_minutes=rng.choice([45, 60, 60, 90])
        if len(peers) > 1
        else rng.choice([30, 45, 60]),
        kind="group" if len(peers) > 1 else "individual",
        modality=rng.choice(["in_person", "in_person", "video", "phone"]),
        topics=rng.choice(TOPIC_SETS),
        private_notes=rng.choice(PRIVATE),
        next_steps=rng.choice(NEXT_STEPS),
    )


def _history(supervisor, peers, *, seed: int, stop_days: dict) -> None:
    """Individual sessions every two to three weeks and a monthly group session, for six
    months; each peer's history stops `stop_days[peer]` days ago."""
    rng = random.Random(seed)  # noqa: S311 - seeded demo data, not security
    today = timezone.localdate()
    for peer in peers:
        day = today - timedelta(days=180 - rng.randint(0, 10))
        while (today - day).days >= stop_days[peer.pk]:
            _session(supervisor, [peer], day, rng)
            day += timedelta(days=rng.randint(14, 21))
    if len(peers) > 1:
        day = today - timedelta(days=170)
        while (today - day).days >= max(stop_days.values()):
            _session(supervisor, peers, day, rng)
            day += timedelta(days=30)


def _evenings(peer: Membership, rng: random.Random) -> None:
    """Recent encounters after working hours (the workload page's evening signal)."""
    today = timezone.localdate()
    participants = [
        a.participant
        for a in peer.user.caseload_assignments.filter(
            ended_at__isnull=True, participant__discharged_on__isnull=True
        ).select_related("participant")[:5]
    ]
    for i, participant in enumerate(participants):
        day = today - timedelta(days=2 + i * 3)
        encounter_log(
            member=peer,
            participant=participant,
            occurred_at=timezone.make_aware(datetime.combine(day, time(20, 15 + i * 5))),
            duration_minutes=rng.choice([30, 45]),
            modality="phone",
            setting="home",
            kind="check_in",
            topics=["recovery_support"],
            note="Evening call; they wanted to talk before bed. Plans for tomorrow made.",
            follow_up_on=day + timedelta(days=7),
        )


def demo_supervision_create(
    organization, *, admin: Membership, supervisor: Membership, peers: list[Membership], seed: int
) -> None:
    rng = random.Random(seed)  # noqa: S311 - seeded demo data, not security
    organization_update_settings(
        organization=organization,
        actor=admin.user,
        note_review_first_count=3,
        note_review_crisis=True,
    )
    steady, stretched = peers[0], peers[-1]
    _history(
        supervisor,
        peers,
        seed=seed,
        stop_days={steady.pk: 5, stretched.pk: 44} if stretched != steady else {steady.pk: 5},
    )
    if stretched != steady:
        _evenings(stretched, rng)
    # Review: the steady peer's first notes are co-signed, one with a comment not read yet;
    # the crisis note gets a thread and waits; the other peer's first notes wait.
    first = list(
        Encounter.objects.filter(organization=organization, peer=steady.user).order_by(
            "created_at"
        )[:3]
    )
    for i, encounter in enumerate(first):
        if i == 0:
            services.review_comment_add(
                member=supervisor,
                encounter=encounter,
                body=(
                    "Clear and respectful. Next time, add what the participant said they "
                    "want to work on, in their words."
                ),
            )
        services.note_cosign(
            member=supervisor, encounter=encounter, expected_version=encounter.version
        )
    crisis = (
        selectors.reviews_pending(organization=organization)
        .filter(peer=steady.user, crisis_flag=True)
        .order_by("-occurred_at")
        .first()
    )
    if crisis is not None:
        services.review_comment_add(
            member=supervisor,
            encounter=crisis,
            body="Thank you for staying with them in the ED. How are you doing after that night?",
        )
        services.review_comment_add(
            member=steady,
            encounter=crisis,
            body="Tired but OK. Could we talk about it at supervision this week?",
        )


def demo_supervision_small(organization, *, supervisor: Membership, peers, seed: int) -> None:
    """A few months of individual sessions (another organization)."""
    rng = random.Random(seed)  # noqa: S311 - seeded demo data, not security
    today = timezone.localdate()
    for peer in peers:
        for weeks in (20, 16, 12, 8, 4, 1):
            _session(supervisor, [peer], today - timedelta(weeks=weeks), rng)
