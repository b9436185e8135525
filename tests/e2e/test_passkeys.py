"""Passkeys in a real browser at phone size (issue 17): the participant adds a passkey from their
own Beacon, signs out, and signs in with it (no email, no password), with Chromium's virtual
authenticator (DevTools' WebAuthn domain: CTAP2, resident keys, user verification). The live
server answers at localhost, the relying party ID (BEACON_WEBAUTHN_RP_ID), where browsers allow
WebAuthn over plain HTTP.

Screenshots go to $BEACON_E2E_SHOTS/passkeys/ when BEACON_E2E_SHOTS names a folder."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from beacon.accounts.models import Passkey
from beacon.audit.models import AuditEvent
from tests.e2e.conftest import screenshot
from tests.e2e.test_journeys import sign_in, watch

pytestmark = pytest.mark.django_db(transaction=True)


def shot(page, name: str) -> None:
    screenshot(page, "passkeys", name)


def overflow(page) -> int:
    return page.evaluate(
        "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
    )


def virtual_authenticator(page) -> None:
    """A phone's built-in passkey store, for this page: it keeps passkeys (resident keys) and
    checks the person (user verification), answering at once."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_a_participant_adds_a_passkey_signs_out_and_signs_in_with_it(
    live_server, phone, axe, riley, riley_record
):
    base = live_server.url
    assert base.startswith("http://localhost:")  # the relying party ID's host
    page = phone()
    problems = watch(page)
    virtual_authenticator(page)
    sign_in(page, base, riley)
    expect(page).to_have_url(f"{base}/my/")
    expect(page.get_by_role("heading", name="Keep your Beacon safe")).to_be_visible()
    page.get_by_role("link", name="Add a passkey").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Passkeys")
    expect(page.get_by_text("None yet.")).to_be_visible()
    expect(page.get_by_text("This browser cannot make passkeys")).to_be_hidden()
    assert axe(page) == []
    # A name is asked for first: the message says so, at the field.
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_role("alert")).to_contain_text("Give the passkey a name")
    expect(page.get_by_label("A name for it")).to_be_focused()
    assert axe(page) == []
    page.get_by_label("A name for it").fill("My phone")
    shot(page, "1-add")
    page.get_by_role("button", name="Add a passkey").click()

    expect(page.get_by_text("Your passkey My phone is saved.")).to_be_visible()
    expect(page.get_by_role("button", name="Remove My phone")).to_be_visible()
    expect(page.get_by_text("Not used yet.")).to_be_visible()
    assert axe(page) == []
    assert overflow(page) == 0
    shot(page, "2-added")
    passkey = Passkey.objects.get(user=riley)
    assert passkey.transports  # as the browser reported them

    # Signed out, then in again with the passkey: no email, no password.
    page.locator("summary.nav-toggle").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_text("This browser cannot use passkeys")).to_be_hidden()
    assert axe(page) == []
    shot(page, "3-sign-in")
    page.get_by_role("button", name="Use a passkey").click()

    expect(page).to_have_url(f"{base}/my/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hi, Riley")
    expect(page.get_by_role("heading", name="Keep your Beacon safe")).to_have_count(0)
    assert axe(page) == []
    assert overflow(page) == 0
    shot(page, "4-home")
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
    assert AuditEvent.objects.filter(action="passkey.signed_in", actor=riley).count() == 1
    assert problems == []


def test_a_browser_without_passkeys_is_told_plainly(live_server, phone, axe, riley):
    page = phone()
    page.add_init_script("delete window.PublicKeyCredential;")
    page.goto(f"{live_server.url}/accounts/login/")
    expect(
        page.get_by_text(re.compile("This browser cannot use passkeys .*email and password"))
    ).to_be_visible()
    expect(page.get_by_role("button", name="Use a passkey")).to_be_hidden()
    assert axe(page) == []
    sign_in(page, live_server.url, riley)
    page.goto(f"{live_server.url}/accounts/passkeys/")
    expect(page.get_by_text("This browser cannot make passkeys")).to_be_visible()
    expect(page.get_by_role("button", name="Add a passkey")).to_be_hidden()
    shot(page, "5-no-webauthn")
