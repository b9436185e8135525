"""`beacon crisis escalate`: escalate crisis flags nobody acknowledged in time."""

from __future__ import annotations

import time
from datetime import datetime


def run_escalate(*, now: str | None = None, every: float | None = None) -> int:
    from django.conf import settings
    from django.db import close_old_connections

    from beacon.crisis.services import crisis_flags_escalate

    moment = None
    if now:
        try:
            moment = datetime.fromisoformat(now)
        except ValueError:
            print(f"beacon: --now {now!r} is not a time like 2026-03-31T14:05+00:00.")
            return 2
        if moment.tzinfo is None:
            print("beacon: --now needs an offset, like 2026-03-31T14:05+00:00.")
            return 2
    if not settings.BEACON_SITE_URL:
        print(
            "beacon: BEACON_SITE_URL is not set: the escalation emails' links will not be "
            "absolute. Set it to Beacon's public address."
        )
    while True:
        sent = crisis_flags_escalate(now=moment)
        print(f"Crisis flags escalated: {sent}.", flush=True)
        if not every:
            return 0
        close_old_connections()
        time.sleep(every)
