"""API sign-in: tokens for email and password (lockout and MFA apply), who am I, token
management, and the one error shape."""

import json
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from beacon.accounts.services import recovery_codes_generate
from beacon.api.models import ApiToken
from beacon.api.services import token_create
from beacon.audit.models import AuditEvent
from beacon.organizations.models import Membership, Role
from beacon.organizations.services import membership_deactivate
from beacon.organizations.tests.factories import MembershipFactory
from conftest import PASSWORD

TOKEN_URL = "/api/v1/auth/token"
TOKENS_URL = "/api/v1/auth/tokens"
ME_URL = "/api/v1/me"


def post_json(client, url, data, **extra):
    return client.post(url, data=json.dumps(data), content_type="application/json", **extra)


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def confirmed_totp(user):
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


# Token for email and password -----------------------------------------------------------------


def test_token_for_email_and_password_then_me(client, harbor, pat):
    response = post_json(client, TOKEN_URL, {"email": pat.email, "password": PASSWORD})

    assert response.status_code == 201
    body = response.json()
    raw = body["token"]
    assert raw.startswith("bcn_")
    assert body["prefix"] == raw[:12]
    assert body["organization"] == str(harbor.pk)
    token = ApiToken.objects.get(pk=body["id"])
    assert token.user == pat
    assert token.token_hash != raw  # only its hash is kept
    assert raw not in json.dumps(list(ApiToken.objects.values()), default=str)
    created = AuditEvent.objects.get(action="auth.token_created")
    assert created.actor_id == pat.pk
    assert created.organization_id == harbor.pk
    assert raw not in json.dumps(created.details)

    response = Client().get(ME_URL, **bearer(raw))
    assert response.status_code == 200
    me = response.json()
    assert me["user"]["email"] == pat.email
    assert me["user"]["id"] == str(pat.pk)
    assert me["organization"]["id"] == str(harbor.pk)
    assert me["organization"]["name"] == harbor.name
    assert me["role"] == "peer"
    assert [m["organization"]["id"] for m in me["memberships"]] == [str(harbor.pk)]


def test_email_is_not_case_sensitive(client, harbor, pat):
    response = post_json(client, TOKEN_URL, {"email": "PAT@Harbor.test", "password": PASSWORD})
    assert response.status_code == 201


def test_me_for_organization_admin(client, harbor, ada):
    _token, raw = token_create(user=ada, organization=harbor)
    response = client.get(ME_URL, **bearer(raw))
    assert response.json()["role"] == "org_admin"


def test_wrong_password_is_refused(client, harbor, pat):
    response = post_json(client, TOKEN_URL, {"email": pat.email, "password": "not the password"})
    error = assert_error(response, 401, "invalid_credentials")
    assert "password" in error["message"]
    assert not ApiToken.objects.exists()
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.actor_id == pat.pk
    assert failed.ip_address == "127.0.0.1"


def test_unknown_email_answers_like_a_wrong_password(client, harbor, pat):
    wrong_password = post_json(client, TOKEN_URL, {"email": pat.email, "password": "nope nope"})
    unknown = post_json(client, TOKEN_URL, {"email": "who@harbor.test", "password": "nope nope"})
    assert_error(unknown, 401, "invalid_credentials")
    assert unknown.json() == wrong_password.json()


def test_deactivated_account_gets_no_token(client, harbor, ada, pat):
    membership_deactivate(membership=Membership.objects.get(user=pat), actor=ada)
    response = post_json(client, TOKEN_URL, {"email": pat.email, "password": PASSWORD})
    assert_error(response, 401, "invalid_credentials")


def test_token_for_an_organization_the_person_is_not_in(client, harbor, lakeside, pat):
    response = post_json(
        client,
        TOKEN_URL,
        {"email": pat.email, "password": PASSWORD, "organization": str(lakeside.pk)},
    )
    assert_error(response, 403, "no_membership")
    assert not ApiToken.objects.exists()


# Lockout --------------------------------------------------------------------------------------


def _fail(client, user, times, address="203.0.113.5"):
    return [
        post_json(
            client, TOKEN_URL, {"email": user.email, "password": "wrong!"}, REMOTE_ADDR=address
        )
        for _ in range(times)
    ]


def test_lockout_after_five_failures_even_with_the_right_password(client, harbor, pat):
    responses = _fail(client, pat, 5)
    for response in responses[:4]:
        assert_error(response, 401, "invalid_credentials")

    right = post_json(
        client, TOKEN_URL, {"email": pat.email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.5"
    )
    error = assert_error(right, 429, "locked_out")
    assert "15 minutes" in error["message"]
    assert right["Retry-After"] == "900"
    assert not ApiToken.objects.exists()
    locked = AuditEvent.objects.filter(action="auth.locked_out")
    assert locked.exists()
    assert locked.first().ip_address == "203.0.113.5"


def test_lockout_is_per_address(client, harbor, pat):
    _fail(client, pat, 5, address="203.0.113.5")
    response = post_json(
        client, TOKEN_URL, {"email": pat.email, "password": PASSWORD}, REMOTE_ADDR="198.51.100.1"
    )
    assert response.status_code == 201


def test_lockout_is_per_account(client, harbor, pat, sam):
    _fail(client, pat, 5, address="203.0.113.5")
    response = post_json(
        client, TOKEN_URL, {"email": sam.email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.5"
    )
    assert response.status_code == 201


def test_lockout_ends_after_fifteen_minutes(client, harbor, pat):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail(client, pat, 5)

    def right_password():
        return post_json(
            client, TOKEN_URL, {"email": pat.email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.5"
        )

    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert_error(right_password(), 429, "locked_out")
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        response = right_password()
    assert response.status_code == 201, response.content


def test_lockout_numbers_are_settings(settings, client, harbor, pat):
    settings.AXES_FAILURE_LIMIT = 2
    _fail(client, pat, 2)
    right = post_json(
        client, TOKEN_URL, {"email": pat.email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.5"
    )
    assert_error(right, 429, "locked_out")


def test_success_resets_the_failure_count(client, harbor, pat):
    _fail(client, pat, 4)
    ok = post_json(
        client, TOKEN_URL, {"email": pat.email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.5"
    )
    assert ok.status_code == 201
    _fail(client, pat, 4)
    ok = post_json(
        client, TOKEN_URL, {"email": pat.email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.5"
    )
    assert ok.status_code == 201


# MFA ------------------------------------------------------------------------------------------


def test_enrolled_person_must_send_a_code(client, harbor, pat):
    confirmed_totp(pat)
    response = post_json(client, TOKEN_URL, {"email": pat.email, "password": PASSWORD})
    assert_error(response, 401, "mfa_required")
    assert not ApiToken.objects.exists()


def test_enrolled_person_with_a_valid_code_gets_a_token(client, harbor, pat):
    device = confirmed_totp(pat)
    response = post_json(
        client, TOKEN_URL, {"email": pat.email, "password": PASSWORD, "otp": current_code(device)}
    )
    assert response.status_code == 201, response.content
    assert ApiToken.objects.filter(user=pat).count() == 1
    assert AuditEvent.objects.filter(action="mfa.verified", actor=pat).exists()


def test_wrong_code_is_refused(client, harbor, pat):
    device = confirmed_totp(pat)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = post_json(
        client, TOKEN_URL, {"email": pat.email, "password": PASSWORD, "otp": wrong}
    )
    assert_error(response, 401, "mfa_invalid")
    assert AuditEvent.objects.filter(action="mfa.failed", actor=pat).exists()
    assert not ApiToken.objects.exists()


def test_a_code_works_once(client, harbor, pat):
    device = confirmed_totp(pat)
    code = current_code(device)
    first = post_json(client, TOKEN_URL, {"email": pat.email, "password": PASSWORD, "otp": code})
    assert first.status_code == 201
    again = post_json(client, TOKEN_URL, {"email": pat.email, "password": PASSWORD, "otp": code})
    assert_error(again, 401, "mfa_invalid")
    assert ApiToken.objects.filter(user=pat).count() == 1


def test_a_recovery_code_works_once(client, harbor, pat):
    confirmed_totp(pat)
    code = recovery_codes_generate(user=pat)[0]
    first = post_json(client, TOKEN_URL, {"email": pat.email, "password": PASSWORD, "otp": code})
    assert first.status_code == 201
    again = post_json(client, TOKEN_URL, {"email": pat.email, "password": PASSWORD, "otp": code})
    assert_error(again, 401, "mfa_invalid")


def test_staff_must_enrol_where_the_organization_requires_mfa(client, harbor, pat):
    harbor.mfa_required = True
    harbor.save(update_fields=["mfa_required"])
    response = post_json(client, TOKEN_URL, {"email": pat.email, "password": PASSWORD})
    assert_error(response, 403, "mfa_enrolment_required")
    assert not ApiToken.objects.exists()


def test_enrolled_staff_of_an_mfa_organization_get_a_token(client, harbor, pat):
    harbor.mfa_required = True
    harbor.save(update_fields=["mfa_required"])
    device = confirmed_totp(pat)
    response = post_json(
        client, TOKEN_URL, {"email": pat.email, "password": PASSWORD, "otp": current_code(device)}
    )
    assert response.status_code == 201


def test_participants_need_no_mfa(client, harbor, riley):
    harbor.mfa_required = True
    harbor.save(update_fields=["mfa_required"])
    response = post_json(client, TOKEN_URL, {"email": riley.email, "password": PASSWORD})
    assert response.status_code == 201


# Listing and revoking tokens ------------------------------------------------------------------


def test_list_shows_only_your_own_tokens(client, harbor, lakeside, pat, sam, olive):
    first, raw = token_create(user=pat, organization=harbor, name="laptop")
    second, _raw = token_create(user=pat, organization=harbor, name="script")
    token_create(user=sam, organization=harbor)
    token_create(user=olive, organization=lakeside)

    response = client.get(TOKENS_URL, **bearer(raw))
    assert response.status_code == 200
    listed = response.json()
    assert {t["id"] for t in listed} == {str(first.pk), str(second.pk)}
    assert {t["name"] for t in listed} == {"laptop", "script"}
    assert all("token" not in t and "token_hash" not in t for t in listed)
    assert {t["prefix"] for t in listed} == {first.prefix, second.prefix}


def test_revoke_your_token(client, harbor, pat):
    token, raw = token_create(user=pat, organization=harbor)
    other, other_raw = token_create(user=pat, organization=harbor)

    response = client.delete(f"{TOKENS_URL}/{other.pk}", **bearer(raw))
    assert response.status_code == 204
    other.refresh_from_db()
    assert other.revoked_at is not None
    revoked = AuditEvent.objects.get(action="auth.token_revoked")
    assert revoked.actor_id == pat.pk
    assert revoked.object_id == str(other.pk)

    assert_error(client.get(ME_URL, **bearer(other_raw)), 401, "unauthorized")
    # The token that did the revoking still works.
    assert client.get(ME_URL, **bearer(raw)).status_code == 200

    # Revoking itself works too, and then it is refused.
    assert client.delete(f"{TOKENS_URL}/{token.pk}", **bearer(raw)).status_code == 204
    assert_error(client.get(TOKENS_URL, **bearer(raw)), 401, "unauthorized")


def test_revoking_someone_elses_token_is_not_found(client, harbor, lakeside, pat, sam, olive):
    _mine, raw = token_create(user=pat, organization=harbor)
    olives, olive_raw = token_create(user=olive, organization=lakeside)
    sams, sam_raw = token_create(user=sam, organization=harbor)

    for victim in (olives, sams):
        response = client.delete(f"{TOKENS_URL}/{victim.pk}", **bearer(raw))
        assert_error(response, 404, "not_found")
        missing = client.delete(f"{TOKENS_URL}/{uuid.uuid4()}", **bearer(raw))
        assert missing.status_code == 404
        assert missing.json() == response.json()
        victim.refresh_from_db()
        assert victim.revoked_at is None

    assert client.get(ME_URL, **bearer(olive_raw)).status_code == 200
    assert client.get(ME_URL, **bearer(sam_raw)).status_code == 200
    # Asking for a record that exists elsewhere is itself a refused access.
    refusal = AuditEvent.objects.filter(action="access.refused", object_id=str(olives.pk))
    assert refusal.exists()


def test_revoked_token_is_refused(client, harbor, pat):
    token, raw = token_create(user=pat, organization=harbor)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert_error(client.get(ME_URL, **bearer(raw)), 401, "unauthorized")


def test_token_records_when_it_was_last_used(client, harbor, pat):
    token, raw = token_create(user=pat, organization=harbor)
    assert token.last_used_at is None
    client.get(ME_URL, **bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at is not None


# Refusals -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", [ME_URL, TOKENS_URL, "/api/v1/audit-events"])
def test_no_token_is_refused_with_the_error_shape(client, url):
    response = client.get(url)
    assert_error(response, 401, "unauthorized")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_garbage_token_is_refused_and_recorded(client, harbor, pat):
    response = client.get(ME_URL, HTTP_AUTHORIZATION="Bearer bcn_not-a-real-token-at-all")
    assert_error(response, 401, "unauthorized")
    assert response["WWW-Authenticate"].startswith("Bearer")
    event = AuditEvent.objects.get(action="auth.token_invalid")
    assert event.details["prefix"] == "bcn_not-a-re"
    assert event.details["path"] == ME_URL
    assert event.ip_address == "127.0.0.1"
    assert "real-token-at-all" not in json.dumps(event.details)


def test_garbage_token_on_a_path_with_a_nul_is_refused_and_recorded(client, harbor):
    response = client.delete(f"{TOKENS_URL}/%00", HTTP_AUTHORIZATION="Bearer garbage")
    assert_error(response, 401, "unauthorized")
    assert AuditEvent.objects.filter(action="auth.token_invalid").exists()


def test_address_that_is_not_an_ip_does_not_break_sign_in(settings, client, harbor, pat):
    settings.BEACON_TRUSTED_PROXY_COUNT = 1
    response = post_json(
        client,
        TOKEN_URL,
        {"email": pat.email, "password": "wrong!"},
        HTTP_X_FORWARDED_FOR="unknown",
    )
    assert_error(response, 401, "invalid_credentials")
    assert AuditEvent.objects.filter(action="auth.login_failed").exists()


def test_forwarded_address_is_recorded_behind_a_trusted_proxy(settings, client, harbor, pat):
    settings.BEACON_TRUSTED_PROXY_COUNT = 1
    response = post_json(
        client,
        TOKEN_URL,
        {"email": pat.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.23",
    )
    assert response.status_code == 201
    assert AuditEvent.objects.get(action="auth.token_created").ip_address == "198.51.100.23"


def test_token_of_a_deactivated_member_stops_working(client, harbor, ada, pat):
    _token, raw = token_create(user=pat, organization=harbor)
    assert client.get(ME_URL, **bearer(raw)).status_code == 200

    membership_deactivate(membership=Membership.objects.get(user=pat), actor=ada)

    assert_error(client.get(ME_URL, **bearer(raw)), 401, "unauthorized")


def test_inactive_membership_is_refused_even_with_an_unrevoked_token(client, harbor, pat):
    # Defence in depth: the token is checked against a live membership on every request.
    token, raw = token_create(user=pat, organization=harbor)
    Membership.objects.filter(user=pat).update(is_active=False)
    assert_error(client.get(ME_URL, **bearer(raw)), 401, "unauthorized")
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_of_an_inactive_organization_is_refused(client, harbor, pat):
    _token, raw = token_create(user=pat, organization=harbor)
    type(harbor).objects.filter(pk=harbor.pk).update(is_active=False)
    assert_error(client.get(ME_URL, **bearer(raw)), 401, "unauthorized")


def test_token_acts_in_its_own_organization(client, harbor, lakeside, pat):
    """A person in two organizations: the token works where it was issued, whatever they last
    chose in the browser."""
    MembershipFactory(user=pat, organization=lakeside, role=Role.ORG_ADMIN)
    _token, raw = token_create(user=pat, organization=harbor)
    type(pat).objects.filter(pk=pat.pk).update(last_organization=lakeside)

    me = client.get(ME_URL, **bearer(raw)).json()
    assert me["organization"]["id"] == str(harbor.pk)
    assert me["role"] == "peer"


# OpenAPI and validation -----------------------------------------------------------------------


@pytest.mark.django_db
def test_openapi_describes_security_and_paths(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("type") == "http" and s.get("scheme") == "bearer" for s in schemes.values())
    for path in ("/api/v1/auth/token", "/api/v1/me", "/api/v1/audit-events"):
        assert path in schema["paths"], path
    assert "post" in schema["paths"]["/api/v1/auth/token"]
    # Signing in for a token needs no token.
    assert not schema["paths"]["/api/v1/auth/token"]["post"].get("security")
    assert schema["paths"]["/api/v1/me"]["get"]["security"]


@pytest.mark.django_db
def test_missing_password_is_a_validation_error(client):
    response = post_json(client, TOKEN_URL, {"email": "pat@harbor.test"})
    error = assert_error(response, 422, "invalid")
    assert [d["field"] for d in error["details"]] == ["password"]
    assert all(d["message"] for d in error["details"])


@pytest.mark.django_db
def test_malformed_json_is_an_error_in_the_same_shape(client):
    response = client.post(TOKEN_URL, data="{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert "code" in response.json()["error"]


def test_bad_token_id_is_a_validation_error(client, harbor, pat):
    _token, raw = token_create(user=pat, organization=harbor)
    response = client.delete(f"{TOKENS_URL}/not-a-uuid", **bearer(raw))
    error = assert_error(response, 422, "invalid")
    assert error["details"][0]["field"] == "token_id"
