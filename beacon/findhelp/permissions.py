"""Who may moderate what the public sends through Find Help.

The directory is shared by the whole Beacon. Organization admins moderate problem reports about
services their organization curates, and about services nobody curates yet; any organization
admin may review organization submissions (nobody curates them yet). Everyone else sees none.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from beacon.findhelp.models import OrganizationSubmission, ServiceProblemReport
from beacon.organizations.models import Role


def can_moderate(member) -> bool:
    return member is not None and member.role == Role.ORG_ADMIN


def problem_reports_visible_to(member) -> QuerySet[ServiceProblemReport]:
    if not can_moderate(member):
        return ServiceProblemReport.objects.none()
    return ServiceProblemReport.objects.filter(
        Q(service__curator=member.organization) | Q(service__curator__isnull=True)
    )


def submissions_visible_to(member) -> QuerySet[OrganizationSubmission]:
    if not can_moderate(member):
        return OrganizationSubmission.objects.none()
    return OrganizationSubmission.objects.all()
