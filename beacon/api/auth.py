"""How the API knows who is calling: a bearer token, or the browser's signed-in session."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from beacon.api import selectors, services
from beacon.api.errors import ApiError
from beacon.audit.services import record_event


def bearer_secret(request: HttpRequest) -> str | None:
    """The secret of `Authorization: Bearer <secret>`, read as ninja's HttpBearer reads it."""
    parts = request.headers.get("Authorization", "").split(" ")
    if parts[0].lower() != BearerToken.openapi_scheme:
        return None
    return " ".join(parts[1:])


def token_check(request: HttpRequest, raw: str) -> selectors.TokenCheck:
    """selectors.token_check, asked once per request (the idempotency middleware asks first)."""
    cached = getattr(request, "_beacon_token_check", None)
    if cached is not None and cached[0] == raw:
        return cached[1]
    check = selectors.token_check(raw)
    request._beacon_token_check = (raw, check)
    return check


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`: acts for the token's person in the token's organization,
    while selectors.token_check says it may (not revoked, still a member, made after the
    person's and the organization's last security change)."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str):
        check = token_check(request, token)
        api_token = check.token
        if api_token is None:
            record_event(
                action="auth.token_invalid",
                details={"prefix": (token or "")[:12], "path": request.path[:200]},
            )
            return None
        if check.refusal is not None:
            refusal = check.refusal
            record_event(
                action="auth.token_refused",
                actor=api_token.user,
                organization=api_token.organization,
                target=api_token,
                details={
                    "reason": refusal.reason,
                    "prefix": api_token.prefix,
                    "path": request.path[:200],
                },
            )
            request.beacon_refusal_recorded = True  # not a second time as access.refused
            raise ApiError(
                refusal.status, refusal.code, refusal.message, extra={"reason": refusal.reason}
            )
        services.token_touch(api_token)
        request.user = api_token.user
        request.member = check.membership
        request.api_token = api_token
        return api_token


class SessionCookie(SessionAuth):
    """The browser session (for htmx and the API docs page), with Django's CSRF check on
    unsafe methods. A session that still owes an MFA code is not accepted."""

    def _get_key(self, request: HttpRequest):
        # No session cookie: not this scheme's business (a bad bearer token stays a 401, not
        # a CSRF failure). With one, ninja checks CSRF before anything else.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key):
        if key is None:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        member = getattr(request, "member", None)
        if member is not None and member.mfa_required and not user.is_verified():
            return None
        return user


bearer_token = BearerToken()
session_cookie = SessionCookie(csrf=True)


def caller_authenticated_now(request: HttpRequest) -> bool:
    """Whether the API lets this caller in now, decided as it decides (the bearer token, else
    the session), but writing nothing: no audit entry, no last-used note. The idempotency
    middleware asks before it remembers or replays an answer, so a revoked or stopped token,
    and a session signed out or owing MFA, never get a remembered answer."""
    raw = bearer_secret(request)
    if raw is not None:
        check = token_check(request, raw)
        if check.token is not None:
            return check.usable
    try:
        return session_cookie(request) is not None
    except HttpError:  # the session's CSRF check failed
        return False
