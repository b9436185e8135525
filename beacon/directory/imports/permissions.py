"""Who may import into the resource directory, and whose imports they see (docs/permissions.md).

The directory is shared by the whole Beacon, so importing is for the people who answer for it:
organization admins (their imports become their organization's curated entries) and platform
admins. An organization admin sees their own organization's imports; a platform admin sees every
import, including those started on the server without an organization. Everyone else: none (a
404 for one import, a 403 for the pages).
"""

from __future__ import annotations

from django.db.models import QuerySet

from beacon.directory.models import DirectoryImport
from beacon.organizations.models import Membership
from beacon.organizations.permissions import is_org_admin


def _platform_admin(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_platform_admin)


def can_import_directory(user, member: Membership | None) -> bool:
    return _platform_admin(user) or is_org_admin(member)


def directory_imports_visible_to(user, member: Membership | None) -> QuerySet[DirectoryImport]:
    if _platform_admin(user):
        return DirectoryImport.objects.all()
    if is_org_admin(member):
        return DirectoryImport.objects.filter(organization_id=member.organization_id)
    return DirectoryImport.objects.none()
