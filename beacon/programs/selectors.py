"""Reads for funder programs: one program, episode or assessment for a caller (404 outside what
they may see), a program's schedule, its follow-up rate by peer and month with the people to
reach first, and the participant's own open questions (docs/reports.md)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from beacon.core.access import load_visible
from beacon.organizations.models import Membership
from beacon.participants.models import CaseloadAssignment, CaseloadRole, Participant
from beacon.programs import schedule
from beacon.programs.instruments import item_set
from beacon.programs.models import (
    FOLLOW_UP_KINDS,
    Episode,
    Program,
    ProgramAssessment,
    Status,
)
from beacon.programs.permissions import (
    can_change_program,
    can_work_on,
    episodes_visible_to,
    program_assessments_visible_to,
    programs_visible_to,
)


def program_list(*, member: Membership) -> QuerySet[Program]:
    return programs_visible_to(member).order_by("-is_active", "name")


def program_get_for_member(*, member: Membership, pk, for_write: bool = False) -> Program:
    return load_visible(
        member=member,
        visible=programs_visible_to(member),
        pk=pk,
        for_write=for_write,
        can_write=can_change_program,
    )


def episode_get_for_member(*, member: Membership, pk, for_write: bool = False) -> Episode:
    return load_visible(
        member=member,
        visible=episodes_visible_to(member).select_related("program", "participant"),
        pk=pk,
        for_write=for_write,
        can_write=can_work_on,
    )


def assessment_get_for_member(
    *, member: Membership, pk, for_write: bool = False
) -> ProgramAssessment:
    return load_visible(
        member=member,
        visible=program_assessments_visible_to(member).select_related(
            "episode", "program", "participant"
        ),
        pk=pk,
        for_write=for_write,
        can_write=can_work_on,
    )


@dataclass
class Row:
    assessment: ProgramAssessment
    participant: Participant
    episode: Episode
    state: str
    days_left: int
    peer_name: str

    @property
    def state_label(self) -> str:
        return str(schedule.STATE_LABELS[self.state])


def _primary_peers(participant_ids) -> dict:
    return dict(
        CaseloadAssignment.objects.filter(
            participant_id__in=participant_ids,
            ended_at__isnull=True,
            role=CaseloadRole.PRIMARY,
        ).values_list("participant_id", "peer__name")
    )


def schedule_rows(
    *,
    member: Membership,
    program: Program,
    today: datetime.date | None = None,
    states: tuple[str, ...] | None = None,
    episode: Episode | None = None,
) -> list[Row]:
    """The program's assessments of the participants this member may see, with their state
    today, the most urgent first (closing, due, open, missed, upcoming, then the finished).
    Three queries."""
    today = today or timezone.localdate()
    qs = program_assessments_visible_to(member).filter(program_id=program.pk)
    if episode is not None:
        qs = qs.filter(episode_id=episode.pk)
    assessments = list(qs.select_related("episode", "participant"))
    peers = _primary_peers({a.participant_id for a in assessments})
    order = {s: i for i, s in enumerate(("closing", "due", "open", "missed", "upcoming"))}
    rows = []
    for a in assessments:
        state = schedule.state(a, today, program.closing_days)
        if states is not None and state not in states:
            continue
        rows.append(
            Row(
                assessment=a,
                participant=a.participant,
                episode=a.episode,
                state=state,
                days_left=schedule.days_left(a, today),
                peer_name=peers.get(a.participant_id, ""),
            )
        )

    def urgency(row: Row) -> tuple:
        closes = row.assessment.closes_on.toordinal()
        if row.state in order:
            return (order[row.state], closes, row.participant.family_name)
        return (9, -closes, row.participant.family_name)  # finished: the latest first

    rows.sort(key=urgency)
    return rows


@dataclass
class Rate:
    """Follow-ups done inside their window, of those that count: every follow-up whose window
    has closed, and those done already (in their window or not). Administrative records count
    against the rate (no interview was done)."""

    done_in_window: int = 0
    counted: int = 0

    @property
    def percent(self) -> int | None:
        if not self.counted:
            return None
        return round(100 * self.done_in_window / self.counted)

    def add(self, assessment: ProgramAssessment, today: datetime.date) -> None:
        finished = assessment.status in (Status.DONE, Status.ADMINISTRATIVE)
        if not finished and assessment.closes_on >= today:
            return  # its window is still open: it does not count yet
        self.counted += 1
        if assessment.in_window:
            self.done_in_window += 1


@dataclass
class FollowUpReport:
    target: int
    overall: Rate
    by_peer: list[tuple[str, Rate]]
    by_month: list[tuple[datetime.date, Rate]]
    reach_first: list[Row] = field(default_factory=list)

    @property
    def below_target(self) -> bool:
        return self.overall.percent is not None and self.overall.percent < self.target


def follow_up_report(
    *,
    member: Membership,
    program: Program,
    today: datetime.date | None = None,
    rows: list[Row] | None = None,
) -> FollowUpReport:
    """The program's follow-up rate (only follow-ups done inside their window count) against
    its target, by peer (the participant's current primary peer) and by the month the
    follow-up was due, and the people to reach first: follow-ups not done whose window is
    open, the fewest days left first."""
    today = today or timezone.localdate()
    if rows is None:  # the program page passes the rows it read already
        rows = schedule_rows(member=member, program=program, today=today)
    overall = Rate()
    by_peer: dict[str, Rate] = defaultdict(Rate)
    by_month: dict[datetime.date, Rate] = defaultdict(Rate)
    for row in rows:
        a = row.assessment
        if a.kind not in FOLLOW_UP_KINDS or a.status == Status.NOT_NEEDED:
            continue
        overall.add(a, today)
        by_peer[row.peer_name or "—"].add(a, today)
        by_month[a.due_on.replace(day=1)].add(a, today)
    reach_first = [
        r for r in rows if r.assessment.kind in FOLLOW_UP_KINDS and r.state in schedule.ACTIONABLE
    ]
    reach_first.sort(key=lambda r: (r.days_left, r.participant.family_name))
    return FollowUpReport(
        target=program.follow_up_target,
        overall=overall,
        by_peer=sorted(((k, v) for k, v in by_peer.items() if v.counted), key=lambda x: x[0]),
        by_month=sorted((k, v) for k, v in by_month.items() if v.counted),
        reach_first=reach_first,
    )


def own_open_questions(*, participant: Participant) -> list[ProgramAssessment]:
    """The participant's assessments with questions for them, open now (window opened, not
    completed): what their Beacon offers them to answer. Only instruments with a client part."""
    today = timezone.localdate()
    pending = ProgramAssessment.objects.filter(
        participant_id=participant.pk, status=Status.PENDING, opens_on__lte=today
    ).select_related("program", "episode")
    return [
        a
        for a in pending
        if item_set(a.program.instrument).for_kind(a.kind, "client") and a.closes_on >= today
    ]


def own_question_get(*, participant: Participant, pk) -> ProgramAssessment:
    """One of the participant's own open questionnaires: 404 for anything else."""
    from django.http import Http404

    for assessment in own_open_questions(participant=participant):
        if str(assessment.pk) == str(pk):
            return assessment
    raise Http404
