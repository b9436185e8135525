"""When an organization's MFA requirement took effect (issue 14): the settings service notes it,
and the migration that added the time read it for existing organizations from the audit trail."""

from __future__ import annotations

import importlib

from django.apps import apps

from beacon.audit.models import AuditEvent
from beacon.organizations.models import Organization
from beacon.organizations.services import organization_create, organization_update_settings
from beacon.organizations.tests.factories import OrganizationFactory

migration = importlib.import_module("beacon.organizations.migrations.0007_security_change_times")


def test_the_settings_service_notes_when_the_requirement_took_effect(harbor, ada):
    assert harbor.mfa_required_since is None
    organization_update_settings(organization=harbor, actor=ada, mfa_required=True)
    harbor.refresh_from_db()
    first = harbor.mfa_required_since
    assert first is not None

    organization_update_settings(organization=harbor, actor=ada, name="Harbor RCO")
    harbor.refresh_from_db()
    assert harbor.mfa_required_since == first  # other settings leave it alone

    organization_update_settings(organization=harbor, actor=ada, mfa_required=False)
    harbor.refresh_from_db()
    assert harbor.mfa_required_since is None


def test_an_organization_created_requiring_mfa_requires_it_since_then(ada):
    organization = organization_create(name="New Dawn", actor=ada, mfa_required=True)
    organization.refresh_from_db()
    assert organization.mfa_required_since == organization.created_at


def test_the_migration_reads_the_time_from_the_audit_trail(harbor, lakeside, ada, olive):
    organization_update_settings(organization=harbor, actor=ada, mfa_required=True)
    organization_update_settings(organization=harbor, actor=ada, mfa_required=False)
    organization_update_settings(organization=harbor, actor=ada, mfa_required=True)
    turned_on_last = (
        AuditEvent.objects.filter(
            action="organization.settings_changed", details__mfa_required__new=True
        )
        .latest("id")
        .occurred_at
    )
    always = OrganizationFactory(mfa_required=True)  # required since it was made, never changed
    Organization.objects.update(mfa_required_since=None)

    migration.backfill(apps, None)

    harbor.refresh_from_db()
    always.refresh_from_db()
    lakeside.refresh_from_db()
    assert harbor.mfa_required_since == turned_on_last
    assert always.mfa_required_since == always.created_at
    assert lakeside.mfa_required_since is None  # does not require MFA
