"""The API also accepts the browser's session, with CSRF protection on changes."""

import pytest
from django.test import Client

from beacon.api.services import token_create


@pytest.fixture
def csrf_client(pat):
    client = Client(enforce_csrf_checks=True)
    client.force_login(pat)
    return client


def test_session_reads_the_api(csrf_client, pat):
    response = csrf_client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["user"]["email"] == "pat@harbor.test"


def test_session_changes_need_the_csrf_token(csrf_client, pat, harbor):
    token, _secret = token_create(user=pat, organization=harbor)
    url = f"/api/v1/auth/tokens/{token.pk}"
    assert csrf_client.delete(url).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None
    csrf_client.get("/accounts/security/")  # sets the CSRF cookie, as a page load does
    csrf = csrf_client.cookies["beacon_csrftoken"].value
    assert csrf_client.delete(url, HTTP_X_CSRFTOKEN=csrf).status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.django_db
def test_a_bad_bearer_token_is_401_not_a_csrf_failure(client):
    response = client.delete(
        "/api/v1/auth/tokens/00000000-0000-0000-0000-000000000000",
        HTTP_AUTHORIZATION="Bearer bcn_not-a-token",
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_a_session_that_owes_mfa_enrolment_is_refused(pat, harbor):
    harbor.mfa_required = True
    harbor.save()
    client = Client()
    client.force_login(pat)
    assert client.get("/api/v1/me").status_code == 401
