"""An episode's assessment schedule, worked out from its program's settings (pure functions:
no database here).

When an episode starts: a baseline (window from intake to N days after), a reassessment at D
days after intake with its window -X/+Y, and annual assessments on each anniversary (+/- their
window) while the program runs. When it ends: a discharge assessment and a closeout record,
where the program asks for them, each due within the closeout days of the end; follow-ups whose
window had not opened are no longer needed.

An assessment's state on a day:
  upcoming        its window has not opened
  open            the window is open, its due date not reached
  due             the due date is reached, more than the closing days left
  closing         the last `closing_days` of the window (two weeks by default): an
                  administrative record may be filed when the person cannot be reached
  missed          the window closed without it
  done, administrative, not_needed   as recorded
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from beacon.programs.models import Kind, Status

DAY = datetime.timedelta(days=1)
YEAR_DAYS = 365

STATE_LABELS = {
    "upcoming": _("Upcoming"),
    "open": _("Window open"),
    "due": _("Due"),
    "closing": _("Window closing"),
    "missed": _("Missed"),
    "done": _("Done"),
    "administrative": _("Administrative record filed"),
    "not_needed": _("Not needed"),
}
# The states that ask something of the peer, in the order they are most urgent.
ACTIONABLE = ("closing", "due", "open")


@dataclass(frozen=True)
class Planned:
    kind: str
    sequence: int
    opens_on: datetime.date
    due_on: datetime.date
    closes_on: datetime.date


def at_start(program, started_on: datetime.date) -> list[Planned]:
    """The assessments an episode starting on `started_on` is scheduled for."""
    days = datetime.timedelta
    planned = [
        Planned(
            Kind.BASELINE,
            1,
            started_on,
            started_on + days(program.baseline_within_days),
            started_on + days(program.baseline_within_days),
        )
    ]
    if program.reassessment_days:
        due = started_on + days(program.reassessment_days)
        planned.append(
            Planned(
                Kind.REASSESSMENT,
                1,
                due - days(program.reassessment_before),
                due,
                due + days(program.reassessment_after),
            )
        )
    if program.annual:
        year = 1
        while True:
            due = started_on + days(YEAR_DAYS * year)
            opens = due - days(program.annual_before)
            if opens > program.ends_on:
                break
            planned.append(Planned(Kind.ANNUAL, year, opens, due, due + days(program.annual_after)))
            year += 1
    return planned


def at_end(program, ended_on: datetime.date) -> list[Planned]:
    """What an episode ending on `ended_on` still owes: discharge and closeout, if asked for."""
    within = datetime.timedelta(days=program.closeout_within_days or 30)
    planned = []
    if program.discharge:
        planned.append(Planned(Kind.DISCHARGE, 1, ended_on, ended_on + within, ended_on + within))
    if program.closeout_within_days:
        planned.append(Planned(Kind.CLOSEOUT, 1, ended_on, ended_on + within, ended_on + within))
    return planned


def state(assessment, today: datetime.date, closing_days: int) -> str:
    """The assessment's state on `today` (see the module's docstring)."""
    if assessment.status != Status.PENDING:
        return assessment.status
    if today < assessment.opens_on:
        return "upcoming"
    if today > assessment.closes_on:
        return "missed"
    if (assessment.closes_on - today).days < closing_days:
        return "closing"
    if today >= assessment.due_on:
        return "due"
    return "open"


def days_left(assessment, today: datetime.date) -> int:
    """Days left in the window, today included (1 on its last day; 0 or less once closed)."""
    return (assessment.closes_on - today).days + 1


def may_file_administrative(assessment, today: datetime.date, closing_days: int) -> bool:
    """An administrative record is offered for a follow-up or closeout not done, once its
    window is closing (or has closed): the person could not be reached."""
    return assessment.kind != Kind.BASELINE and state(assessment, today, closing_days) in (
        "closing",
        "missed",
    )
