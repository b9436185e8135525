"""The demo's assessments: BARC-10s months apart with real trends, stages of change, and one
organization questionnaire with two versions and answers to each.

(Seeded pseudo-random data, not security: ruff S311 does not apply.) Everything goes through
the services, so totals are computed and the audit trail is complete, as in real use.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from beacon.assessments import services
from beacon.assessments.instruments import SCALE_MAX, SCALE_MIN, TOTAL_MAX, TOTAL_MIN
from beacon.organizations.models import Membership
from beacon.participants.models import Participant, StageOfChange

STAGES = list(StageOfChange.values)

CHECKIN_V1 = [
    {
        "key": "sleep",
        "text": "How many hours did you sleep last night?",
        "kind": "number",
        "min": 0,
        "max": 24,
        "required": True,
    },
    {
        "key": "mood",
        "text": "How has your mood been this week?",
        "kind": "choice",
        "choices": ["Low", "Okay", "Good"],
        "required": True,
    },
    {"key": "meeting", "text": "Did you go to a mutual-support meeting?", "kind": "yes_no"},
    {"key": "anything_else", "text": "Anything else you want us to know?", "kind": "text"},
]
# Version 2: more room in the mood scale, a question about who to call; old answers keep v1.
CHECKIN_V2 = [
    CHECKIN_V1[0],
    {**CHECKIN_V1[1], "choices": ["Low", "Mixed", "Okay", "Good", "Great"]},
    {**CHECKIN_V1[2], "text": "Did you go to a mutual-support meeting or group this week?"},
    {
        "key": "someone_to_call",
        "text": "Is there someone you could call if things got hard?",
        "kind": "yes_no",
        "required": True,
    },
    CHECKIN_V1[3],
]


def _answers_for(total: int, rng: random.Random) -> list[int]:
    """Ten answers (1-6) that add up to `total`, uneven the way real answers are."""
    total = max(TOTAL_MIN, min(TOTAL_MAX, total))
    scores = [
        max(SCALE_MIN, min(SCALE_MAX, round(total / 10 + rng.uniform(-1.2, 1.2))))
        for _ in range(10)
    ]
    while sum(scores) != total:
        i = rng.randrange(10)
        if sum(scores) < total and scores[i] < SCALE_MAX:
            scores[i] += 1
        elif sum(scores) > total and scores[i] > SCALE_MIN:
            scores[i] -= 1
    return scores


def _totals(kind: str, start: int, steps: int, rng: random.Random) -> list[int]:
    totals = [start]
    for step in range(1, steps):
        last = totals[-1]
        if kind == "rising":
            change = rng.randint(2, 7)
        elif kind == "flat":
            change = rng.randint(-2, 2)
        else:  # dipping: some progress, then a hard stretch
            change = rng.randint(1, 3) if step == 1 else -rng.randint(5, 8)
        totals.append(max(TOTAL_MIN, min(TOTAL_MAX - 2, last + change)))
    return totals


def _schedule(enrolled: date, today: date, rng: random.Random) -> list[date]:
    """A first BARC-10 soon after enrolment, then one every six to ten weeks."""
    days = []
    day = enrolled + timedelta(days=rng.randint(0, 7))
    while day <= today:
        days.append(day)
        day += timedelta(days=rng.randint(42, 70))
    return days


def demo_assessments_create(
    organization, *, admin: Membership, peers: list[Membership], seed: int = 4
) -> int:
    """Give the active participants on `peers`' caseloads BARC-10s and stages of change
    (mostly rising, some flat, one dipping), and build one questionnaire (`admin`, an
    organization admin) with two versions answered by a few participants. Returns how many
    assessments were recorded."""
    rng = random.Random(seed)  # noqa: S311 - seeded demo data, not security
    today = timezone.localdate()
    recorded = 0
    answered_v1: list[tuple[Membership, Participant]] = []
    dipped = False

    questionnaire = services.questionnaire_create(
        member=admin,
        name="Monthly wellbeing check-in",
        description="A short check-in peers go through with participants once a month.",
        items=CHECKIN_V1,
        publish=True,
    )
    v1 = questionnaire.versions.get(number=1)

    for peer in peers:
        participants = Participant.objects.filter(
            organization=organization,
            assignments__peer_id=peer.user_id,
            assignments__ended_at__isnull=True,
            discharged_on__isnull=True,
            merged_into__isnull=True,
        ).order_by("enrolled_on", "record_number")
        for index, participant in enumerate(participants):
            days = _schedule(participant.enrolled_on, today, rng)
            if not days:
                continue
            if index % 5 == 4:
                kind = "flat"
            elif not dipped and len(days) >= 3:
                kind, dipped = "dipping", True
            else:
                kind = "rising"
            totals = _totals(kind, rng.randint(22, 38), len(days), rng)
            for day, total in zip(days, totals, strict=True):
                services.barc10_record(
                    member=peer,
                    participant=participant,
                    answers=_answers_for(total, rng),
                    administered_on=day,
                )
                recorded += 1
            # The stage of change at the first assessment, and where it moved since.
            stage = STAGES.index(participant.stage_of_change or "contemplation")
            if kind == "rising":
                stage = max(0, stage - 1)
            services.stage_of_change_record(
                member=peer, participant=participant, stage=STAGES[stage], administered_on=days[0]
            )
            recorded += 1
            if len(days) >= 2 and kind != "flat":
                moved = min(len(STAGES) - 1, stage + 1) if kind == "rising" else max(0, stage - 1)
                if moved != stage:
                    services.stage_of_change_record(
                        member=peer,
                        participant=participant,
                        stage=STAGES[moved],
                        administered_on=days[-1],
                    )
                    recorded += 1
            if index < 2 and len(days) >= 2:
                answered_v1.append((peer, participant))

    for peer, participant in answered_v1:
        services.questionnaire_answers_record(
            member=peer,
            participant=participant,
            version=v1,
            answers={
                "sleep": rng.randint(4, 9),
                "mood": rng.choice(CHECKIN_V1[1]["choices"]),
                "meeting": rng.random() < 0.6,
            },
            administered_on=today - timedelta(days=rng.randint(30, 45)),
        )
        recorded += 1

    v2 = services.questionnaire_version_publish(
        member=admin, questionnaire=questionnaire, items=CHECKIN_V2
    )
    for peer, participant in answered_v1:
        services.questionnaire_answers_record(
            member=peer,
            participant=participant,
            version=v2,
            answers={
                "sleep": rng.randint(5, 9),
                "mood": rng.choice(["Okay", "Good", "Great"]),
                "meeting": True,
                "someone_to_call": True,
                "anything_else": "Started volunteering at the recovery center.",
            },
            administered_on=today - timedelta(days=rng.randint(0, 6)),
        )
        recorded += 1
    return recorded
