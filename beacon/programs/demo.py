"""The demo's grant program, halfway through its year (docs/reports.md): Harbor's SAMHSA
recovery community services grant started 200 days ago and runs a year, with participants of
both peers enrolled at different times, so the schedule shows every state: a baseline open
(participant@harbor.demo's own, answerable in their Beacon), reassessments open, due and
closing (with contact attempts, where an administrative record is offered), one done inside
its window, one administrative record filed, a baseline missed, an episode ended with its
closeout. Called by beacon/ops/demo.py; written through the services (audited)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from beacon.organizations.models import Membership
from beacon.participants.models import CaseloadAssignment, CaseloadRole, Participant
from beacon.programs import prefill, services
from beacon.programs.models import Kind

GRANT = "TI-085123"

# (days since intake, whose caseload: 0 Pat, 1 the second peer, what to do)
PLAN = [
    (199, 0, "closing"),  # reassessment closing, 3 attempts: administrative record offered
    (198, 1, "administrative"),  # reassessment closing, could not be reached: filed
    (190, 1, "done"),  # reassessment done inside its window
    (185, 0, "due"),  # reassessment due
    (160, 0, "open"),  # reassessment window open
    (150, 1, "ended"),  # episode ended 40 days ago, closeout done
    (60, 1, "missed"),  # baseline never done: missed
    (20, 0, "baseline"),  # baseline open, not started
]


def _complete(member, assessment, day: datetime.date) -> None:
    assessment.conducted_on = day
    known = prefill.known_answers(assessment, part="staff", today=day)
    answers = {key: k.value for key, k in known.items()}
    answers.setdefault("birth_month", "06/1987")
    answers.setdefault("first_service_date", assessment.episode.started_on.isoformat())
    services.assessment_save(
        member=member,
        assessment=assessment,
        answers=answers,
        prefilled={key: k.source for key, k in known.items()},
        conducted_on=day,
        complete=True,
    )


def _caseload(peer: Membership) -> list[Participant]:
    ids = CaseloadAssignment.objects.filter(
        peer_id=peer.user_id, ended_at__isnull=True, role=CaseloadRole.PRIMARY
    ).values("participant_id")
    return list(
        Participant.objects.filter(
            pk__in=ids, discharged_on__isnull=True, account__isnull=True
        ).order_by("record_number")
    )


def demo_programs_create(
    *, supervisor: Membership, peers: list[Membership], participant_account=None
) -> None:
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    program = services.program_create(
        member=supervisor,
        name="Recovery Community Services Program",
        funder="SAMHSA (CSAT)",
        grant_number=GRANT,
        starts_on=today - 200 * day,
        ends_on=today - 200 * day + 364 * day,
    )
    services.program_create(
        member=supervisor,
        name="Peer Recovery Navigators (ended)",
        funder="SAMHSA (CSAT)",
        grant_number="TI-079001",
        starts_on=datetime.date(2023, 9, 30),
        ends_on=datetime.date(2025, 9, 29),
        instrument="gpra",
        reassessment_before=30,
        reassessment_after=60,
        annual=False,
        discharge=True,
        closeout_within_days=None,
        is_active=False,
    )
    caseloads = [_caseload(peer) for peer in peers]
    taken = [0] * len(peers)
    for days_ago, which, what in PLAN:
        which = min(which, len(peers) - 1)
        peer = peers[which]
        participant = caseloads[which][taken[which]]
        taken[which] += 1
        intake = today - days_ago * day
        episode = services.EnrollInProgram(
            member=peer, program=program, participant=participant, started_on=intake
        ).execute()
        rows = {a.kind: a for a in episode.assessments.all()}
        if what in ("missed", "baseline"):
            continue
        _complete(peer, rows[Kind.BASELINE], intake + 6 * day)
        follow_up = rows[Kind.REASSESSMENT]
        if what == "done":
            _complete(peer, follow_up, follow_up.due_on - 3 * day)
        elif what in ("closing", "administrative"):
            for n, method in enumerate(("call", "text", "call")):
                services.contact_attempt_log(
                    member=peer,
                    assessment=follow_up,
                    method=method,
                    note="Left a voicemail." if method == "call" else "",
                    at=timezone.now() - (20 - 5 * n) * day,
                )
            if what == "administrative":
                services.administrative_record_file(
                    member=peer,
                    assessment=follow_up,
                    reason="No answer to calls and texts since the window opened; moved away.",
                )
        elif what == "ended":
            ended = today - 40 * day
            episode = services.episode_end(
                member=peer, episode=episode, ended_on=ended, reason="Moved out of state."
            )
            closeout = episode.assessments.get(kind=Kind.CLOSEOUT)
            _complete(peer, closeout, ended + 10 * day)
    if participant_account is not None:
        own = Participant.objects.filter(
            account=participant_account, organization_id=supervisor.organization_id
        ).first()
        if own is not None:
            services.EnrollInProgram(
                member=supervisor, program=program, participant=own, started_on=today - 4 * day
            ).execute()
