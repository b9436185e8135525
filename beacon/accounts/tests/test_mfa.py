import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from beacon.accounts import services
from beacon.audit.models import AuditEvent
from beacon.core.tests.worker import run_worker
from conftest import PASSWORD

LOGIN = "/accounts/login/"


def _now_code(device):
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _enrol(user):
    services.mfa_enrolment_start(user=user)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    codes = services.mfa_enrolment_confirm(user=user, code=_now_code(device))
    device.refresh_from_db()
    return device, codes


@pytest.fixture
def mfa_org(harbor):
    harbor.mfa_required = True
    harbor.save()
    return harbor


def test_staff_must_enrol_before_anything_else(client, pat, mfa_org):
    response = client.post(LOGIN, {"email": "pat@harbor.test", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).url == reverse("accounts:mfa_setup")
    assert client.get(reverse("accounts:security")).url == reverse("accounts:mfa_setup")
    page = client.get(reverse("accounts:mfa_setup"))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in html  # the QR code, served inline (no CDN)
    assert "In crisis? Call or text" in html


def test_participants_are_not_forced_to_enrol(client_for, riley, riley_record, mfa_org):
    # The start page sends a participant to their own Beacon (issue 17), not to MFA enrolment.
    client = client_for(riley)
    assert client.get(reverse("core:home")).url == reverse("portal:home")
    assert client.get(reverse("portal:home")).status_code == 200


def test_demo_style_organizations_do_not_ask(client_for, pat):
    assert client_for(pat).get(reverse("core:home")).status_code == 200


def test_enrolment_with_a_code_shows_recovery_codes_once(client, pat, mfa_org):
    client.post(LOGIN, {"email": "pat@harbor.test", "password": PASSWORD})
    client.get(reverse("accounts:mfa_setup"))
    device = TOTPDevice.objects.get(user=pat, confirmed=False)
    response = client.post(reverse("accounts:mfa_setup"), {"code": _now_code(device)})
    assert response.status_code == 200
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", response.content.decode())
    assert len(codes) == 10
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEvent.objects.filter(action="mfa.enrolled", actor=pat).exists()
    assert services.recovery_codes_remaining(pat) == 10


def test_wrong_enrolment_code_is_explained(client, pat, mfa_org):
    client.post(LOGIN, {"email": "pat@harbor.test", "password": PASSWORD})
    client.get(reverse("accounts:mfa_setup"))
    response = client.post(reverse("accounts:mfa_setup"), {"code": "000000"})
    assert "That code did not match" in response.content.decode()
    assert not services.mfa_is_enrolled(pat)


def test_sign_in_asks_for_the_code_after_the_password(client, pat):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        device, _codes = _enrol(pat)
    with time_machine.travel(start + timedelta(seconds=31), tick=False):
        response = client.post(LOGIN, {"email": "pat@harbor.test", "password": PASSWORD})
        assert response.url == reverse("accounts:login_verify")
        assert "_auth_user_id" not in client.session  # not signed in until the code
        response = client.post(reverse("accounts:login_verify"), {"code": _now_code(device)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(pat.pk)
    assert AuditEvent.objects.filter(action="mfa.verified", actor=pat).exists()


def test_a_totp_code_cannot_be_used_twice(client, pat):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        device, _codes = _enrol(pat)
    # The enrolment consumed the code of this time step; a later step's code signs in once.
    later = start + timedelta(seconds=60)
    with time_machine.travel(later, tick=False):
        code = _now_code(device)
        client.post(LOGIN, {"email": "pat@harbor.test", "password": PASSWORD})
        assert client.post(reverse("accounts:login_verify"), {"code": code}).status_code == 302
        client.post(reverse("accounts:logout"))
        client.post(LOGIN, {"email": "pat@harbor.test", "password": PASSWORD})
        response = client.post(reverse("accounts:login_verify"), {"code": code})
    assert response.status_code == 200
    assert "already used" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="mfa.failed", actor=pat).exists()


def test_a_recovery_code_works_once(client, pat):
    _device, codes = _enrol(pat)
    client.post(LOGIN, {"email": "pat@harbor.test", "password": PASSWORD})
    response = client.post(reverse("accounts:login_verify"), {"code": codes[0].upper()})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="mfa.recovery_code_used", actor=pat).exists()
    client.post(reverse("accounts:logout"))
    client.post(LOGIN, {"email": "pat@harbor.test", "password": PASSWORD})
    response = client.post(reverse("accounts:login_verify"), {"code": codes[0]})
    assert response.status_code == 200
    assert services.recovery_codes_remaining(pat) == 9


def test_the_code_step_expires(client, pat):
    device, _codes = _enrol(pat)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.post(LOGIN, {"email": "pat@harbor.test", "password": PASSWORD})
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        response = client.post(reverse("accounts:login_verify"), {"code": _now_code(device)})
    assert response.url == reverse("accounts:login")


def test_password_reset_does_not_bypass_mfa(client, pat, django_capture_on_commit_callbacks):
    _device, _codes = _enrol(pat)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "pat@harbor.test"})
    assert mail.outbox == []  # queued: `beacon worker` sends it
    run_worker()
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url  # Django swaps the token for a session marker
    response = client.post(
        form_url,
        {"new_password1": "brand new passphrase 7", "new_password2": "brand new passphrase 7"},
    )
    assert response.url == reverse("accounts:password_reset_complete")
    assert "_auth_user_id" not in client.session
    response = client.post(
        LOGIN, {"email": "pat@harbor.test", "password": "brand new passphrase 7"}
    )
    assert response.url == reverse("accounts:login_verify")
    assert services.mfa_is_enrolled(pat)
    assert AuditEvent.objects.filter(action="auth.password_reset", actor=pat).exists()


def test_password_reset_for_an_unknown_email_reveals_nothing(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@nowhere.test"})
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 0


def test_new_recovery_codes_replace_the_old(client_for, pat):
    _device, old_codes = _enrol(pat)
    response = client_for(pat).post(reverse("accounts:mfa_recovery_codes"))
    new_codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", response.content.decode())
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert not services.mfa_verify(user=pat, code=old_codes[0]).ok
        # Right after a wrong code, even a right one waits (django-otp's throttling).
        assert not services.mfa_verify(user=pat, code=new_codes[0]).ok
    with time_machine.travel(start + timedelta(seconds=10), tick=False):
        assert services.mfa_verify(user=pat, code=new_codes[0]).ok


def test_admin_reset_of_mfa_removes_devices_and_ends_sessions(client_for, pat, ada, harbor):
    _enrol(pat)
    pat_client = client_for(pat)
    membership = pat.memberships.get(organization=harbor)
    response = client_for(ada).post(reverse("organizations:member_mfa_reset", args=[membership.pk]))
    assert response.status_code == 302
    assert not services.mfa_is_enrolled(pat)
    assert pat_client.get(reverse("accounts:security")).status_code == 302
    assert AuditEvent.objects.filter(action="mfa.reset", actor=ada).exists()
