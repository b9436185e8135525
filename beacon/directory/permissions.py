"""Who may curate which directory entries (docs/directory-curation.md).

The directory is shared by the whole Beacon; `Service.curator` records which Beacon organization
looks after an entry. Organization admins curate:
  * the entries their organization curates, and
  * entries nobody curates yet: the first edit, verification or merge by an admin claims the
    entry for their organization (recorded in the audit entry).
Entries another organization curates are not visible to them at all (404, as if missing), so
one organization never overwrites another's work. Supervisors, peers and participants curate
nothing (403 on the curation pages, which are for organization admins). An entry merged into
another stays visible for history but cannot be changed any more (403 when asked for writing).

The same rule as Find Help's moderation (beacon.findhelp.permissions): an admin sees problem
reports exactly about the entries they may curate.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from beacon.directory.models import Service
from beacon.organizations.models import Role


def can_curate(member) -> bool:
    """Whether this membership may curate the directory at all."""
    return member is not None and member.role == Role.ORG_ADMIN


def services_curatable_by(member) -> QuerySet[Service]:
    """Entries `member` may see for curation: their organization's and unclaimed ones."""
    if not can_curate(member):
        return Service.objects.none()
    return Service.objects.filter(Q(curator=member.organization) | Q(curator__isnull=True))


def can_edit_service(member, service: Service) -> bool:
    """Edit, verify, merge: an entry this member may see that was not merged away."""
    return (
        can_curate(member)
        and service.merged_into_id is None
        and service.curator_id in (None, member.organization_id)
    )
