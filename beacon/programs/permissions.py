"""Who sees and changes funder programs and their assessments (docs/reports.md,
docs/permissions.md).

Program leads are the organization's supervisors and organization admins: they create and edit
programs, see every enrolled participant's schedule, the follow-up rate, and export for SPARS.
Peers see the organization's programs and the schedule of the participants they may see (their
caseload, or everyone where the organization opened records to the team), and enrol, assess,
log contact attempts and file administrative records for the participants whose record they may
change (their own caseload). Participant-role members see nothing here; their own part of an
assessment is in their Beacon (/my/), through own_assessments().
"""

from __future__ import annotations

from django.db.models import QuerySet

from beacon.organizations.models import Membership, Role
from beacon.participants.permissions import (
    STAFF,
    can_edit_participant,
    visible_participant_q,
)
from beacon.programs.models import Episode, Program, ProgramAssessment

LEADS = (Role.SUPERVISOR, Role.ORG_ADMIN)


def _staff(member: Membership | None) -> bool:
    return member is not None and member.is_active and member.role in STAFF


def leads_programs(member: Membership | None) -> bool:
    return member is not None and member.is_active and member.role in LEADS


def programs_visible_to(member: Membership | None) -> QuerySet[Program]:
    if not _staff(member):
        return Program.objects.none()
    return Program.objects.filter(organization_id=member.organization_id)


def can_change_program(member: Membership | None, program: Program) -> bool:
    return leads_programs(member) and program.organization_id == member.organization_id


def episodes_visible_to(member: Membership | None) -> QuerySet[Episode]:
    if not _staff(member):
        return Episode.objects.none()
    return Episode.objects.filter(
        visible_participant_q(member), program__organization_id=member.organization_id
    )


def program_assessments_visible_to(member: Membership | None) -> QuerySet[ProgramAssessment]:
    if not _staff(member):
        return ProgramAssessment.objects.none()
    return ProgramAssessment.objects.filter(
        visible_participant_q(member), program__organization_id=member.organization_id
    )


def can_work_on(member: Membership | None, record) -> bool:
    """Enrol, assess, log attempts, file an administrative record, end an episode: whoever may
    change the participant's record (supervisors, admins, the peers on their caseload)."""
    return _staff(member) and can_edit_participant(member, record.participant)


def can_export(member: Membership | None, program: Program) -> bool:
    return can_change_program(member, program)
