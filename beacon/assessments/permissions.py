"""Who may see and record assessments, and who may build questionnaires (docs/permissions.md).

An assessment is visible exactly when its participant is (participants_visible_to): supervisors
and organization admins see the whole organization's, peers their caseload's (or everyone's where
the organization opened participants to the team). Everyone else: 404. Questionnaires are the
organization's tools: every staff member of the organization sees them; only organization
admins build, publish and retire them.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from beacon.assessments.models import Assessment, Questionnaire
from beacon.organizations.models import Membership, Role
from beacon.participants.models import Participant
from beacon.participants.permissions import STAFF, participants_visible_to


def _active_staff(member: Membership | None) -> bool:
    return member is not None and member.is_active and member.role in STAFF


def assessments_visible_to(member: Membership | None) -> QuerySet[Assessment]:
    """Assessments whose participant the member may see (a correlated EXISTS, so the caseload
    rule stays written in one place and no row appears twice)."""
    if not _active_staff(member):
        return Assessment.objects.none()
    visible = participants_visible_to(member).filter(pk=OuterRef("participant_id"))
    return Assessment.objects.filter(organization_id=member.organization_id).filter(Exists(visible))


def can_record_assessment(member: Membership | None, participant: Participant) -> bool:
    """Staff who can see the participant. An assessment is the participant's own answers
    written down, not a change to their record, so seeing them is enough (as for consents)."""
    if not _active_staff(member) or participant.organization_id != member.organization_id:
        return False
    return participants_visible_to(member).filter(pk=participant.pk).exists()


def questionnaires_visible_to(member: Membership | None) -> QuerySet[Questionnaire]:
    """The organization's questionnaires, for its staff."""
    if not _active_staff(member):
        return Questionnaire.objects.none()
    return Questionnaire.objects.filter(organization_id=member.organization_id)


def can_manage_questionnaires(member: Membership | None) -> bool:
    """Build, publish and retire questionnaires: organization admins."""
    return member is not None and member.is_active and member.role == Role.ORG_ADMIN


def can_manage_questionnaire(member: Membership | None, questionnaire: Questionnaire) -> bool:
    return (
        can_manage_questionnaires(member)
        and questionnaire.organization_id == member.organization_id
    )
