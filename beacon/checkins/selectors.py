"""Reads about check-ins: the participant's own (from their own record, loaded by
beacon.portal.access), the staff's (through check_ins_visible_to), the chart drawn on the server
(SVG, no JavaScript, with the same numbers in a table) and the milestones of a recovery date."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beacon.checkins.models import (
    CRAVINGS_MAX,
    CRAVINGS_MIN,
    MOOD_MAX,
    MOOD_MIN,
    Cadence,
    CheckIn,
    CheckInSettings,
    OutreachRequest,
)
from beacon.checkins.permissions import (
    can_answer_outreach,
    check_ins_visible_to,
    outreach_visible_to,
)
from beacon.core.access import load_visible
from beacon.organizations.models import Membership
from beacon.participants.models import Participant

# The chart shows the last CHART_DAYS days (eight weeks); the table below it the same.
CHART_DAYS = 56


# The participant's own ---------------------------------------------------------------------


def settings_of(participant: Participant) -> CheckInSettings:
    """Their choices (unsaved defaults when they never made any: every day, no date)."""
    found = CheckInSettings.objects.filter(participant=participant).first()
    return found or CheckInSettings(
        participant=participant, organization_id=participant.organization_id
    )


def check_ins_of(participant: Participant, *, since: datetime.date | None = None):
    """The participant's check-ins, newest first (from `since` on)."""
    qs = CheckIn.objects.filter(participant=participant)
    if since is not None:
        qs = qs.filter(day__gte=since)
    return qs.order_by("-day")


def own_check_ins(*, participant: Participant) -> QuerySet[CheckIn]:
    """For the API: the participant's own check-ins, newest first (the record comes from
    own_record, so nothing here decides whose)."""
    return CheckIn.objects.filter(participant=participant).order_by("-day", "-id")


def period_start(cadence: str, today: datetime.date) -> datetime.date:
    """The first day of the check-in's period: today, or this week's Monday."""
    if cadence == Cadence.WEEKLY:
        return today - datetime.timedelta(days=today.weekday())
    return today


@dataclass(frozen=True)
class Due:
    cadence: str
    # The check-in of this period (today, or this week) when there is one.
    done: CheckIn | None


def open_outreach(participant: Participant) -> OutreachRequest | None:
    return (
        OutreachRequest.objects.filter(participant=participant, answered_at__isnull=True)
        .order_by("created_at")
        .first()
    )


# Milestones --------------------------------------------------------------------------------


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Milestone:
    label: str
    day: datetime.date


def _milestone(recovery_date: datetime.date, n: int) -> Milestone:
    """The n-th milestone from the date: 30, 60, 90 days, 6 months, then each year."""
    if n < 3:
        days = (30, 60, 90)[n]
        return Milestone(
            ngettext("%(n)d day", "%(n)d days", days) % {"n": days},
            recovery_date + datetime.timedelta(days=days),
        )
    if n == 3:
        return Milestone(_("6 months"), _add_months(recovery_date, 6))
    years = n - 3
    return Milestone(
        ngettext("%(n)d year", "%(n)d years", years) % {"n": years},
        _add_months(recovery_date, 12 * years),
    )


@dataclass(frozen=True)
class Milestones:
    recovery_date: datetime.date
    days: int  # days since the recovery date (0 on the day itself)
    reached: list[Milestone]  # oldest first
    next: Milestone
    today: Milestone | None  # the one reached today, to celebrate

    @property
    def latest(self) -> Milestone | None:
        return self.reached[-1] if self.reached else None


def milestones(recovery_date: datetime.date | None, *, today: datetime.date) -> Milestones | None:
    """The milestones reached since the recovery date and the next one (None without a date).
    Only the date counts: check-ins, good days or hard ones, never reset anything."""
    if recovery_date is None or recovery_date > today:
        return None
    reached, n = [], 0
    while (m := _milestone(recovery_date, n)).day <= today:
        reached.append(m)
        n += 1
    return Milestones(
        recovery_date=recovery_date,
        days=(today - recovery_date).days,
        reached=reached,
        next=m,
        today=reached[-1] if reached and reached[-1].day == today else None,
    )


# The chart ---------------------------------------------------------------------------------

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 16, 36


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: int
    label: str


@dataclass(frozen=True)
class Gridline:
    y: float
    value: int


@dataclass
class Series:
    """One measure over the chart's days: its points and the line through them, broken where
    a day has no answer (a gap is just a gap)."""

    key: str
    title: str
    low: int
    high: int
    points: list[Point] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    gridlines: list[Gridline] = field(default_factory=list)


@dataclass
class CheckInChart:
    start: datetime.date
    end: datetime.date
    rows: list[CheckIn]  # newest first, for the table
    mood: Series
    cravings: Series
    x_labels: list[Point]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    bottom_edge: int = HEIGHT - BOTTOM

    @property
    def is_empty(self) -> bool:
        return not self.rows

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def series_list(self) -> list[Series]:
        """The charts to draw: cravings only when some were given."""
        return [self.mood, self.cravings] if self.cravings.points else [self.mood]


def _scale(value: float, low: float, high: float, out_low: float, out_high: float) -> float:
    if high == low:
        return round((out_low + out_high) / 2, 1)
    return round(out_low + (value - low) * (out_high - out_low) / (high - low), 1)


def _series(key, title, low, high, days, values, start, end, step) -> Series:
    series = Series(key=key, title=title, low=low, high=high)
    bottom, top = HEIGHT - BOTTOM, TOP
    series.gridlines = [
        Gridline(_scale(v, low, high, bottom, top), v) for v in range(low, high + 1, step)
    ]
    run: list[Point] = []
    previous = None
    for day, value in zip(days, values, strict=True):
        if value is None:
            continue
        x = _scale(day.toordinal(), start.toordinal(), end.toordinal(), LEFT + 12, WIDTH - RIGHT)
        point = Point(
            x, _scale(value, low, high, bottom, top), value, date_format(day, "DATE_FORMAT")
        )
        series.points.append(point)
        # A line joins check-ins on consecutive periods only; a pause leaves a gap.
        if previous is not None and (day - previous).days > 7:
            if len(run) > 1:
                series.lines.append(" ".join(f"{p.x},{p.y}" for p in run))
            run = []
        run.append(point)
        previous = day
    if len(run) > 1:
        series.lines.append(" ".join(f"{p.x},{p.y}" for p in run))
    return series


def check_in_chart(check_ins: list[CheckIn], *, today: datetime.date) -> CheckInChart:
    """The last CHART_DAYS days of check-ins (given newest first): how the days went (1-5)
    and cravings (0-10), drawn as two charts over the same days. No queries."""
    start = today - datetime.timedelta(days=CHART_DAYS - 1)
    rows = [c for c in check_ins if start <= c.day <= today]
    oldest_first = rows[::-1]
    days = [c.day for c in oldest_first]
    mood = _series(
        "mood",
        _("How the days went (1 to 5)"),
        MOOD_MIN,
        MOOD_MAX,
        days,
        [c.mood for c in oldest_first],
        start,
        today,
        1,
    )
    cravings = _series(
        "cravings",
        _("Cravings (0 to 10)"),
        CRAVINGS_MIN,
        CRAVINGS_MAX,
        days,
        [c.cravings for c in oldest_first],
        start,
        today,
        2,
    )
    x_labels = [
        Point(
            _scale(d.toordinal(), start.toordinal(), today.toordinal(), LEFT + 12, WIDTH - RIGHT),
            0,
            0,
            date_format(d, "M j"),
        )
        for d in (start, start + datetime.timedelta(days=CHART_DAYS // 2), today)
    ]
    return CheckInChart(
        start=start, end=today, rows=rows, mood=mood, cravings=cravings, x_labels=x_labels
    )


# Staff -------------------------------------------------------------------------------------


def participant_check_ins(
    *, member: Membership, participant: Participant, since: datetime.date | None = None
) -> list[CheckIn]:
    """The participant's check-ins the member may see, newest first (one query)."""
    qs = check_ins_visible_to(member).filter(participant=participant)
    if since is not None:
        qs = qs.filter(day__gte=since)
    return list(qs.order_by("-day"))


def participant_outreach(*, member: Membership, participant: Participant) -> list[OutreachRequest]:
    """The participant's requests to reach out the member may see: open ones first, then the
    last answered ones, newest first."""
    qs = outreach_visible_to(member).filter(participant=participant).select_related("answered_by")
    return sorted(
        qs.order_by("-created_at")[:20],
        key=lambda r: (r.answered_at is not None, -r.created_at.timestamp()),
    )


def outreach_get_for_member(*, member: Membership, pk, for_write: bool = False) -> OutreachRequest:
    """One request the member may see (404 otherwise, as for one that does not exist)."""
    return load_visible(
        member=member,
        visible=outreach_visible_to(member).select_related("participant"),
        pk=pk,
        for_write=for_write,
        can_write=can_answer_outreach,
    )
