"""Writes about people who sign in: accounts, sessions, multi-factor authentication.

Every function here that changes something records it in the audit trail.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from beacon.accounts.models import Passkey, User, UserSession, normalize_email
from beacon.audit.services import record_event

SESSION_AUTH_AT = "beacon_auth_at"
SESSION_SEEN_AT = "beacon_seen_at"
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes: 0/o, 1/l/i


# Accounts ------------------------------------------------------------------------------------


def user_create(
    *,
    email: str,
    name: str,
    password: str | None,
    actor: User | None = None,
    is_platform_admin: bool = False,
) -> User:
    """Create a person who can sign in. A None password leaves the account unusable until reset."""
    user = User(
        email=normalize_email(email), name=name.strip(), is_platform_admin=is_platform_admin
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean()
    with transaction.atomic():
        user.save()
        record_event(
            action="user.created",
            actor=actor or user,
            target=user,
            details={"email": user.email, "platform_admin": is_platform_admin},
        )
    return user


def user_update_profile(*, user: User, name: str) -> User:
    name = name.strip()
    if name == user.name:
        return user
    old = user.name
    user.name = name
    user.full_clean()
    with transaction.atomic():
        user.save(update_fields=["name"])
        record_event(
            action="user.profile_changed",
            actor=user,
            organization=user.last_organization,
            target=user,
            details={"name": {"old": old, "new": name}},
        )
    return user


def user_find_by_email(email: str) -> User | None:
    return User.objects.filter(email=normalize_email(email)).first()


# Sessions ------------------------------------------------------------------------------------


def session_started(*, request: HttpRequest, user: User) -> None:
    """Called on every sign-in: remember when it began and record it."""
    now = timezone.now()
    request.session[SESSION_AUTH_AT] = now.timestamp()
    request.session[SESSION_SEEN_AT] = now.timestamp()
    request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "created_at": now,
            "last_seen_at": now,
            "ip_address": _request_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )
    record_event(action="auth.login", actor=user, organization=user.last_organization, target=user)


def session_ended(*, request: HttpRequest, user: User) -> None:
    reason = getattr(request, "beacon_logout_reason", "")
    if request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
    record_event(
        action="auth.session_expired" if reason else "auth.logout",
        actor=user,
        organization=user.last_organization,
        target=user,
        details={"reason": reason} if reason else None,
    )


def sessions_end_for_user(
    *, user: User, actor: User | None, reason: str, keep_session_key: str | None = None
) -> int:
    """End every server-side session of `user` (but the one to keep), wherever it is. No
    `actor`: Beacon itself did it (a scheduled run, e.g. `beacon portal close`)."""
    keys = list(
        UserSession.objects.filter(user=user)
        .exclude(session_key=keep_session_key or "")
        .values_list("session_key", flat=True)
    )
    with transaction.atomic():
        Session.objects.filter(session_key__in=keys).delete()
        UserSession.objects.filter(session_key__in=keys).delete()
        if keys:
            record_event(
                action="auth.sessions_ended",
                actor=actor,
                organization=getattr(actor, "last_organization", None),
                target=user,
                details={"count": len(keys), "reason": reason},
            )
    return len(keys)


def session_seen(*, request: HttpRequest, now: float) -> None:
    """Note the session's activity (for idle sign-out and the sessions list). Losing one of
    these notes to a full disk is harmless, so it never stops the page."""
    from django.db import DatabaseError

    from beacon.core.storage import is_storage_problem

    request.session[SESSION_SEEN_AT] = now
    try:
        with transaction.atomic():
            UserSession.objects.filter(session_key=request.session.session_key).update(
                last_seen_at=timezone.now()
            )
    except DatabaseError as error:
        if not is_storage_problem(error):
            raise


def sign_in_failed(*, request: HttpRequest | None, email: str) -> None:
    user = user_find_by_email(email) if email else None
    locked = bool(getattr(request, "axes_locked_out", False))
    record_event(
        action="auth.login_failed",
        actor=user,
        organization=user.last_organization if user else None,
        target=user,
        details={"email": normalize_email(email), "refused_while_locked_out": locked},
    )


def sign_in_locked_out(*, email: str, ip_address: str | None) -> None:
    user = user_find_by_email(email) if email else None
    record_event(
        action="auth.locked_out",
        actor=user,
        organization=user.last_organization if user else None,
        target=user,
        ip_address=ip_address,
        details={
            "email": normalize_email(email),
            "minutes": settings.BEACON_LOCKOUT_MINUTES,
        },
    )


def password_reset_requested(*, email: str) -> None:
    user = user_find_by_email(email)
    record_event(
        action="auth.password_reset_requested",
        actor=user,
        organization=user.last_organization if user else None,
        target=user,
        details={"email": normalize_email(email), "account_exists": user is not None},
    )


def _password_set_now(user: User) -> None:
    """Note when the password was set: API tokens made before it stop working."""
    user.password_changed_at = timezone.now()
    User.objects.filter(pk=user.pk).update(password_changed_at=user.password_changed_at)


def password_reset_completed(*, user: User) -> None:
    """A reset password ends every session and every API token made before it; MFA stays as it
    was, so signing in still needs it."""
    with transaction.atomic():
        _password_set_now(user)
        record_event(
            action="auth.password_reset",
            actor=user,
            organization=user.last_organization,
            target=user,
        )
        sessions_end_for_user(user=user, actor=user, reason="password reset")


def password_changed(*, request: HttpRequest, user: User) -> None:
    """A changed password ends the person's other sessions and their API tokens made before it."""
    with transaction.atomic():
        _password_set_now(user)
        record_event(
            action="auth.password_changed",
            actor=user,
            organization=user.last_organization,
            target=user,
        )
        sessions_end_for_user(
            user=user,
            actor=user,
            reason="password changed",
            keep_session_key=request.session.session_key,
        )


def _request_ip(request: HttpRequest) -> str | None:
    from beacon.core.net import client_ip

    return client_ip(request)


# Multi-factor authentication -----------------------------------------------------------------


def mfa_is_enrolled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def passkey_is_added(user: User) -> bool:
    return Passkey.objects.filter(user=user, confirmed=True).exists()


def passkey_count(user: User) -> int:
    return Passkey.objects.filter(user=user, confirmed=True).count()


def mfa_enrolment_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator-app device a person is setting up (one at a time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@dataclass(frozen=True)
class MfaResult:
    device: object | None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.device is not None


def mfa_enrolment_confirm(*, user: User, code: str) -> list[str]:
    """Confirm the authenticator app with a first code; returns the new recovery codes."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        raise ValidationError(
            _("Start the set-up again: no authenticator is waiting to be confirmed.")
        )
    code = _digits(code)
    if not device.verify_token(code):
        record_event(
            action="mfa.failed",
            actor=user,
            organization=user.last_organization,
            target=user,
            details={"during": "enrolment"},
        )
        raise ValidationError(
            _("That code did not match. Check the time on your phone and enter the newest code.")
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # API tokens made before this no longer work: they were made without the second factor.
        user.mfa_enrolled_at = timezone.now()
        User.objects.filter(pk=user.pk).update(mfa_enrolled_at=user.mfa_enrolled_at)
        record_event(
            action="mfa.enrolled", actor=user, organization=user.last_organization, target=user
        )
        codes = recovery_codes_generate(user=user)
    return codes


def recovery_codes_generate(*, user: User) -> list[str]:
    """Replace the person's recovery codes with new ones, shown once. Each works once."""
    codes = [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name="Recovery codes", defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
        record_event(
            action="mfa.recovery_codes_generated",
            actor=user,
            organization=user.last_organization,
            target=user,
            details={"count": len(codes)},
        )
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def recovery_codes_remaining(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def mfa_verify(*, user: User, code: str) -> MfaResult:
    """Check a code from the authenticator app, or a recovery code (used up once accepted).

    A TOTP code is accepted once only: django-otp remembers the last time step used.
    """
    code = (code or "").strip().lower().replace(" ", "").replace("-", "")
    # App codes are digits; recovery codes are 10 letters and digits.
    is_app_code = code.isdigit() and len(code) <= 8
    device_model = TOTPDevice if is_app_code else StaticDevice
    throttled = False
    for device in device_model.objects.filter(user=user, confirmed=True):
        if not device.verify_is_allowed()[0]:
            throttled = True
        elif device.verify_token(code):
            if is_app_code:
                record_event(
                    action="mfa.verified",
                    actor=user,
                    organization=user.last_organization,
                    target=user,
                )
            else:
                record_event(
                    action="mfa.recovery_code_used",
                    actor=user,
                    organization=user.last_organization,
                    target=user,
                    details={"remaining": recovery_codes_remaining(user)},
                )
            return MfaResult(device)
    record_event(action="mfa.failed", actor=user, organization=user.last_organization, target=user)
    if throttled:
        return MfaResult(
            None,
            _(
                "Too many wrong codes in a row. Wait a few seconds and try again: each wrong code "
                "makes the wait longer."
            ),
        )
    return MfaResult(
        None,
        _(
            "That code did not match, or it was already used. Enter the newest code from your app, "
            "or one of your recovery codes."
        ),
    )


def mfa_reset(*, user: User, actor: User, organization=None) -> None:
    """Remove a person's authenticator, recovery codes and passkeys (lost phone) and end their
    sessions.

    They enrol again at their next sign-in where their organization requires MFA.
    """
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        Passkey.objects.filter(user=user).delete()
        User.objects.filter(pk=user.pk).update(mfa_enrolled_at=None)
        user.mfa_enrolled_at = None
        record_event(action="mfa.reset", actor=actor, organization=organization, target=user)
        sessions_end_for_user(user=user, actor=actor, reason="MFA reset")


def mfa_pending_expired(started_at: float) -> bool:
    return timezone.now().timestamp() - started_at > timedelta(minutes=5).total_seconds()


def _digits(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isdigit())
