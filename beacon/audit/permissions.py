"""Who may read the audit trail: an organization's admins, their organization's part only."""

from django.db.models import QuerySet

from beacon.audit.models import AuditEvent
from beacon.organizations.permissions import is_org_admin


def audit_events_visible_to(member) -> QuerySet[AuditEvent]:
    if not is_org_admin(member):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(organization_id=member.organization_id)
