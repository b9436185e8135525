"""Passkeys (issue 17: offered, never required): adding one, signing in with one (without an
email, or as the second step after a password), removing one. Every ceremony here is a real
WebAuthn answer (tests/authenticator.py) checked by py_webauthn's own verification."""

import json

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from beacon.accounts import services
from beacon.accounts.models import Passkey
from beacon.accounts.tests.authenticator import SoftPasskey
from beacon.accounts.tests.test_mfa import _enrol
from beacon.audit.models import AuditEvent
from conftest import PASSWORD

pytestmark = pytest.mark.django_db

HOST = {"HTTP_HOST": "localhost"}  # the relying party ID's host (BEACON_WEBAUTHN_RP_ID)
PAGE = "/accounts/passkeys/"


def _json(response) -> dict:
    return json.loads(response.content)


def add_passkey(client, key: SoftPasskey, name="My phone", **create) -> object:
    options = client.post(PAGE + "add/options/", {"name": name})
    assert options.status_code == 200, options.content
    answer = key.create(_json(options), **create)
    return client.post(PAGE + "add/", {"credential": answer}, content_type="application/json")


def sign_in(client, key: SoftPasskey, *, second_step=False, next_url="", **get):
    body = {"second_step": "1"} if second_step else {}
    options = client.post("/accounts/login/passkey/options/", body)
    assert options.status_code == 200, options.content
    answer = key.get(_json(options), **get)
    url = "/accounts/login/passkey/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"credential": answer}, content_type="application/json")


@pytest.fixture
def riley_key(client_for, riley, riley_record):
    """Riley (a participant) with a passkey added from their own account."""
    key = SoftPasskey()
    assert add_passkey(client_for(riley, **HOST), key).status_code == 200
    return key


# Adding one


def test_the_options_ask_for_a_discoverable_passkey_with_user_verification(client_for, riley):
    client = client_for(riley, **HOST)
    empty = client.post(PAGE + "add/options/", {"name": "  "})
    assert empty.status_code == 400
    assert _json(empty)["error"] == {
        "message": "Give the passkey a name you will recognize, like My phone.",
        "field": "name",
    }
    options = _json(client.post(PAGE + "add/options/", {"name": "My phone"}))
    assert options["rp"] == {"id": "localhost", "name": "Beacon"}
    assert options["user"]["name"] == riley.email
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"


def test_a_participant_adds_a_passkey_and_it_is_kept_with_what_it_needs(
    client_for, riley, riley_record
):
    client = client_for(riley, **HOST)
    key = SoftPasskey()
    response = add_passkey(client, key, name="  My   phone ")
    assert response.status_code == 200 and _json(response) == {"redirect": PAGE}
    passkey = Passkey.objects.get(user=riley)
    assert passkey.name == "My phone" and passkey.sign_count == 0
    assert passkey.transports == ["internal", "hybrid"]
    assert passkey.created_at is not None and passkey.last_used_at is None
    assert bytes(passkey.public_key)  # the COSE key, as the authenticator gave it
    event = AuditEvent.objects.get(action="passkey.added")
    assert event.actor_id == riley.pk and event.details["name"] == "My phone"
    page = client.get(PAGE).content.decode()
    assert "My phone" in page and "Not used yet." in page and "Remove My phone" in page


def test_an_answer_is_used_once_and_only_for_its_challenge(client_for, riley):
    client = client_for(riley, **HOST)
    key = SoftPasskey()
    options = _json(client.post(PAGE + "add/options/", {"name": "Phone"}))
    answer = key.create(options)
    assert (
        client.post(
            PAGE + "add/", {"credential": answer}, content_type="application/json"
        ).status_code
        == 200
    )
    again = client.post(PAGE + "add/", {"credential": answer}, content_type="application/json")
    assert again.status_code == 400
    assert "took too long, or the page was old" in _json(again)["error"]["message"]
    # A fresh challenge, answered with the old one's: refused by py_webauthn.
    client.post(PAGE + "add/options/", {"name": "Phone 2"})
    stale = client.post(
        PAGE + "add/",
        {"credential": SoftPasskey().create(options)},
        content_type="application/json",
    )
    assert stale.status_code == 400
    assert Passkey.objects.filter(user=riley).count() == 1


@pytest.mark.parametrize(
    "create",
    [
        {"origin": "https://beacon.evil.example"},  # a look-alike site relaying the ceremony
        {"rp_id": "evil.example"},
        {"uv": False},  # no PIN, fingerprint or face: one factor only
    ],
)
def test_a_passkey_made_elsewhere_or_without_verification_is_refused(client_for, riley, create):
    response = add_passkey(client_for(riley, **HOST), SoftPasskey(), **create)
    assert response.status_code == 400
    assert "could not check that passkey" in _json(response)["error"]["message"]
    assert not Passkey.objects.exists()
    assert AuditEvent.objects.filter(action="passkey.failed").count() == 1


def test_the_origin_follows_the_settings(client_for, riley, settings):
    settings.BEACON_WEBAUTHN_RP_ID = "beacon.example.org"
    settings.BEACON_WEBAUTHN_ORIGINS = ["https://beacon.example.org"]
    client = client_for(riley, **HOST)
    key = SoftPasskey(rp_id="beacon.example.org", origin="https://beacon.example.org")
    assert add_passkey(client, key).status_code == 200
    other = SoftPasskey(rp_id="beacon.example.org", origin="http://localhost")
    assert add_passkey(client, other, name="Other").status_code == 400


# Signing in


def test_a_participant_signs_in_with_their_passkey_and_no_email(riley_key, riley):
    client = Client(**HOST)
    page = client.get("/accounts/login/").content.decode()
    assert "Use a passkey" in page and "accounts/passkeys" in page
    assert "This browser cannot use passkeys" in page  # shown when the script finds none
    response = sign_in(client, riley_key, next_url="/my/check-ins/")
    assert response.status_code == 200 and _json(response) == {"redirect": "/my/check-ins/"}
    assert client.session[SESSION_KEY] == str(riley.pk)
    passkey = Passkey.objects.get(user=riley)
    # The session is verified by the passkey (user verification was required).
    assert client.session[DEVICE_ID_SESSION_KEY] == passkey.persistent_id
    assert passkey.sign_count == 1 and passkey.last_used_at is not None
    assert AuditEvent.objects.filter(action="passkey.signed_in", actor=riley).count() == 1
    assert AuditEvent.objects.filter(action="auth.login", actor=riley).exists()
    assert client.get("/my/").status_code == 200


@pytest.mark.parametrize(
    "get",
    [
        {"origin": "https://beacon.evil.example"},
        {"uv": False},
        {"count_up": False},  # the counter went backwards: a cloned passkey
    ],
)
def test_a_doubtful_answer_does_not_sign_in(riley_key, riley, get):
    client = Client(**HOST)
    assert sign_in(client, riley_key).status_code == 200  # the counter moves on once
    client = Client(**HOST)
    response = sign_in(client, riley_key, **get)
    assert response.status_code == 400
    assert "Beacon does not know that passkey" in _json(response)["error"]["message"]
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(action="passkey.failed").count() == 1


def test_an_unknown_passkey_or_a_forged_signature_is_refused(riley_key, riley):
    assert sign_in(Client(**HOST), SoftPasskey()).status_code == 400  # never added
    forged = SoftPasskey()
    forged.credential_id, forged.user_handle = riley_key.credential_id, riley_key.user_handle
    client = Client(**HOST)
    assert sign_in(client, forged).status_code == 400  # Riley's id, another key
    assert SESSION_KEY not in client.session


def test_an_inactive_account_cannot_sign_in_with_its_passkey(riley_key, riley):
    riley.is_active = False
    riley.save(update_fields=["is_active"])
    assert sign_in(Client(**HOST), riley_key).status_code == 400


def test_a_passkey_is_the_second_step_where_the_authenticator_would_be(
    riley_key, riley, client_for, jordan
):
    _enrol(riley)
    client = Client(**HOST)
    response = client.post("/accounts/login/", {"email": riley.email, "password": PASSWORD})
    assert response.url == "/accounts/login/verify/"
    page = client.get("/accounts/login/verify/").content.decode()
    assert "Use my passkey" in page
    options = _json(client.post("/accounts/login/passkey/options/", {"second_step": "1"}))
    assert [c["id"] for c in options["allowCredentials"]] == [
        Passkey.objects.get(user=riley).credential_id
    ]
    response = sign_in(client, riley_key, second_step=True)
    assert response.status_code == 200 and _json(response)["redirect"] == "/"
    assert client.session[SESSION_KEY] == str(riley.pk)
    assert DEVICE_ID_SESSION_KEY in client.session


def test_the_second_step_takes_only_the_same_persons_passkey(riley_key, riley, pat, client_for):
    pat_key = SoftPasskey()
    assert add_passkey(client_for(pat, **HOST), pat_key).status_code == 200
    _enrol(riley)
    client = Client(**HOST)
    client.post("/accounts/login/", {"email": riley.email, "password": PASSWORD})
    assert sign_in(client, pat_key, second_step=True).status_code == 400
    assert SESSION_KEY not in client.session
    # Without a first step there is nobody's passkey to ask for.
    fresh = Client(**HOST)
    assert fresh.post("/accounts/login/passkey/options/", {"second_step": "1"}).status_code == 409


def test_the_code_page_offers_no_passkey_to_someone_without_one(riley):
    _enrol(riley)
    client = Client(**HOST)
    client.post("/accounts/login/", {"email": riley.email, "password": PASSWORD})
    assert "Use my passkey" not in client.get("/accounts/login/verify/").content.decode()


def test_staff_mfa_accepts_a_passkey_sign_in(pat, harbor, client_for):
    """Staff of an organization that requires MFA enrol an authenticator first (the gate lets
    nothing else through); a passkey they add then signs them in verified."""
    harbor.mfa_required = True
    harbor.save()
    _device, codes = _enrol(pat)
    client = Client(**HOST)
    client.post("/accounts/login/", {"email": pat.email, "password": PASSWORD})
    client.post("/accounts/login/verify/", {"code": codes[0]})
    key = SoftPasskey()
    assert add_passkey(client, key).status_code == 200
    fresh = Client(**HOST)
    assert sign_in(fresh, key).status_code == 200
    assert fresh.get("/my-day/").status_code == 200  # not sent to set up an authenticator
    unverified = client_for(pat, **HOST)
    assert unverified.get(PAGE).url == "/accounts/mfa/setup/"


# Removing one


def test_removing_a_passkey_stops_it_signing_in(riley_key, riley, client_for, pat):
    client = client_for(riley, **HOST)
    passkey = Passkey.objects.get(user=riley)
    pat_passkey = Passkey.objects.create(
        user=pat, name="Pat's", credential_id="pat-credential", public_key=b"-"
    )
    assert client.post(f"{PAGE}{pat_passkey.pk}/remove/").status_code == 404
    response = client.post(f"{PAGE}{passkey.pk}/remove/", follow=True)
    assert "My phone is removed" in response.content.decode()
    assert not Passkey.objects.filter(user=riley).exists()
    assert AuditEvent.objects.get(action="passkey.removed").details["name"] == "My phone"
    assert sign_in(Client(**HOST), riley_key).status_code == 400


def test_an_mfa_reset_removes_passkeys_too(riley_key, riley, ada):
    services.mfa_reset(user=riley, actor=ada)
    assert not Passkey.objects.filter(user=riley).exists()


# Offered, never required


def test_home_offers_a_passkey_until_there_is_one(client_for, riley, riley_record):
    client = client_for(riley, **HOST)
    home = client.get("/my/").content.decode()
    assert "Add a passkey" in home and "You don't have to." in home
    assert "Signing in" in client.get("/my/details/").content.decode()
    assert add_passkey(client, SoftPasskey()).status_code == 200
    assert "Keep your Beacon safe" not in client.get("/my/").content.decode()
    security = client.get("/accounts/security/").content.decode()
    assert "You have 1 passkey" in security
