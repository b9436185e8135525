from __future__ import annotations

from django.db.models import QuerySet

from beacon.accounts.models import User, UserSession


def user_for_mfa_pending(pending: dict | None) -> User | None:
    """The person half-way through signing in (password accepted, MFA code not yet)."""
    if not pending or "user" not in pending:
        return None
    return User.objects.filter(pk=pending["user"], is_active=True).first()


def session_list(*, user: User) -> QuerySet[UserSession]:
    return UserSession.objects.filter(user=user).order_by("-last_seen_at")
