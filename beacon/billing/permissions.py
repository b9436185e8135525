"""Who works with Medicaid claims (docs/reports.md, "Medicaid claims"; docs/permissions.md).

Billing runs, their files and what claims need about a participant (diagnoses, service orders,
prior authorizations) are for the organization's supervisors and organization admins: they
make runs, read what was refused and fix it at the source. The billing settings (NPI, tax id,
rates) and the organization's payer rule sets are changed by organization admins only;
supervisors read them. Peers and participants get 403 at the door; another organization's run
or rule set is 404, like one that does not exist.
"""

from __future__ import annotations

from django.db.models import QuerySet

from beacon.billing.models import BillingRun, PayerRuleSet
from beacon.organizations.models import Membership, Role

BILLERS = frozenset({Role.SUPERVISOR, Role.ORG_ADMIN})


def works_on_billing(member: Membership | None) -> bool:
    return member is not None and member.is_active and member.role in BILLERS


def manages_billing(member: Membership | None) -> bool:
    return member is not None and member.is_active and member.role == Role.ORG_ADMIN


def runs_visible_to(member: Membership | None) -> QuerySet[BillingRun]:
    if not works_on_billing(member):
        return BillingRun.objects.none()
    return BillingRun.objects.filter(organization_id=member.organization_id)


def rulesets_visible_to(member: Membership | None) -> QuerySet[PayerRuleSet]:
    if not works_on_billing(member):
        return PayerRuleSet.objects.none()
    return PayerRuleSet.objects.filter(organization_id=member.organization_id)


def can_edit_ruleset(member: Membership | None, ruleset: PayerRuleSet) -> bool:
    return manages_billing(member) and ruleset.organization_id == member.organization_id
