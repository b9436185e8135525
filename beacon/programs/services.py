"""Writes for funder programs: programs, enrolment (episodes and their schedule), assessments,
contact attempts, administrative records and the participant's own part (docs/reports.md).

Each is audited in its transaction; the participant's answers never go into the trail, only
which assessment and what happened to it.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from beacon.audit.services import record_event
from beacon.organizations.models import Membership
from beacon.participants.models import Participant
from beacon.programs import schedule
from beacon.programs.instruments import Item, item_set
from beacon.programs.models import Episode, Program, ProgramAssessment, Status
from beacon.programs.permissions import can_change_program, can_work_on, leads_programs

PROGRAM_FIELDS = (
    "name",
    "funder",
    "grant_number",
    "starts_on",
    "ends_on",
    "instrument",
    "client_type",
    "baseline_within_days",
    "reassessment_days",
    "reassessment_before",
    "reassessment_after",
    "annual",
    "annual_before",
    "annual_after",
    "discharge",
    "closeout_within_days",
    "closing_days",
    "contact_attempts",
    "follow_up_target",
    "is_active",
)
TEXT_MAX = 500
MONTH = re.compile(r"(0[1-9]|1[0-2])/(19|20)\d\d")


def _program_problems(program: Program) -> None:
    try:
        program.full_clean(exclude=["organization", "created_by"])
    except ValidationError as exc:
        problems = exc.message_dict
    else:
        problems = {}
    if program.starts_on and program.ends_on and program.ends_on <= program.starts_on:
        problems.pop("__all__", None)  # the constraint's own message, said beside the field
        problems.setdefault("ends_on", []).append(_("The end comes after the start."))
    if program.grant_number and (
        Program.objects.filter(
            organization_id=program.organization_id, grant_number=program.grant_number
        )
        .exclude(pk=program.pk)
        .exists()
    ):
        problems.setdefault("grant_number", []).append(
            _("Another program of your organization has this grant number.")
        )
    if problems:
        raise ValidationError(problems)


def program_create(*, member: Membership, **values: Any) -> Program:
    """A program lead (supervisor or organization admin) adds a grant program."""
    if not leads_programs(member):
        raise PermissionDenied
    unknown = set(values) - set(PROGRAM_FIELDS)
    if unknown:
        raise ValueError(f"Not a program field: {', '.join(sorted(unknown))}")
    program = Program(organization_id=member.organization_id, created_by=member.user, **values)
    _program_problems(program)
    with transaction.atomic():
        program.save()
        record_event(
            action="program.created",
            actor=member.user,
            organization=member.organization,
            target=program,
            details={"name": program.name, "grant_number": program.grant_number},
        )
    return program


def program_update(*, member: Membership, program: Program, **values: Any) -> Program:
    """Change a program's details or schedule. Schedules already made are kept: a change
    applies to episodes that start afterwards."""
    if not can_change_program(member, program):
        raise PermissionDenied
    unknown = set(values) - set(PROGRAM_FIELDS)
    if unknown:
        raise ValueError(f"Not a program field: {', '.join(sorted(unknown))}")
    changed = {k: v for k, v in values.items() if getattr(program, k) != v}
    if not changed:
        return program
    old = {k: str(getattr(program, k)) for k in changed}
    for key, value in changed.items():
        setattr(program, key, value)
    _program_problems(program)
    with transaction.atomic():
        program.save(update_fields=[*changed, "updated_at"])
        record_event(
            action="program.updated",
            actor=member.user,
            organization=member.organization,
            target=program,
            details={"old": old, "new": {k: str(v) for k, v in changed.items()}},
        )
    return program


def _make_schedule(episode: Episode, planned: list[schedule.Planned]) -> list[ProgramAssessment]:
    rows = [
        ProgramAssessment(
            episode=episode,
            participant_id=episode.participant_id,
            program_id=episode.program_id,
            kind=p.kind,
            sequence=p.sequence,
            opens_on=p.opens_on,
            due_on=p.due_on,
            closes_on=p.closes_on,
        )
        for p in planned
    ]
    return ProgramAssessment.objects.bulk_create(rows)


class EnrollInProgram:
    """Enrol a participant in a program: a new episode (the first, or a re-enrolment with the
    same client id) and its schedule. For whoever may change the participant's record."""

    def __init__(
        self,
        *,
        member: Membership,
        program: Program,
        participant: Participant,
        started_on: datetime.date,
    ):
        self.member = member
        self.program = program
        self.participant = participant
        self.started_on = started_on

    def check(self) -> None:
        if not can_work_on(self.member, self) or self.program.organization_id != (
            self.member.organization_id
        ):
            raise PermissionDenied
        problems = []
        if not self.program.is_active:
            problems.append(_("This program is not active: it takes no enrolments."))
        if not self.participant.is_active:
            problems.append(_("%(name)s is discharged.") % {"name": self.participant})
        if not (self.program.starts_on <= self.started_on <= self.program.ends_on):
            problems.append(
                _("The intake date must fall within the program, %(start)s to %(end)s.")
                % {"start": self.program.starts_on, "end": self.program.ends_on}
            )
        if self.started_on > timezone.localdate():
            problems.append(_("The intake date cannot be in the future."))
        open_episode = Episode.objects.filter(
            program_id=self.program.pk, participant_id=self.participant.pk, ended_on__isnull=True
        ).exists()
        if open_episode:
            problems.append(
                _("%(name)s is already enrolled in this program: end that episode first.")
                % {"name": self.participant}
            )
        last_end = Episode.objects.filter(
            program_id=self.program.pk, participant_id=self.participant.pk
        ).aggregate(Max("ended_on"))["ended_on__max"]
        if last_end and self.started_on <= last_end:
            problems.append(
                _("A new episode starts after the last one ended (%(date)s).") % {"date": last_end}
            )
        if problems:
            raise ValidationError({"started_on": problems})

    def execute(self) -> Episode:
        self.check()
        earlier = (
            Episode.objects.filter(program_id=self.program.pk, participant_id=self.participant.pk)
            .order_by("-number")
            .values_list("number", "client_id")
            .first()
        )
        number, client_id = (
            (earlier[0] + 1, earlier[1])
            if earlier
            else (1, f"{self.participant.record_number:06d}")
        )
        try:
            with transaction.atomic():
                episode = Episode.objects.create(
                    program=self.program,
                    participant=self.participant,
                    client_id=client_id,
                    number=number,
                    started_on=self.started_on,
                    created_by=self.member.user,
                )
                _make_schedule(episode, schedule.at_start(self.program, self.started_on))
                record_event(
                    action="program_episode.started",
                    actor=self.member.user,
                    organization=self.member.organization,
                    target=episode,
                    details={
                        "program": str(self.program.pk),
                        "participant": str(self.participant.pk),
                        "episode": number,
                    },
                )
        except IntegrityError:  # enrolled at the same moment by someone else
            raise ValidationError(
                {"started_on": [_("%(name)s was just enrolled.") % {"name": self.participant}]}
            ) from None
        return episode


def episode_end(
    *, member: Membership, episode: Episode, ended_on: datetime.date, reason: str = ""
) -> Episode:
    """End an episode: follow-ups whose window had not opened are no longer needed; the
    discharge and closeout the program asks for are scheduled."""
    if not can_work_on(member, episode):
        raise PermissionDenied
    if episode.ended_on is not None:
        raise ValidationError({"ended_on": [_("This episode has ended already.")]})
    if ended_on < episode.started_on or ended_on > timezone.localdate():
        raise ValidationError({"ended_on": [_("The end falls between the intake and today.")]})
    episode.ended_on = ended_on
    episode.end_reason = reason.strip()[:300]
    with transaction.atomic():
        episode.save(update_fields=["ended_on", "end_reason", "updated_at"])
        ProgramAssessment.objects.filter(
            episode_id=episode.pk, status=Status.PENDING, opens_on__gt=ended_on
        ).update(status=Status.NOT_NEEDED, updated_at=timezone.now())
        _make_schedule(episode, schedule.at_end(episode.program, ended_on))
        record_event(
            action="program_episode.ended",
            actor=member.user,
            organization=member.organization,
            target=episode,
            details={"ended_on": ended_on.isoformat()},
        )
    return episode


def _clean_value(item: Item, raw: Any) -> str:
    value = "" if raw is None else str(raw).strip()
    if value == "":
        return ""
    if item.type == "choice" and value not in dict(item.choices):
        raise ValueError(_("Choose one of the answers offered."))
    if item.type == "yesno" and value not in ("yes", "no"):
        raise ValueError(_("Answer yes or no."))
    if item.type == "number":
        try:
            number = float(value)
        except ValueError:
            raise ValueError(_("Enter a number, like 4.")) from None
        if number < 0:
            raise ValueError(_("Enter a number of 0 or more."))
    if item.type == "date":
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError(_("Enter a date, like 2026-03-01.")) from None
    if item.type == "month" and not MONTH.fullmatch(value):
        raise ValueError(_("Enter the month and year as MM/YYYY, like 04/1988."))
    if len(value) > TEXT_MAX:
        raise ValueError(_("Please keep it under %(max)s characters.") % {"max": TEXT_MAX})
    return value


def clean_answers(items: list[Item], raw: dict, *, complete: bool) -> dict[str, str]:
    """The answers to these items, checked: every problem by item key at once. `complete`:
    the required ones must be there."""
    answers, problems = {}, {}
    for item in items:
        try:
            value = _clean_value(item, raw.get(item.key))
        except ValueError as exc:
            problems[item.key] = [str(exc)]
            continue
        if complete and item.required and value == "":
            problems[item.key] = [_("This answer is needed to complete the assessment.")]
        if value != "":
            answers[item.key] = value
    if problems:
        raise ValidationError(problems)
    return answers


def _check_open_for_work(member: Membership, assessment: ProgramAssessment) -> None:
    if not can_work_on(member, assessment):
        raise PermissionDenied
    if assessment.status in (Status.ADMINISTRATIVE, Status.NOT_NEEDED):
        raise ValidationError(
            _("This assessment is %(status)s: nothing was changed.")
            % {"status": assessment.get_status_display().lower()}
        )


def assessment_save(
    *,
    member: Membership,
    assessment: ProgramAssessment,
    answers: dict,
    prefilled: dict[str, str],
    conducted_on: datetime.date | None,
    complete: bool,
) -> ProgramAssessment:
    """Save staff's answers, as a draft or complete. `prefilled`: item key -> where Beacon's
    filled-in answer came from, for the answers kept as filled in. Completing needs every
    required answer and an assessment date inside the episode, not in the future."""
    _check_open_for_work(member, assessment)
    items = item_set(assessment.program.instrument).for_kind(assessment.kind, "staff")
    cleaned = clean_answers(items, answers, complete=complete)
    today = timezone.localdate()
    if complete:
        if conducted_on is None:
            raise ValidationError({"conducted_on": [_("Give the date of the assessment.")]})
        if conducted_on > today or conducted_on < assessment.episode.started_on:
            raise ValidationError(
                {"conducted_on": [_("The date falls between the intake and today.")]}
            )
    was_done = assessment.status == Status.DONE
    assessment.answers = cleaned
    assessment.prefilled = {k: v for k, v in prefilled.items() if k in cleaned}
    assessment.conducted_on = conducted_on
    fields = ["answers", "prefilled", "conducted_on", "updated_at"]
    if complete:
        assessment.status = Status.DONE
        assessment.completed_by = member.user
        assessment.completed_at = timezone.now()
        fields += ["status", "completed_by", "completed_at"]
    elif was_done:
        raise ValidationError(_("A completed assessment is corrected by completing it again."))
    with transaction.atomic():
        assessment.save(update_fields=fields)
        record_event(
            action="program_assessment.completed" if complete else "program_assessment.saved",
            actor=member.user,
            organization=member.organization,
            target=assessment,
            details={
                "kind": assessment.kind,
                "participant": str(assessment.participant_id),
                "answers": len(cleaned),
                "prefilled": len(assessment.prefilled),
                **({"corrected": True} if was_done else {}),
            },
        )
    return assessment


def administrative_record_file(
    *, member: Membership, assessment: ProgramAssessment, reason: str
) -> ProgramAssessment:
    """File an administrative record for a follow-up whose person could not be reached, once
    its window is closing (the program's closing days) or closed."""
    _check_open_for_work(member, assessment)
    today = timezone.localdate()
    if assessment.status != Status.PENDING or not schedule.may_file_administrative(
        assessment, today, assessment.program.closing_days
    ):
        raise ValidationError(
            _(
                "An administrative record is filed only for a follow-up not done, in the last "
                "%(days)s days of its window or after."
            )
            % {"days": assessment.program.closing_days}
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the person could not be assessed.")]})
    assessment.status = Status.ADMINISTRATIVE
    assessment.administrative_reason = reason[:300]
    assessment.conducted_on = today
    assessment.completed_by = member.user
    assessment.completed_at = timezone.now()
    with transaction.atomic():
        assessment.save(
            update_fields=[
                "status",
                "administrative_reason",
                "conducted_on",
                "completed_by",
                "completed_at",
                "updated_at",
            ]
        )
        record_event(
            action="program_assessment.administrative",
            actor=member.user,
            organization=member.organization,
            target=assessment,
            details={"kind": assessment.kind, "attempts": assessment.attempts.count()},
        )
    return assessment


def contact_attempt_log(
    *,
    member: Membership,
    assessment: ProgramAssessment,
    method: str,
    reached: bool = False,
    note: str = "",
    at: datetime.datetime | None = None,
):
    """Log one attempt to reach the person for an assessment."""
    from beacon.programs.models import ContactAttempt, ContactMethod

    _check_open_for_work(member, assessment)
    if method not in ContactMethod.values:
        raise ValidationError({"method": [_("Choose how you tried to reach them.")]})
    at = at or timezone.now()
    if at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"at": [_("An attempt cannot be in the future.")]})
    with transaction.atomic():
        attempt = ContactAttempt.objects.create(
            assessment=assessment,
            at=at,
            by=member.user,
            method=method,
            reached=reached,
            note=note.strip()[:300],
        )
        record_event(
            action="program_contact.logged",
            actor=member.user,
            organization=member.organization,
            target=assessment,
            details={"method": method, "reached": reached},
        )
    return attempt


def client_answers_save(
    *, member: Membership, assessment: ProgramAssessment, answers: dict
) -> ProgramAssessment:
    """The participant answers their own part (SUPRT-C), from their Beacon. Voluntary: any
    answer may be left empty. Only while the assessment is open (its window opened, not
    completed yet)."""
    if assessment.participant.account_id != member.user_id:
        raise PermissionDenied
    if assessment.status != Status.PENDING or assessment.opens_on > timezone.localdate():
        raise ValidationError(_("These questions are closed now: nothing was changed."))
    items = item_set(assessment.program.instrument).for_kind(assessment.kind, "client")
    if not items:
        raise ValidationError(_("This assessment has no questions for you."))
    assessment.client_answers = clean_answers(items, answers, complete=False)
    assessment.client_answered_at = timezone.now()
    with transaction.atomic():
        assessment.save(update_fields=["client_answers", "client_answered_at", "updated_at"])
        record_event(
            action="program_assessment.client_answered",
            actor=member.user,
            organization=member.organization,
            target=assessment,
            details={"kind": assessment.kind, "answers": len(assessment.client_answers)},
        )
    return assessment
