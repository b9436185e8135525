import datetime

from django.utils import timezone

from beacon.supervision.services import session_record
from conftest import member_of


def record(by, peers, **values):
    """Record a session as `by` (a user), with defaults for what the test does not care about."""
    defaults = {
        "held_on": timezone.localdate() - datetime.timedelta(days=3),
        "duration_minutes": 60,
        "kind": "individual" if len(peers) == 1 else "group",
        "modality": "video",
        "topics": ["boundaries"],
        "private_notes": "Pat seems tired; talk about time off.",
        "next_steps": "Read the boundaries handout before next time.",
    }
    return session_record(member=member_of(by), peers=peers, **{**defaults, **values})
