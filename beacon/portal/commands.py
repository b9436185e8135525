"""`beacon portal close`: the daily run that closes participants' own Beacons 90 days after
discharge, telling each once (docs/portal.md)."""

from __future__ import annotations

from datetime import date


def run_close(*, today: str | None = None) -> int:
    from beacon.portal.invite_services import portals_close

    day = None
    if today:
        try:
            day = date.fromisoformat(today)
        except ValueError:
            print(f"beacon: --date {today!r} is not a date like 2026-03-31.")
            return 2
    closed = portals_close(today=day)
    print(f"Participants' own Beacons closed 90 days after discharge: {closed}.")
    return 0
