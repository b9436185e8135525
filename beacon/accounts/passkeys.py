"""Passkeys (WebAuthn): adding one, signing in with one, removing one (docs/portal.md).

The ceremonies are checked by py_webauthn (Duo Labs). Beacon keeps the challenge it sent in the
session (used once, for 5 minutes) and asks for user verification every time (the phone's PIN,
fingerprint or face): a passkey is then two factors in one, and signing in with it marks the
session verified for django-otp, as an authenticator code does (the organization's MFA rule for
staff accepts it). Passkeys are discoverable ("resident"): the sign-in page asks for one without
an email first; the browser offers the passkeys it holds for this Beacon.

The relying party ID and origins come from settings (BEACON_WEBAUTHN_*, docs/configuration.md).
Every change and every sign-in is in the audit trail (passkey.added, passkey.removed,
passkey.signed_in, passkey.failed).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from beacon.accounts.models import Passkey, User
from beacon.audit.services import record_event

CHALLENGE = "beacon_passkey_challenge"
CHALLENGE_SECONDS = 5 * 60
NAME_MAX = 64
MAX_PASSKEYS = 20


class PasskeyError(Exception):
    """A ceremony that did not succeed, with what to tell the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# Where passkeys belong ----------------------------------------------------------------------


def rp_id() -> str:
    return settings.BEACON_WEBAUTHN_RP_ID


def expected_origins(request: HttpRequest) -> list[str]:
    """The origins a passkey may be used from: the configured ones, else this Beacon's own
    address as the browser reached it (its host already accepted by ALLOWED_HOSTS), when that
    host is the relying party ID or under it."""
    if settings.BEACON_WEBAUTHN_ORIGINS:
        return list(settings.BEACON_WEBAUTHN_ORIGINS)
    origin = f"{request.scheme}://{request.get_host()}"
    host = urlsplit(origin).hostname or ""
    if host == rp_id() or host.endswith("." + rp_id()):
        return [origin]
    return []


def _challenge_keep(request: HttpRequest, *, purpose: str, challenge: bytes, **extra) -> None:
    request.session[CHALLENGE] = {
        "purpose": purpose,
        "challenge": bytes_to_base64url(challenge),
        "at": timezone.now().timestamp(),
        **extra,
    }


def _challenge_take(request: HttpRequest, *, purpose: str) -> dict:
    """The challenge this session was sent for `purpose`: used once, whatever happens next."""
    kept = request.session.pop(CHALLENGE, None)
    if (
        not kept
        or kept.get("purpose") != purpose
        or timezone.now().timestamp() - kept["at"] > CHALLENGE_SECONDS
    ):
        raise PasskeyError(_("That took too long, or the page was old. Please try again."))
    return kept


# Adding one ---------------------------------------------------------------------------------


def passkeys_of(user: User):
    return Passkey.objects.filter(user=user, confirmed=True).order_by("created_at", "id")


def name_check(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(
            {"name": [_("Give the passkey a name you will recognize, like My phone.")]}
        )
    if len(name) > NAME_MAX:
        raise ValidationError(
            {"name": [_("Keep the name under %(max)d characters.") % {"max": NAME_MAX}]}
        )
    return name


def registration_options(*, request: HttpRequest, user: User, name: str) -> str:
    """The options (JSON) for the browser to make a passkey for `user` called `name`."""
    name = name_check(name)
    existing = list(passkeys_of(user))
    if len(existing) >= MAX_PASSKEYS:
        raise ValidationError(
            {"name": [_("You have %(max)d passkeys. Remove one first.") % {"max": MAX_PASSKEYS}]}
        )
    options = generate_registration_options(
        rp_id=rp_id(),
        rp_name=settings.BEACON_WEBAUTHN_RP_NAME,
        user_id=user.pk.bytes,
        user_name=user.email,
        user_display_name=user.name or user.email,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        # The browser says "already saved" rather than making a second one on the same device.
        exclude_credentials=[_descriptor(p) for p in existing],
    )
    _challenge_keep(request, purpose="register", challenge=options.challenge, name=name)
    return options_to_json(options)


def passkey_add(*, request: HttpRequest, user: User, credential: dict | str) -> Passkey:
    """Check the browser's answer to `registration_options` and keep the passkey."""
    kept = _challenge_take(request, purpose="register")
    try:
        parsed = parse_registration_credential_json(credential)
        verified = verify_registration_response(
            credential=parsed,
            expected_challenge=base64url_to_bytes(kept["challenge"]),
            expected_rp_id=rp_id(),
            expected_origin=expected_origins(request),
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as error:
        _failed(user, during="adding", error=error)
        raise PasskeyError(
            _("Beacon could not check that passkey, so it is not saved. Please try again.")
        ) from error
    credential_id = bytes_to_base64url(verified.credential_id)
    if Passkey.objects.filter(credential_id=credential_id).exists():
        raise PasskeyError(_("That passkey is already saved in Beacon."))
    transports = [
        t.value if isinstance(t, AuthenticatorTransport) else str(t)
        for t in (parsed.response.transports or [])
    ]
    with transaction.atomic():
        passkey = Passkey.objects.create(
            user=user,
            name=kept["name"],
            credential_id=credential_id,
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            transports=transports,
            backed_up=verified.credential_backed_up,
        )
        record_event(
            action="passkey.added",
            actor=user,
            organization=user.last_organization,
            target=user,
            details={"passkey": passkey.pk, "name": passkey.name},
        )
    return passkey


def passkey_remove(*, user: User, passkey: Passkey) -> None:
    with transaction.atomic():
        record_event(
            action="passkey.removed",
            actor=user,
            organization=user.last_organization,
            target=user,
            details={"passkey": passkey.pk, "name": passkey.name},
        )
        passkey.delete()


# Signing in ---------------------------------------------------------------------------------


def authentication_options(*, request: HttpRequest, user: User | None = None) -> str:
    """The options (JSON) to ask the browser for a passkey: any of this Beacon's (the sign-in
    page: the browser offers those it holds), or `user`'s (the second step of signing in)."""
    allow = [_descriptor(p) for p in passkeys_of(user)] if user is not None else []
    if user is not None and not allow:
        raise PasskeyError(_("You have no passkey in Beacon yet. Enter your code instead."))
    options = generate_authentication_options(
        rp_id=rp_id(),
        allow_credentials=allow,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    _challenge_keep(
        request,
        purpose="sign_in",
        challenge=options.challenge,
        user=str(user.pk) if user is not None else "",
    )
    return options_to_json(options)


@dataclass(frozen=True)
class SignedIn:
    user: User
    passkey: Passkey


def passkey_sign_in(*, request: HttpRequest, credential: dict | str) -> SignedIn:
    """Check the browser's answer to `authentication_options`: whose passkey it is, and that it
    signed this session's challenge. The caller signs the person in."""
    kept = _challenge_take(request, purpose="sign_in")
    refused = PasskeyError(
        _(
            "Beacon does not know that passkey, or it could not be checked. Sign in with your "
            "email and password, then add the passkey again under My account."
        )
    )
    try:
        parsed = parse_authentication_credential_json(credential)
    except (WebAuthnException, ValueError, TypeError, KeyError) as error:
        raise refused from error
    passkey = (
        Passkey.objects.select_related("user")
        .filter(credential_id=bytes_to_base64url(parsed.raw_id), confirmed=True)
        .first()
    )
    if passkey is None or not passkey.user.is_active:
        raise refused
    user = passkey.user
    handle = parsed.response.user_handle
    if (kept["user"] and kept["user"] != str(user.pk)) or (handle and handle != user.pk.bytes):
        _failed(user, during="signing in", error="another person's passkey")
        raise refused
    try:
        verified = verify_authentication_response(
            credential=parsed,
            expected_challenge=base64url_to_bytes(kept["challenge"]),
            expected_rp_id=rp_id(),
            expected_origin=expected_origins(request),
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except WebAuthnException as error:
        _failed(user, during="signing in", error=error)
        raise refused from error
    now = timezone.now()
    with transaction.atomic():
        Passkey.objects.filter(pk=passkey.pk).update(
            sign_count=verified.new_sign_count,
            last_used_at=now,
            backed_up=verified.credential_backed_up,
        )
        passkey.sign_count, passkey.last_used_at = verified.new_sign_count, now
        record_event(
            action="passkey.signed_in",
            actor=user,
            organization=user.last_organization,
            target=user,
            details={"passkey": passkey.pk, "name": passkey.name},
        )
    return SignedIn(user=user, passkey=passkey)


def _descriptor(passkey: Passkey) -> PublicKeyCredentialDescriptor:
    transports = []
    for value in passkey.transports or []:
        try:
            transports.append(AuthenticatorTransport(value))
        except ValueError:
            continue  # a transport newer than this library: the browser finds it anyway
    return PublicKeyCredentialDescriptor(
        id=base64url_to_bytes(passkey.credential_id), transports=transports or None
    )


def _failed(user: User, *, during: str, error) -> None:
    record_event(
        action="passkey.failed",
        actor=user,
        organization=user.last_organization,
        target=user,
        details={"during": during, "why": str(error)[:200]},
    )


def credential_from_body(body: bytes) -> tuple[dict, dict]:
    """The JSON a page's script sent: ({"credential": ..., ...}) -> (credential, the rest)."""
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    credential = data.pop("credential", None)
    return (credential if isinstance(credential, dict) else {}), data
