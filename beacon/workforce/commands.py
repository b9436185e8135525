"""`beacon workforce remind`: the daily run that sends certification renewal reminders."""

from __future__ import annotations

from datetime import date


def run_remind(*, today: str | None = None) -> int:
    from beacon.workforce.services import REMINDER_DAYS, reminders_send

    day = None
    if today:
        try:
            day = date.fromisoformat(today)
        except ValueError:
            print(f"beacon: --date {today!r} is not a date like 2026-03-31.")
            return 2
    sent = reminders_send(today=day)
    thresholds = ", ".join(str(d) for d in REMINDER_DAYS)
    print(f"Renewal reminders sent: {sent} (thresholds: {thresholds} days before expiry).")
    return 0
