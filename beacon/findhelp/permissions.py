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


# Find Help in people's words: the synonym table ---------------------------------------------------
#
# One table for the whole Beacon, as the directory is. Every organization admin sees it all (what
# a search does with a word should be plain to whoever looks after a listing) and adds to it; they
# change and remove the entries their organization added and Beacon's defaults (which nobody's
# organization added, as entries nobody curates are anyone's to moderate); another
# organization's additions are theirs (404 here, like a record outside one's organization).


def synonyms_visible_to(member) -> QuerySet:
    from beacon.findhelp.models import SearchSynonym

    if not can_moderate(member):
        return SearchSynonym.objects.none()
    return SearchSynonym.objects.all()


def synonyms_changeable_by(member) -> QuerySet:
    return synonyms_visible_to(member).filter(
        Q(organization=member.organization if member else None) | Q(organization__isnull=True)
    )


def can_change_synonym(member, synonym) -> bool:
    return can_moderate(member) and synonym.organization_id in (None, member.organization_id)
