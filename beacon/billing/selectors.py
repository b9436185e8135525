"""Reads of the billing app, each scoped to what the member may see (beacon/billing/
permissions.py, beacon/core/access.py)."""

from __future__ import annotations

from django.db.models import QuerySet

from beacon.billing import permissions
from beacon.billing.models import (
    BillingRun,
    BillingSettings,
    ClaimLine,
    Diagnosis,
    LineStatus,
    PayerRuleSet,
    PriorAuthorization,
    ServiceOrder,
)
from beacon.core.access import load_child, load_visible
from beacon.organizations.models import Membership


def runs_for_member(*, member: Membership) -> QuerySet[BillingRun]:
    """The organization's runs, newest first."""
    return (
        permissions.runs_visible_to(member)
        .select_related("created_by")
        .order_by("-created_at", "-number")
    )


def run_get_for_member(*, member: Membership, pk) -> BillingRun:
    return load_visible(
        member=member,
        visible=permissions.runs_visible_to(member).select_related("created_by"),
        pk=pk,
    )


def run_lines(*, run: BillingRun, status: str | None = None) -> QuerySet[ClaimLine]:
    lines = run.lines.select_related("participant", "replaces").order_by(
        "service_date", "created_at"
    )
    if status is not None:
        lines = lines.filter(status=status)
    return lines


def refused_lines(*, run: BillingRun) -> QuerySet[ClaimLine]:
    return run_lines(run=run, status=LineStatus.REFUSED)


def billed_lines(*, run: BillingRun) -> QuerySet[ClaimLine]:
    return run_lines(run=run, status=LineStatus.BILLED)


def settings_for(*, member: Membership) -> BillingSettings | None:
    if not permissions.works_on_billing(member):
        return None
    return BillingSettings.objects.filter(organization_id=member.organization_id).first()


def rulesets_for_member(*, member: Membership) -> QuerySet[PayerRuleSet]:
    return permissions.rulesets_visible_to(member).order_by("name")


def ruleset_get_for_member(*, member: Membership, pk, for_write: bool = False) -> PayerRuleSet:
    return load_visible(
        member=member,
        visible=permissions.rulesets_visible_to(member),
        pk=pk,
        for_write=for_write,
        can_write=permissions.can_edit_ruleset,
    )


def participant_billing(*, participant) -> dict:
    """What claims need about one participant (the participant was loaded for the member)."""
    return {
        "diagnoses": list(
            Diagnosis.objects.filter(participant=participant).order_by("ended_on", "created_at")
        ),
        "orders": list(ServiceOrder.objects.filter(participant=participant)),
        "authorizations": list(PriorAuthorization.objects.filter(participant=participant)),
    }


def diagnosis_get(*, member: Membership, participant, pk) -> Diagnosis:
    """One diagnosis of a participant the member loaded (404 when not theirs)."""
    return load_child(
        member=member,
        parent=participant,
        children=Diagnosis.objects.filter(participant=participant),
        pk=pk,
    )
