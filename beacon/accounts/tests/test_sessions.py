from datetime import timedelta

import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from beacon.accounts.models import UserSession
from beacon.audit.models import AuditEvent
from beacon.organizations.services import membership_deactivate
from conftest import PASSWORD

SECURITY = "/accounts/security/"


def _signed_in(client, email):
    response = client.post("/accounts/login/", {"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_session_ends_after_idle_minutes(client, pat):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _signed_in(client, "pat@harbor.test")
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get(SECURITY).status_code == 200
    # Activity at minute 29 counts: 29 + 29 is still within the limit.
    with time_machine.travel(start + timedelta(minutes=58), tick=False):
        assert client.get(SECURITY).status_code == 200
    with time_machine.travel(start + timedelta(minutes=58 + 31), tick=False):
        response = client.get(SECURITY)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    assert AuditEvent.objects.filter(action="auth.session_expired", actor=pat).exists()
    login_page = client.get(reverse("accounts:login")).content.decode()
    assert "signed out after 30 minutes without activity" in login_page


def test_idle_limit_follows_the_organization_setting(client, pat, harbor):
    harbor.idle_timeout_minutes = 10
    harbor.save()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _signed_in(client, "pat@harbor.test")
    with time_machine.travel(start + timedelta(minutes=11), tick=False):
        assert client.get(SECURITY).status_code == 302


def test_session_ends_after_twelve_hours_whatever_the_activity(client, pat):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _signed_in(client, "pat@harbor.test")
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get(SECURITY).status_code == 200, minutes
    with time_machine.travel(start + timedelta(hours=12, minutes=5), tick=False):
        response = client.get(SECURITY)
        assert response.status_code == 302
    assert "sessions end after 12 hours" in client.get("/accounts/login/").content.decode()


def test_session_limits_are_settings(client, pat, settings):
    settings.BEACON_SESSION_MAX_HOURS = 1
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _signed_in(client, "pat@harbor.test")
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        assert client.get(SECURITY).status_code == 302


def test_deactivation_ends_sessions_on_the_server(client, pat, ada, harbor):
    _signed_in(client, "pat@harbor.test")
    key = client.session.session_key
    membership = pat.memberships.get(organization=harbor)
    membership_deactivate(membership=membership, actor=ada)
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(user=pat).exists()
    assert client.get(SECURITY).status_code == 302
    assert _not_signed_in_again(pat)


def _not_signed_in_again(user):
    from django.test import Client

    response = Client().post("/accounts/login/", {"email": user.email, "password": PASSWORD})
    return response.status_code == 200  # the form again: the account is deactivated


def test_sign_out_everywhere_else_keeps_this_session(client_for, pat):
    here = client_for(pat)
    elsewhere = client_for(pat)
    response = here.post(reverse("accounts:sessions_end_others"))
    assert response.status_code == 302
    assert here.get(SECURITY).status_code == 200
    assert elsewhere.get(SECURITY).status_code == 302
    event = AuditEvent.objects.get(action="auth.sessions_ended")
    assert event.details["count"] == 1


def test_security_page_lists_sessions(client_for, pat):
    client = client_for(pat, HTTP_USER_AGENT="Pat's phone browser")
    client.get(SECURITY)
    html = client.get(SECURITY).content.decode()
    assert "this one" in html


def test_password_change_ends_other_sessions(client_for, pat):
    here = client_for(pat)
    elsewhere = client_for(pat)
    response = here.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a new long passphrase 42",
            "new_password2": "a new long passphrase 42",
        },
    )
    assert response.status_code == 302
    assert here.get(SECURITY).status_code == 200
    assert elsewhere.get(SECURITY).status_code == 302
    assert AuditEvent.objects.filter(action="auth.password_changed", actor=pat).exists()


def test_name_change_is_saved_and_audited(client_for, pat):
    client = client_for(pat)
    response = client.post(SECURITY, {"name": "Pat Rivera"})
    assert response.status_code == 302
    pat.refresh_from_db()
    assert pat.name == "Pat Rivera"
    event = AuditEvent.objects.get(action="user.profile_changed")
    assert event.details["name"] == {"old": "Pat Peer", "new": "Pat Rivera"}


def test_empty_name_is_refused_with_a_message(client_for, pat):
    response = client_for(pat).post(SECURITY, {"name": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
