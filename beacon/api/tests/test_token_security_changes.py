"""A bearer token stops working when the person's security changes after it was made (issue 14):
a password change or reset, MFA enrolment, or the organization beginning to require MFA. The
refusal has a code in the API's error shape, is audited, and the API tokens page says why. A
remembered (idempotent) answer is never replayed to a caller who would not be let in now."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from beacon.api.models import ApiToken, IdempotentRequest
from beacon.api.services import token_create
from beacon.audit.models import AuditEvent
from beacon.core.tests.worker import run_worker
from beacon.encounters.models import Encounter
from beacon.organizations.forms import OrganizationSettingsForm
from conftest import PASSWORD

ME = "/api/v1/me"
ENCOUNTERS = "/api/v1/encounters"
EXPIRED = "token_expired_by_security_change"


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def refusal(response, status, code):
    assert response.status_code == status, response.content
    assert "Idempotent-Replayed" not in response
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


def enrol_mfa_on_the_web(client):
    """Set up an authenticator app through the security pages, as a person does."""
    client.get(reverse("accounts:mfa_setup"))
    device = TOTPDevice.objects.get(confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post(reverse("accounts:mfa_setup"), {"code": code})
    assert response.status_code == 200 and "recovery" in response.content.decode().lower()


def new_token_on_the_web(client, name="after"):
    """Make a token on the API tokens page and read its secret from the page."""
    html = client.post(reverse("accounts:tokens"), {"name": name}).content.decode()
    return re.search(r'<code class="secret">(bcn_[^<]+)</code>', html).group(1)


def require_mfa_on_the_web(admin_client, organization, required=True):
    """The organization admin ticks (or unticks) "Staff must use MFA" on the settings page."""
    organization.refresh_from_db()
    form = OrganizationSettingsForm(instance=organization)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name)
        if isinstance(field, forms.BooleanField):
            value = "on" if value else ""
        data[name] = "" if value is None else value
    data["mfa_required"] = "on" if required else ""
    response = admin_client.post(reverse("organizations:settings"), data)
    assert response.url == reverse("organizations:settings"), response.content.decode()
    organization.refresh_from_db()
    assert organization.mfa_required is required


def test_a_token_made_before_mfa_enrolment_stops_and_one_made_after_works(
    client_for, harbor, pat, jordan
):
    _token, before = token_create(user=pat, organization=harbor, name="before")
    web = client_for(pat)
    enrol_mfa_on_the_web(web)

    error = refusal(Client().get(ME, **bearer(before)), 401, EXPIRED)
    assert error["reason"] == "mfa_enrolled"
    assert "multi-factor" in error["message"]
    event = AuditEvent.objects.get(action="auth.token_refused")
    assert (event.actor_id, event.organization_id) == (pat.pk, harbor.pk)
    assert event.details["reason"] == "mfa_enrolled"

    after = new_token_on_the_web(web)
    assert Client().get(ME, **bearer(after)).status_code == 200


def test_a_token_made_before_a_password_reset_stops(
    client, harbor, pat, django_capture_on_commit_callbacks
):
    _token, before = token_create(user=pat, organization=harbor, name="before")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": pat.email})
    run_worker()  # the reset link goes out from `beacon worker`
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url
    new_password = "brand new passphrase 7"
    client.post(form_url, {"new_password1": new_password, "new_password2": new_password})

    error = refusal(Client().get(ME, **bearer(before)), 401, EXPIRED)
    assert error["reason"] == "password_changed"

    made = Client().post(
        "/api/v1/auth/token",
        {"email": pat.email, "password": new_password},
        content_type="application/json",
    )
    assert Client().get(ME, **bearer(made.json()["token"])).status_code == 200


def test_a_token_made_before_a_password_change_stops(client_for, harbor, pat, jordan):
    _token, before = token_create(user=pat, organization=harbor, name="before")
    web = client_for(pat)
    new_password = "a new long passphrase 42"
    response = web.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302

    error = refusal(
        Client().post(ENCOUNTERS, {}, content_type="application/json", **bearer(before)),
        401,
        EXPIRED,
    )
    assert error["reason"] == "password_changed"
    assert Client().get(ME, **bearer(new_token_on_the_web(web))).status_code == 200


def test_when_the_organization_begins_to_require_mfa_older_tokens_stop(
    client_for, harbor, ada, pat, riley
):
    pat_web = client_for(pat)
    enrol_mfa_on_the_web(pat_web)
    _token, pat_before = token_create(user=pat, organization=harbor, name="before")
    _token, riley_before = token_create(user=riley, organization=harbor, name="participant")
    assert Client().get(ME, **bearer(pat_before)).status_code == 200

    require_mfa_on_the_web(client_for(ada), harbor)

    error = refusal(Client().get(ME, **bearer(pat_before)), 401, EXPIRED)
    assert error["reason"] == "mfa_required"
    assert "organization" in error["message"]
    # Participants are not asked for MFA, so the requirement leaves their tokens alone.
    assert Client().get(ME, **bearer(riley_before)).status_code == 200
    # Pat's session set up MFA, so Pat may make a new token on the web, and it works.
    assert Client().get(ME, **bearer(new_token_on_the_web(pat_web))).status_code == 200


def test_staff_without_mfa_are_told_to_set_it_up(client_for, harbor, ada, quinn):
    _token, before = token_create(user=quinn, organization=harbor)
    require_mfa_on_the_web(client_for(ada), harbor)

    refusal(Client().get(ME, **bearer(before)), 403, "mfa_enrolment_required")
    event = AuditEvent.objects.get(action="auth.token_refused")
    assert event.details["reason"] == "mfa_not_set_up"
    # Recorded once, as the token's refusal, not a second time as an access refusal.
    assert not AuditEvent.objects.filter(action="access.refused").exists()


def test_turning_the_requirement_off_and_on_again_starts_it_anew(client_for, harbor, ada, pat):
    enrol_mfa_on_the_web(client_for(pat))
    admin = client_for(ada)
    enrol_mfa_on_the_web(admin)  # so the settings page stays open to Ada once MFA is required
    require_mfa_on_the_web(admin, harbor)
    _token, made_while_required = token_create(user=pat, organization=harbor)
    assert Client().get(ME, **bearer(made_while_required)).status_code == 200
    require_mfa_on_the_web(admin, harbor, required=False)
    _token, made_while_not = token_create(user=pat, organization=harbor)
    require_mfa_on_the_web(admin, harbor)

    assert Client().get(ME, **bearer(made_while_not)).json()["error"]["reason"] == "mfa_required"
    assert Client().get(ME, **bearer(made_while_required)).status_code == 401


def test_the_tokens_page_says_which_tokens_stopped_and_why(client_for, harbor, pat):
    token_create(user=pat, organization=harbor, name="Old sync script")
    web = client_for(pat)
    enrol_mfa_on_the_web(web)
    new_token_on_the_web(web, name="New sync script")

    html = web.get(reverse("accounts:tokens")).content.decode()
    old_row = re.search(r"<tr>\s*<td[^>]*>Old sync script</td>.*?</tr>", html, re.S).group(0)
    new_row = re.search(r"<tr>\s*<td[^>]*>New sync script</td>.*?</tr>", html, re.S).group(0)
    assert "Stopped working" in old_row
    assert "before you set up multi-factor authentication" in old_row
    assert "Stopped working" not in new_row


# Idempotent replay comes after authentication ----------------------------------------------


def encounter(participant):
    return {
        "participant": str(participant.pk),
        "duration_minutes": 30,
        "modality": "in_person",
        "setting": "community",
        "kind": "one_on_one",
        "note": "Coffee and a walk.",
    }


def test_a_revoked_token_gets_no_remembered_answer(harbor, pat, jordan):
    token, raw = token_create(user=pat, organization=harbor)
    api = Client()
    headers = {**bearer(raw), "HTTP_IDEMPOTENCY_KEY": "visit-1"}
    first = api.post(ENCOUNTERS, encounter(jordan), content_type="application/json", **headers)
    assert first.status_code == 201
    assert api.delete(f"/api/v1/auth/tokens/{token.pk}", **bearer(raw)).status_code == 204

    again = api.post(ENCOUNTERS, encounter(jordan), content_type="application/json", **headers)

    refusal(again, 401, "unauthorized")
    assert "Coffee" not in again.content.decode()
    assert Encounter.objects.filter(participant=jordan).count() == 1


def test_a_token_stopped_by_a_security_change_gets_no_remembered_answer(
    client_for, harbor, pat, jordan
):
    _token, raw = token_create(user=pat, organization=harbor)
    headers = {**bearer(raw), "HTTP_IDEMPOTENCY_KEY": "visit-1"}
    first = Client().post(ENCOUNTERS, encounter(jordan), content_type="application/json", **headers)
    assert first.status_code == 201
    enrol_mfa_on_the_web(client_for(pat))

    again = Client().post(ENCOUNTERS, encounter(jordan), content_type="application/json", **headers)

    assert refusal(again, 401, EXPIRED)["reason"] == "mfa_enrolled"
    # Nor is a refused caller's write remembered under a new key.
    fresh = {**bearer(raw), "HTTP_IDEMPOTENCY_KEY": "visit-2"}
    Client().post(ENCOUNTERS, encounter(jordan), content_type="application/json", **fresh)
    assert IdempotentRequest.objects.filter(key="visit-2").count() == 0


def test_a_session_that_now_owes_mfa_gets_no_remembered_answer(
    client_for, harbor, ada, pat, jordan
):
    web = client_for(pat)
    headers = {"HTTP_IDEMPOTENCY_KEY": "visit-1"}
    first = web.post(ENCOUNTERS, encounter(jordan), content_type="application/json", **headers)
    assert first.status_code == 201
    require_mfa_on_the_web(client_for(ada), harbor)

    again = web.post(ENCOUNTERS, encounter(jordan), content_type="application/json", **headers)

    refusal(again, 401, "unauthorized")
    assert Encounter.objects.filter(participant=jordan).count() == 1


def test_a_signed_out_session_gets_no_remembered_answer(client_for, pat, jordan):
    web = client_for(pat)
    cookie = web.cookies[settings.SESSION_COOKIE_NAME].value
    headers = {"HTTP_IDEMPOTENCY_KEY": "visit-1"}
    assert (
        web.post(ENCOUNTERS, encounter(jordan), content_type="application/json", **headers)
    ).status_code == 201
    web.post(reverse("accounts:logout"))

    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = cookie
    again = stale.post(ENCOUNTERS, encounter(jordan), content_type="application/json", **headers)

    refusal(again, 401, "unauthorized")


@pytest.mark.parametrize("reason", ["mfa_enrolled", "password_changed"])
def test_refused_tokens_are_not_touched(client_for, harbor, pat, reason):
    token, raw = token_create(user=pat, organization=harbor)
    web = client_for(pat)
    if reason == "mfa_enrolled":
        enrol_mfa_on_the_web(web)
    else:
        web.post(
            reverse("accounts:password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "x long new pw 9",
                "new_password2": "x long new pw 9",
            },
        )
    Client().get(ME, **bearer(raw))
    assert ApiToken.objects.get(pk=token.pk).last_used_at is None
