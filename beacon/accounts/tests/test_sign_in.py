from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from beacon.audit.models import AuditEvent
from conftest import PASSWORD

LOGIN = "/accounts/login/"


def _try(client, email, password, addr="10.0.0.1"):
    return client.post(LOGIN, {"email": email, "password": password}, REMOTE_ADDR=addr)


def test_sign_in_with_email_and_password(client, pat):
    response = _try(client, "PAT@harbor.test", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("core:home")
    assert client.get(reverse("core:home")).context["user"] == pat
    event = AuditEvent.objects.filter(action="auth.login").latest("id")
    assert event.actor == pat and event.ip_address == "10.0.0.1"


def test_wrong_password_keeps_the_email_and_says_what_to_do(client, pat):
    response = _try(client, "pat@harbor.test", "wrong password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "do not match an active account" in html
    assert 'value="pat@harbor.test"' in html
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.actor == pat and failed.details["email"] == "pat@harbor.test"


def test_deactivated_account_cannot_sign_in(client, pat):
    pat.is_active = False
    pat.save()
    response = _try(client, "pat@harbor.test", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_lockout_after_five_failures_refuses_even_the_right_password(client, pat, settings):
    for _ in range(4):
        assert _try(client, "pat@harbor.test", "wrong").status_code == 200
    # The fifth failure is refused and starts the lockout.
    assert _try(client, "pat@harbor.test", "wrong").status_code == 429
    response = _try(client, "pat@harbor.test", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed sign-ins" in html and "15 minutes" in html
    assert 'value="pat@harbor.test"' in html
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.locked_out", actor=pat).exists()


def test_lockout_is_per_email_and_address(client, pat, sam):
    for _ in range(5):
        _try(client, "pat@harbor.test", "wrong", addr="10.0.0.1")
    # Same email from another address, and another email from the same address, still work.
    assert _try(client, "pat@harbor.test", PASSWORD, addr="10.0.0.2").status_code == 302
    client.logout()
    assert _try(client, "sam@harbor.test", PASSWORD, addr="10.0.0.1").status_code == 302


def test_lockout_ends_after_the_configured_minutes(client, pat):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            _try(client, "pat@harbor.test", "wrong")
        assert _try(client, "pat@harbor.test", PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert _try(client, "pat@harbor.test", PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert _try(client, "pat@harbor.test", PASSWORD).status_code == 302


def test_lockout_numbers_are_settings(client, pat, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        _try(client, "pat@harbor.test", "wrong")
    assert _try(client, "pat@harbor.test", PASSWORD).status_code == 429


def test_sign_out_ends_the_session_on_the_server(client, pat):
    _try(client, "pat@harbor.test", PASSWORD)
    session_key = client.session.session_key
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=session_key).exists()
    # Replaying the old cookie does not bring the session back.
    client.cookies["beacon_session"] = session_key
    assert client.get(reverse("accounts:security")).status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout", actor=pat).exists()


def test_sign_out_needs_post(client_for, pat):
    assert client_for(pat).get(reverse("accounts:logout")).status_code == 405


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("accounts:security"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_next_must_stay_on_this_site(client, pat):
    response = client.post(
        LOGIN + "?next=https://evil.example/", {"email": "pat@harbor.test", "password": PASSWORD}
    )
    assert response.url == reverse("core:home")


@pytest.mark.django_db
def test_sign_in_form_errors_are_specific(client):
    response = client.post(LOGIN, {"email": "not-an-email", "password": ""})
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert "This field is required." in html
    assert 'value="not-an-email"' in html
