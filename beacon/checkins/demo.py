"""The demo participant's check-ins: eight weeks of them (a few days skipped, good days and
hard ones), a recovery date they chose, and one request that their peer reach out, waiting on
Pat's My day (docs/portal.md). Called by beacon/portal/demo.py."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from beacon.checkins.models import CheckIn
from beacon.checkins.services import check_in_settings_save, outreach_request_make
from beacon.organizations.models import Membership
from beacon.participants.models import Participant

WEEKS = 8
# The recovery date Riley chose: 61 days ago (60 days reached; 90 next).
RECOVERY_DAYS_AGO = 61
LINES = [
    "Went to a meeting with Sam.",
    "Slept badly, but got up and went to work.",
    "Called my sister.",
    "Payday was hard.",
    "Walked by the river after work.",
    "",
    "",
    "",
]


def demo_check_ins_create(*, member: Membership, record: Participant, seed: int = 17) -> None:
    """Past check-ins are written as they would have been on their day (the service only ever
    records today's); today's choices and the request to reach out go through the services,
    audited and notified like any."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    rows = []
    for back in range(WEEKS * 7, 0, -1):
        if rng.random() < 0.15:  # a day skipped: nothing resets
            continue
        mood = min(5, max(1, round(rng.gauss(3.4 if back < 40 else 2.8, 0.9))))
        cravings = None if rng.random() < 0.3 else min(10, max(0, round(rng.gauss(4, 2))))
        day = today - timedelta(days=back)
        rows.append(
            CheckIn(
                organization_id=record.organization_id,
                participant=record,
                day=day,
                mood=mood,
                cravings=cravings,
                note=rng.choice(LINES),
                wants_outreach=False,
                created_at=timezone.make_aware(
                    timezone.datetime.combine(day, timezone.datetime.min.time())
                )
                + timedelta(hours=20),
            )
        )
    CheckIn.objects.bulk_create(rows)
    check_in_settings_save(
        member=member,
        participant=record,
        cadence="daily",
        recovery_date=today - timedelta(days=RECOVERY_DAYS_AGO),
    )
    outreach_request_make(member=member, participant=record)
