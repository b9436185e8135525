"""How the API knows who is calling: a bearer token, or the browser's signed-in session."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from beacon.api import selectors, services
from beacon.audit.services import record_event
from beacon.organizations.selectors import membership_active


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`: acts for the token's person in the token's organization."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str):
        api_token = selectors.token_from_secret(token)
        if api_token is None:
            record_event(
                action="auth.token_invalid",
                details={"prefix": (token or "")[:12], "path": request.path[:200]},
            )
            return None
        membership = membership_active(
            user=api_token.user, organization_id=api_token.organization_id
        )
        if membership is None:
            return None
        services.token_touch(api_token)
        request.user = api_token.user
        request.member = membership
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
