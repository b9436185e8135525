from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beacon.accounts import services

# Touching the session on every request would be a database write per click; a minute of
# imprecision in the idle limit is harmless.
_SEEN_RESOLUTION_SECONDS = 60
# Sent by requests a page makes by itself (beacon/templates/notifications/partials/_badge.html).
BACKGROUND = "X-Beacon-Background"


class SessionPolicyMiddleware:
    """Ends a session after the organization's idle minutes, and after BEACON_SESSION_MAX_HOURS
    whatever the activity (HIPAA automatic logoff)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            expired = self._expired_reason(request)
            if expired:
                request.beacon_logout_reason = expired
                logout(request)
                request.member = None
                request.memberships = ()
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"error": {"code": "session_expired", "message": expired}}, status=401
                    )
                messages.info(request, expired)
                if request.htmx:
                    response = redirect(settings.LOGIN_URL)
                    response["HX-Redirect"] = reverse(settings.LOGIN_URL)
                    return response
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.get_full_path()}")
        return self.get_response(request)

    def _expired_reason(self, request) -> str:
        now = timezone.now().timestamp()
        session = request.session
        auth_at = session.get(services.SESSION_AUTH_AT)
        seen_at = session.get(services.SESSION_SEEN_AT)
        if auth_at is None or seen_at is None:
            # A session from before these keys existed: start counting now.
            session[services.SESSION_AUTH_AT] = auth_at or now
            services.session_seen(request=request, now=now)
            return ""
        max_hours = settings.BEACON_SESSION_MAX_HOURS
        if now - auth_at > max_hours * 3600:
            return ngettext(
                "For your security, sessions end after %(hours)d hour. Please sign in again.",
                "For your security, sessions end after %(hours)d hours. Please sign in again.",
                max_hours,
            ) % {"hours": max_hours}
        member = getattr(request, "member", None)
        idle_minutes = (
            member.organization.idle_timeout_minutes
            if member is not None
            else settings.BEACON_SESSION_IDLE_MINUTES
        )
        if now - seen_at > idle_minutes * 60:
            return _(
                "You were signed out after %(minutes)d minutes without activity. "
                "Please sign in again."
            ) % {"minutes": idle_minutes}
        # A request the page makes by itself (the notification badge's poll) is no activity:
        # it would keep an abandoned session open forever. The header can only make a session
        # end sooner, never keep it longer.
        if now - seen_at > _SEEN_RESOLUTION_SECONDS and not request.headers.get(BACKGROUND):
            services.session_seen(request=request, now=now)
        return ""


class SignInRequiredMiddleware(LoginRequiredMiddleware):
    """Deny by default: every page needs a signed-in person unless its view is marked
    @login_not_required. The API (/api/) answers 401 itself, with its own error shape."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class MfaEnrolmentMiddleware:
    """Staff of an organization that requires MFA must enrol before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        member = getattr(request, "member", None)
        if (
            member is not None
            and member.mfa_required
            and not request.user.is_verified()
            and not self._allowed(request.path)
        ):
            return redirect("accounts:mfa_setup")
        return self.get_response(request)

    @staticmethod
    def _allowed(path: str) -> bool:
        allowed = (
            reverse("accounts:mfa_setup"),
            reverse("accounts:logout"),
            reverse("accounts:mfa_recovery_codes"),
            reverse("organizations:switch"),
            "/static/",
            "/healthz",
            "/api/",
        )
        return path.startswith(allowed)
