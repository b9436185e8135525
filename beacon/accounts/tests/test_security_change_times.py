"""When a person last set their password and set up MFA (issue 14): the services note it, and
the migration that added these times read them for existing people from the audit trail."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from beacon.accounts import services
from beacon.accounts.models import User
from beacon.api.services import token_create, token_revoke
from beacon.audit.models import AuditEvent

migration = importlib.import_module("beacon.accounts.migrations.0003_security_change_times")


def _enrol(user):
    device = services.mfa_enrolment_start(user=user)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    services.mfa_enrolment_confirm(user=user, code=code)


def _changed_password(user):
    services.password_reset_completed(user=user)


def _when(action, user):
    return AuditEvent.objects.filter(action=action, object_id=str(user.pk)).latest("id").occurred_at


def test_the_services_note_the_times(harbor, pat):
    before = timezone.now()
    _changed_password(pat)
    between = timezone.now()
    _enrol(pat)
    pat.refresh_from_db()
    assert before <= pat.password_changed_at <= between <= pat.mfa_enrolled_at <= timezone.now()

    services.mfa_reset(user=pat, actor=pat)
    pat.refresh_from_db()
    assert pat.mfa_enrolled_at is None


def test_the_migration_reads_existing_times_from_the_audit_trail(harbor, pat, quinn, sam, ada):
    for person in (pat, quinn, sam):
        token_create(user=person, organization=harbor)
    _changed_password(pat)
    _enrol(pat)
    _enrol(quinn)
    services.mfa_reset(user=quinn, actor=ada)  # enrolled, then reset: no MFA now
    token, _raw = token_create(user=ada, organization=harbor)
    _changed_password(ada)
    token_revoke(token=token, actor=ada)  # no live token: nothing to stop, left alone
    User.objects.update(password_changed_at=None, mfa_enrolled_at=None)

    migration.backfill(apps, None)

    pat.refresh_from_db()
    assert pat.password_changed_at == _when("auth.password_reset", pat)
    assert pat.mfa_enrolled_at == _when("mfa.enrolled", pat)
    quinn.refresh_from_db()
    assert (quinn.password_changed_at, quinn.mfa_enrolled_at) == (None, None)
    sam.refresh_from_db()
    assert (sam.password_changed_at, sam.mfa_enrolled_at) == (None, None)
    ada.refresh_from_db()
    assert ada.password_changed_at is None
    assert TOTPDevice.objects.filter(user=pat, confirmed=True).exists()
