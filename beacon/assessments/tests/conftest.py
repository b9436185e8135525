from datetime import date

import pytest

from beacon.assessments import services
from conftest import member_of


def answers_totalling(total: int) -> dict[str, int]:
    """Ten answers (1-6) that add up to `total` (10-60)."""
    scores = [1] * 10
    left = total - 10
    for i in range(10):
        step = min(5, left)
        scores[i] += step
        left -= step
    return {str(n): s for n, s in enumerate(scores, start=1)}


ITEMS = [
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
        "text": "How is your mood?",
        "kind": "choice",
        "choices": ["Low", "Okay", "Good"],
        "required": True,
    },
    {"key": "meeting", "text": "Did you go to a meeting this week?", "kind": "yes_no"},
    {"key": "note", "text": "Anything else?", "kind": "text"},
]


@pytest.fixture
def barc10():
    """barc10(user, participant, total, day): a BARC-10 recorded through the service."""

    def make(user, participant, total=40, day=None):
        return services.barc10_record(
            member=member_of(user),
            participant=participant,
            answers=answers_totalling(total),
            administered_on=day or date(2026, 1, 5),
        )

    return make


@pytest.fixture
def checkin(ada):
    """A published questionnaire of Harbor's, version 1 with ITEMS."""
    return services.questionnaire_create(
        member=member_of(ada), name="Weekly check-in", items=ITEMS, publish=True
    )
